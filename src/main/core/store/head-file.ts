import { createPublicKey, verify } from 'node:crypto'
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { AppError } from '../../../shared/contract/result'
import { MerkleFrontier } from '../audit/merkle'
import type { Db } from './connection'

/**
 * The newest tree head, kept outside the database too (issue 8): SQLite stops replaying a WAL at
 * its first bad frame by design, so a damaged or truncated WAL silently drops committed
 * transactions. On every open the ledger must be at least as long as this head and agree with it.
 */
export const HEAD_FILE = 'gatehouse.head'

export interface RecordedHead {
  v: 1
  size: number
  /** hex of the RFC 9162 root at `size` */
  root: string
  /** base64 of the Merkle frontier at `size`, so later leaves can be folded onto it */
  frontier: string
  /** when it was recorded */
  at: number
  keyId: string
  /** base64 Ed25519 signature of treeHeadMessage(size, root, at) */
  signature: string
}

export interface LedgerLoss {
  /** missing / diverged: against the recorded head; wal-damaged: committed WAL frames after a damaged one. */
  kind: 'missing' | 'diverged' | 'wal-damaged'
  recordedSize: number
  presentSize: number
  recordedAt: number
  /** Time of the newest event still present (null: none). */
  lastPresentAt: number | null
  message: string
}

export function headFilePath(dataDir: string): string {
  return join(dataDir, HEAD_FILE)
}

export function readHeadFile(dataDir: string): RecordedHead | null {
  const file = headFilePath(dataDir)
  if (!existsSync(file)) return null
  try {
    const head = JSON.parse(readFileSync(file, 'utf8')) as RecordedHead
    if (head.v !== 1 || !Number.isSafeInteger(head.size) || typeof head.root !== 'string' || typeof head.frontier !== 'string') throw new Error('shape')
    return head
  } catch {
    throw new AppError('INTERNAL', `The recorded tree head ${file} is damaged; restore the data folder from a backup (or delete that file to stop checking against it).`)
  }
}

/** Atomic replace, owner-only. */
export function writeHeadFile(dataDir: string, head: RecordedHead): void {
  const file = headFilePath(dataDir)
  const tmp = `${file}.tmp`
  writeFileSync(tmp, JSON.stringify(head), { mode: 0o600 })
  const fd = openSync(tmp, 'r')
  try {
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
  renameSync(tmp, file)
}

function when(ms: number | null): string {
  return ms === null ? 'the start' : new Date(ms).toISOString().replace('.000Z', 'Z')
}

/**
 * Compare the ledger in `db` with the recorded head: null when the ledger contains it (the same
 * leaves up to its size, possibly more after), otherwise what was lost.
 */
export function compareWithHead(db: Db, head: RecordedHead, headMessage: (size: number, root: Buffer, at: number) => Buffer): LedgerLoss | null {
  // A WAL cut short can take the whole schema with it (a store never checkpointed): nothing is left.
  const hasLedger = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'ledger_state'").get() !== undefined
  const state = hasLedger
    ? (db.prepare('SELECT tree_size AS size, frontier FROM ledger_state WHERE ledger_id = 1').get() as { size: number; frontier: Buffer })
    : { size: 0, frontier: Buffer.alloc(0) }
  const lastPresentAt = hasLedger ? (db.prepare('SELECT max(time) AS t FROM audit_events').get() as { t: number | null }).t : null
  const loss = (kind: LedgerLoss['kind'], message: string): LedgerLoss => ({
    kind,
    recordedSize: head.size,
    presentSize: state.size,
    recordedAt: head.at,
    lastPresentAt,
    message
  })
  const key = hasLedger
    ? (db.prepare('SELECT public_key FROM installation_keys WHERE key_id = ?').get(head.keyId) as { public_key: Buffer } | undefined)
    : undefined
  const root = Buffer.from(head.root, 'hex')
  const signed =
    key !== undefined &&
    verify(null, headMessage(head.size, root, head.at), createPublicKey({ key: key.public_key, format: 'der', type: 'spki' }), Buffer.from(head.signature, 'base64'))
  if (key !== undefined && !signed) {
    return loss('diverged', `The recorded tree head (${head.size} events at ${when(head.at)}) was not signed by this store's key: this is not the database it was recorded for.`)
  }
  if (state.size < head.size) {
    const missing = head.size - state.size
    return loss(
      'missing',
      `The store has lost ${missing.toLocaleString('en-US')} committed audit event${missing === 1 ? '' : 's'}: ${head.size.toLocaleString('en-US')} were recorded at ${when(head.at)}, ${state.size.toLocaleString('en-US')} are present (newest from ${when(lastPresentAt)}). The write-ahead log was probably damaged or truncated.`
    )
  }
  if (!signed) {
    return loss('diverged', `The recorded tree head (${head.size} events at ${when(head.at)}) was signed by a key this store does not have: this is not the database it was recorded for.`)
  }
  const frontier = MerkleFrontier.decode(head.size, Buffer.from(head.frontier, 'base64'))
  if (!frontier.root().equals(root)) return loss('diverged', `The recorded tree head ${HEAD_FILE} is inconsistent with itself.`)
  for (const row of db.prepare('SELECT leaf_hash FROM audit_events WHERE seq > ? ORDER BY seq').iterate(head.size) as Iterable<{ leaf_hash: Buffer }>) {
    frontier.append(row.leaf_hash)
  }
  const current = MerkleFrontier.decode(state.size, state.frontier)
  if (frontier.size !== current.size || !frontier.root().equals(current.root())) {
    return loss('diverged', `The audit ledger no longer contains the ${head.size.toLocaleString('en-US')} events recorded at ${when(head.at)}: history before that point differs.`)
  }
  return null
}

/** The refusal a user sees: what was lost and the two ways forward. */
export function lossRefusal(loss: LedgerLoss, dataDir: string): AppError {
  return new AppError(
    'CONFLICT',
    `${loss.message} Gatehouse did not open the store for writing and changed nothing. Restore the data folder ${dataDir} from a backup, or accept the loss explicitly with "gatehouse store accept-loss" (it is recorded in the audit log).`,
    { ...loss }
  )
}
