import { createPublicKey, verify as verifySignature } from 'node:crypto'
import { availableParallelism } from 'node:os'
import { Worker } from 'node:worker_threads'
import type { ReaderSpec } from '../jobs/protocol'
import type { Executor } from '../store/port'
import { workerEntry } from '../worker-entry'
import { canonicalEventJson, headFromRow, treeHeadMessage, type AuditRow, type TreeHead } from './ledger'
import { auditEventsIn, canonicalEventsIn, headRows, type CanonicalEvent, ledgerPublicKeys, maxAuditSeq, nextAuditSeq, readLedgerState } from './ledger-repository'
import { consistencyProof, leafHash, MerkleFrontier, subtreeSource, verifyConsistency } from './merkle'
import { dialectOf } from '../store/dialects'
import { readSqliteBtree, sqliteBtreesBesideLedger } from '../store/sqlite-pages'

export type VerifyResult =
  | { ok: true; count: number; root: Buffer; heads: number; unsignedTail: number; workers: number; checkpoint: VerifyCheckpoint | null }
  | { ok: false; message: string; seq?: number; range?: [number, number] }

/**
 * A verify cuts the ledger into chunks of this many events (a power of two, so each full chunk is
 * one perfect subtree of the RFC 9162 tree): workers check chunks in parallel, and the chunks'
 * subtrees are joined in order.
 */
export const VERIFY_CHUNK = 65_536
/** Events read per statement inside a chunk (keyset on seq): memory stays flat at any size. */
const VERIFY_BATCH = 5_000
/** Below this many events the threads cost more than they save: the chunks run on the caller's connection. */
const PARALLEL_FROM = 2 * VERIFY_CHUNK

/** What one chunk (`lo..hi`) holds: how far it runs without a gap, its first fault, and its frontier at each size asked. */
export interface ChunkResult {
  lo: number
  hi: number
  /** The last sequence number checked: hi, or less when the stored events stop (or a fault stops the chunk). */
  end: number
  fault: { seq: number; kind: 'missing' | 'altered' | 'unreadable'; next: number | null } | null
  /** The chunk's own frontier (encoded) at each size asked for (signed heads) and at `end`. */
  frontiers: Array<{ size: number; nodes: Buffer }>
}

function storedJsonParses(row: AuditRow): boolean {
  try {
    for (const text of [row.before_json, row.after_json]) if (text !== null) JSON.parse(text)
    return true
  } catch {
    return false
  }
}

/**
 * Check one chunk: every event present in order, every leaf recomputed from the stored columns and
 * equal to the stored hash, and the chunk's frontier where a signed head (or the chunk) ends.
 * Runs in a verify worker, or on the caller's connection for a small ledger.
 */
export async function verifyChunk(
  q: Executor,
  lo: number,
  hi: number,
  sizes: readonly number[],
  fetch: (afterSeq: number, lastSeq: number, limit: number) => CanonicalEvent[] | Promise<CanonicalEvent[]> = (a, l, n) => canonicalEventsIn(q, a, l, n),
  /** Receives each leaf checked, in order (an incremental verify keeps them for its proof). */
  onLeaf?: (leaf: Buffer) => void
): Promise<ChunkResult> {
  const wanted = new Set(sizes)
  const frontier = MerkleFrontier.empty()
  const frontiers: ChunkResult['frontiers'] = []
  let expected = lo
  let fault: ChunkResult['fault'] = null
  let after = lo - 1
  outer: while (after < hi) {
    const rows = await fetch(after, hi, VERIFY_BATCH)
    for (const [seq, json, stored] of rows) {
      if (seq !== expected) {
        fault = { seq: expected, kind: 'missing', next: seq }
        break outer
      }
      // A purged event's content is gone (retention): its stored leaf stands, held to every signed
      // head by the tree like any other; it is not recomputed.
      const leaf = json === null ? stored : leafHash(json)
      if (json !== null && !leaf.equals(stored)) {
        // Read again column by column, through the ledger's own serialisation: what is wrong with it.
        const [row] = await auditEventsIn(q, seq - 1, seq, 1)
        const parses = row !== undefined && storedJsonParses(row)
        if (parses && leafHash(canonicalEventJson(row)).equals(row.leaf_hash)) {
          throw new Error(`The database's JSON of audit event ${seq} differs from the ledger's: verification cannot decide.`)
        }
        fault = { seq, kind: parses ? 'altered' : 'unreadable', next: null }
        break outer
      }
      frontier.append(leaf)
      onLeaf?.(leaf)
      if (wanted.has(seq)) frontiers.push({ size: seq, nodes: frontier.encode() })
      expected += 1
    }
    if (rows.length < VERIFY_BATCH) break
    after = rows[rows.length - 1]![0]
  }
  const end = expected - 1
  if (!frontiers.some((f) => f.size === end)) frontiers.push({ size: end, nodes: frontier.encode() })
  return { lo, hi, end, fault, frontiers }
}

function split(nodes: Buffer): Buffer[] {
  const out: Buffer[] = []
  for (let offset = 0; offset < nodes.length; offset += 32) out.push(nodes.subarray(offset, offset + 32))
  return out
}

export interface VerifyOptions {
  /** How to open read-only connections of their own: with it, a large ledger is checked by worker threads. */
  reader?: ReaderSpec
  /** Worker threads (default: the machine's cores, at most 4); 0 keeps every chunk on the caller's connection. */
  workers?: number
  /** A power of two; tests make it small to cut a short ledger into many chunks. */
  chunkSize?: number
  /**
   * SQLite: also read every page of every other table and index (each page of the encrypted store
   * carries its own tag), so a damaged file is found as `PRAGMA quick_check` would find it; a
   * damaged page throws. `gatehouse audit verify` asks for it.
   */
  readPages?: boolean
  /** Events checked so far, and of how many: after each chunk. */
  onProgress?: (done: number, total: number) => void
  signal?: AbortSignal
}

/**
 * Recompute every leaf from the stored event columns, rebuild the tree, and at every signed head
 * compare the root and check the signature; name the first missing, altered or unreadable
 * sequence number, or the range between two heads that was rewritten. The ledger is checked in
 * chunks, in parallel on worker threads with read-only connections of their own when a reader is
 * given and the ledger is large; the outcome is the same as one pass in order.
 */
export async function verifyLedger(q: Executor, options: VerifyOptions = {}): Promise<VerifyResult> {
  const chunkSize = options.chunkSize ?? VERIFY_CHUNK
  if (chunkSize < 1 || (chunkSize & (chunkSize - 1)) !== 0) throw new Error('The verify chunk size must be a power of two')
  const signed = await readSignedHeads(q)
  if (!signed.ok) return signed
  const { heads, recorded } = signed
  // Only the events the recorded size covers (a head beyond it is reported as a truncation).
  const last = recorded
  const chunks: Array<{ lo: number; hi: number; sizes: number[] }> = []
  for (let lo = 1; lo <= last; lo += chunkSize) {
    const hi = Math.min(lo + chunkSize - 1, last)
    chunks.push({ lo, hi, sizes: heads.filter((h) => h.treeSize >= lo && h.treeSize <= hi).map((h) => h.treeSize) })
  }
  const wantWorkers = options.workers ?? Math.min(4, availableParallelism())
  const parallel = options.reader !== undefined && wantWorkers > 0 && (last >= PARALLEL_FROM || options.workers !== undefined) && chunks.length > 1
  const workers = parallel ? Math.min(wantWorkers, chunks.length) : 0
  const pageTrees = options.readPages && dialectOf(q) === 'sqlite' ? await sqliteBtreesBesideLedger(q) : []
  const results = parallel ? await runInWorkers(options.reader!, chunks, pageTrees, workers, options) : await runHere(q, chunks, pageTrees, options)

  const frontier = MerkleFrontier.empty()
  let headIndex = 0
  let previousSize = 0
  let checkpoint: VerifyCheckpoint | null = null
  const checkHead = (size: number, root: () => Buffer, nodes: () => Buffer[]): VerifyResult | null => {
    while (headIndex < heads.length && heads[headIndex]!.treeSize === size) {
      const head = heads[headIndex]!
      if (!root().equals(head.root)) return rewritten(previousSize, head)
      previousSize = head.treeSize
      headIndex += 1
      if (size > 0) checkpoint = { size, root: head.root, frontier: Buffer.concat(nodes()), signedAt: head.signedAt }
    }
    return null
  }
  const early = checkHead(0, () => frontier.root(), () => [])
  if (early) return early
  for (const result of results) {
    if (!result) break
    for (const local of result.frontiers) {
      const bad = checkHead(local.size, () => frontier.rootWith(split(local.nodes)), () => {
          // As a frontier of its own (the prefix's last subtree may equal the chunk's first).
          const whole = frontier.clone()
          whole.appendRun(split(local.nodes), local.size - result.lo + 1)
          return [...whole.subtrees]
        })
      if (bad) return bad
    }
    if (result.fault) return faultResult(result.fault)
    const tail = result.frontiers.find((f) => f.size === result.end)!
    frontier.appendRun(split(tail.nodes), result.end - result.lo + 1)
    if (result.end < result.hi) {
      // The stored events stop inside this chunk: a gap if any event follows, else the end of the log.
      const next = await nextAuditSeq(q, result.end, last)
      if (next !== null) return faultResult({ seq: result.end + 1, kind: 'missing', next })
      break
    }
  }
  if (headIndex < heads.length) {
    const head = heads[headIndex]!
    return {
      ok: false,
      message: `The log was truncated: a signed tree head covers ${head.treeSize} events but only ${frontier.size} are present.`,
      range: [frontier.size + 1, head.treeSize]
    }
  }
  if (recorded !== frontier.size) {
    return { ok: false, message: `The ledger records ${recorded} events but ${frontier.size} are present.`, range: [frontier.size + 1, recorded] }
  }
  const extra = await eventsBeyondRecorded(q)
  if (extra) return extra
  return { ok: true, count: frontier.size, root: frontier.root(), heads: heads.length, unsignedTail: frontier.size - previousSize, workers, checkpoint }
}

/**
 * Where a passing verify stopped: the newest signed head it checked, with the tree's frontier at
 * that size. An incremental verify starts from it; it is trusted only as far as its frontier folds
 * to the root of the signed head of that size, whose signature is checked again.
 */
export interface VerifyCheckpoint {
  size: number
  root: Buffer
  frontier: Buffer
  signedAt: number
}

export type IncrementalResult =
  | { ok: true; from: number; to: number; checked: number; heads: number; proof: Buffer[]; count: number; unsignedTail: number; checkpoint: VerifyCheckpoint }
  | { ok: false; message: string; seq?: number; range?: [number, number] }

/**
 * Check only what was appended since `since` (the newest signed head of an earlier passing verify):
 * the signed heads' signatures, that the checkpoint's frontier gives that head's root, every
 * appended leaf recomputed from the stored columns, the root of every newer signed head, and an
 * RFC 9162 consistency proof from the old head to the newest one (built from the checkpoint's
 * frontier and the appended leaves, then verified against both signed roots). Events before the
 * checkpoint are not read: a full verify is what covers them.
 */
export async function verifyAppended(q: Executor, since: VerifyCheckpoint): Promise<IncrementalResult> {
  const signed = await readSignedHeads(q)
  if (!signed.ok) return signed
  const { heads, recorded } = signed
  const m = since.size
  const old = heads.find((h) => h.treeSize === m)
  if (!old) return { ok: false, message: `No signed tree head covers ${m} events any more, as the last verify recorded: the signed heads were removed or rewritten. Run a full verify.` }
  let start: MerkleFrontier
  try {
    start = MerkleFrontier.decode(m, since.frontier)
  } catch {
    return { ok: false, message: `The last verify's record does not describe a tree of ${m} events. Run a full verify.` }
  }
  // Every head signed at that size must agree (a second, validly signed root there is a fork).
  if (!start.root().equals(old.root) || !Buffer.from(since.root).equals(old.root) || heads.some((h) => h.treeSize === m && !h.root.equals(old.root))) {
    return { ok: false, message: `The tree head signed at size ${m} is not the one the last verify passed: history up to ${m} was rewritten, or the record is not this ledger's. Run a full verify.`, range: [1, m] }
  }
  if (recorded < m) return { ok: false, message: `The log was truncated: the last verify passed ${m} events but the ledger records ${recorded}.`, range: [recorded + 1, m] }
  const later = heads.filter((h) => h.treeSize > m && h.treeSize <= recorded)
  const beyond = heads.find((h) => h.treeSize > recorded)
  if (beyond) return { ok: false, message: `The log was truncated: a signed tree head covers ${beyond.treeSize} events but the ledger records ${recorded}.`, range: [recorded + 1, beyond.treeSize] }

  const leaves: Buffer[] = []
  const result = m < recorded ? await verifyChunk(q, m + 1, recorded, [], undefined, (leaf) => leaves.push(leaf)) : null
  if (result?.fault) return faultResult(result.fault)
  const present = m + leaves.length
  if (present < recorded) {
    const next = await nextAuditSeq(q, present, recorded)
    if (next !== null) return faultResult({ seq: present + 1, kind: 'missing', next })
    return { ok: false, message: `The ledger records ${recorded} events but ${present} are present.`, range: [present + 1, recorded] }
  }
  // Every newer head: its root from the old frontier and the leaves after it.
  const frontier = start.clone()
  let checkpoint: VerifyCheckpoint = { size: m, root: old.root, frontier: start.encode(), signedAt: old.signedAt }
  let previousSize = m
  for (const head of later) {
    while (frontier.size < head.treeSize) frontier.append(leaves[frontier.size - m]!)
    if (!frontier.root().equals(head.root)) return rewritten(previousSize, head)
    previousSize = head.treeSize
    checkpoint = { size: head.treeSize, root: head.root, frontier: frontier.encode(), signedAt: head.signedAt }
  }
  const proof = checkpoint.size > m ? consistencyProof(m, checkpoint.size, subtreeSource(start, leaves)) : []
  if (!verifyConsistency(m, checkpoint.size, proof, old.root, checkpoint.root)) {
    return { ok: false, message: `The tree head at size ${checkpoint.size} is not an extension of the one at size ${m}: the consistency proof between them fails.`, range: [1, checkpoint.size] }
  }
  const extra = await eventsBeyondRecorded(q)
  if (extra) return extra
  return { ok: true, from: m, to: recorded, checked: leaves.length, heads: later.length, proof, count: recorded, unsignedTail: recorded - checkpoint.size, checkpoint }
}

type Failure = { ok: false; message: string; seq?: number; range?: [number, number] }

/**
 * Beside a running writer, reads happen at different moments: heads first, then the ledger's
 * size, then only the events up to that size. Every head read was signed from a state at most
 * that large, so later appends are simply not looked at, and a shrunken size is still caught.
 * Every head's signature is checked here, against the keys the store lists.
 */
async function readSignedHeads(q: Executor): Promise<{ ok: true; heads: TreeHead[]; recorded: number } | Failure> {
  const heads = (await headRows(q)).map(headFromRow)
  const recorded = (await readLedgerState(q)).size
  const keys = new Map((await ledgerPublicKeys(q)).map((k) => [k.key_id, createPublicKey({ key: Buffer.from(k.public_key), format: 'der', type: 'spki' })]))
  for (const head of heads) {
    const key = keys.get(head.keyId)
    if (!key || !verifySignature(null, treeHeadMessage(head.treeSize, head.root, head.signedAt), key, head.signature)) {
      return { ok: false, message: `The signature of the tree head at size ${head.treeSize} does not verify: the signed heads were altered.` }
    }
  }
  return { ok: true, heads, recorded }
}

function rewritten(previousSize: number, head: TreeHead): Failure {
  return {
    ok: false,
    message: `History was rewritten between sequence numbers ${previousSize + 1} and ${head.treeSize}: the root does not match the tree head signed at ${new Date(head.signedAt).toISOString()}.`,
    range: [previousSize + 1, head.treeSize]
  }
}

/**
 * Events past the size read at the start are either appends since (the size has grown to cover
 * them: an append writes both in one transaction) or rows the recorded size does not account for.
 */
async function eventsBeyondRecorded(q: Executor): Promise<Failure | null> {
  const stored = await maxAuditSeq(q)
  const now = (await readLedgerState(q)).size
  return stored > now ? { ok: false, message: `The ledger records ${now} events but events up to ${stored} are present.`, range: [now + 1, stored] } : null
}

function faultResult({ seq, kind, next }: NonNullable<ChunkResult['fault']>): { ok: false; message: string; seq: number } {
  if (kind === 'missing') return { ok: false, message: `Audit event ${seq} is missing (the next stored event is ${next}).`, seq }
  if (kind === 'unreadable') return { ok: false, message: `Audit event ${seq} is unreadable (its stored values are not valid JSON).`, seq }
  return { ok: false, message: `Audit event ${seq} does not match its recorded hash: it was altered after it was written.`, seq }
}

function cancelled(): Error {
  const error = new Error('The integrity check was cancelled.')
  error.name = 'AbortError'
  return error
}

/** The chunks in order on the caller's connection, stopping at the first that cannot be continued. */
async function runHere(q: Executor, chunks: ReadonlyArray<Chunk>, pageTrees: readonly string[], options: VerifyOptions): Promise<ChunkResult[]> {
  const results: ChunkResult[] = []
  const total = chunks.at(-1)?.hi ?? 0
  for (const chunk of chunks) {
    if (options.signal?.aborted) throw cancelled()
    const result = await verifyChunk(q, chunk.lo, chunk.hi, chunk.sizes)
    results.push(result)
    options.onProgress?.(result.end, total)
    if (result.fault || result.end < result.hi) return results
  }
  for (const name of pageTrees) {
    if (options.signal?.aborted) throw cancelled()
    await readSqliteBtree(q, name)
  }
  return results
}

type Chunk = { lo: number; hi: number; sizes: number[] }
/** What a verify worker is handed: a chunk of the ledger, or one other b-tree to read page by page. */
export type VerifyJob = ({ kind: 'chunk' } & Chunk) | { kind: 'pages'; name: string }
export type VerifyAnswer = { type: 'chunk'; result: ChunkResult } | { type: 'pages'; pages: number } | { type: 'failed'; message: string }

/**
 * The chunks (then the other b-trees' pages) on `count` worker threads, each with a read-only
 * connection of its own, handed out in order as workers free up. Once a chunk cannot be continued
 * (a fault, or the events stop), nothing later is started: the answer lies at or before it.
 */
async function runInWorkers(spec: ReaderSpec, chunks: ReadonlyArray<Chunk>, pageTrees: readonly string[], count: number, options: VerifyOptions): Promise<Array<ChunkResult | undefined>> {
  const jobs: VerifyJob[] = [...chunks.map((c) => ({ kind: 'chunk' as const, ...c })), ...pageTrees.map((name) => ({ kind: 'pages' as const, name }))]
  const results: Array<ChunkResult | undefined> = new Array(chunks.length)
  const total = chunks.at(-1)?.hi ?? 0
  let next = 0
  let stopAt = jobs.length
  let done = 0
  const threads: Worker[] = []
  try {
    await Promise.all(
      Array.from({ length: count }, async () => {
        const thread = new Worker(workerEntry(new URL(import.meta.url.endsWith('.ts') ? './verify-worker.ts' : './verify-worker.js', import.meta.url)), { workerData: spec })
        threads.push(thread)
        const ask = (job: VerifyJob) =>
          new Promise<VerifyAnswer>((resolve, reject) => {
            const onMessage = (message: VerifyAnswer) => {
              cleanup()
              if (message.type === 'failed') reject(new Error(message.message))
              else resolve(message)
            }
            const onError = (error: Error) => {
              cleanup()
              reject(error)
            }
            const onExit = (code: number) => {
              cleanup()
              reject(new Error(`A verify worker stopped (exit code ${code}).`))
            }
            const cleanup = () => {
              thread.off('message', onMessage)
              thread.off('error', onError)
              thread.off('exit', onExit)
            }
            thread.on('message', onMessage)
            thread.on('error', onError)
            thread.on('exit', onExit)
            thread.postMessage(job)
          })
        while (next < stopAt) {
          if (options.signal?.aborted) throw cancelled()
          const index = next++
          const answer = await ask(jobs[index]!)
          if (answer.type !== 'chunk') continue
          const result = answer.result
          results[index] = { ...result, frontiers: result.frontiers.map((f) => ({ size: f.size, nodes: Buffer.from(f.nodes) })) }
          done += result.end - result.lo + 1
          options.onProgress?.(Math.min(done, total), total)
          if (result.fault || result.end < result.hi) stopAt = Math.min(stopAt, index + 1)
        }
      })
    )
  } finally {
    await Promise.all(threads.map((thread) => thread.terminate()))
  }
  return results.slice(0, Math.min(stopAt, chunks.length))
}
