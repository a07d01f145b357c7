import canonicalize from 'canonicalize'
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomUUID, sign, verify as verifySignature } from 'node:crypto'
import type { AuditActor } from '../../../shared/contract/audit'
import type { Clock } from '../clock'
import type { Db } from '../store/connection'
import { leafHash, MerkleFrontier } from './merkle'

/** What a service hands the ledger; sequence number, time and leaf hash are the ledger's. */
export interface AuditEntry {
  accountId: string | null
  actor: AuditActor
  action: string
  summary: string
  target: { type: string; id: string | null; name: string | null }
  before?: unknown
  after?: unknown
  ip: string | null
  device: string | null
  /** Only for generated demo history; live events always take the ledger's clock. */
  time?: number
}

export interface AuditRow {
  seq: number
  account_id: string | null
  time: number
  actor_kind: string
  actor_id: string | null
  actor_name: string
  actor_email: string | null
  actor_role: string | null
  action: string
  summary: string
  target_type: string
  target_id: string | null
  target_name: string | null
  before_json: string | null
  after_json: string | null
  ip: string | null
  device: string | null
  leaf_hash: Buffer
}

export interface TreeHead {
  treeSize: number
  root: Buffer
  signedAt: number
  reason: string
  keyId: string
  signature: Buffer
}

const str = JSON.stringify

/**
 * The leaf's bytes: RFC 8785 canonical JSON of every recorded field of the event, written out
 * directly (keys in JCS order) because verification rebuilds it a million times. `before_json` and
 * `after_json` are stored in canonical form (see `toJson`) and go in as stored, so editing any
 * column — even re-serialising a value differently — changes the leaf. A property test checks the
 * bytes equal `canonicalize` of the same event.
 */
export function canonicalEventJson(row: Omit<AuditRow, 'leaf_hash'>): string {
  return (
    `{"accountId":${str(row.account_id)},"action":${str(row.action)},` +
    `"actor":{"email":${str(row.actor_email)},"id":${str(row.actor_id)},"kind":${str(row.actor_kind)},"name":${str(row.actor_name)},"role":${str(row.actor_role)}},` +
    `"after":${row.after_json ?? 'null'},"before":${row.before_json ?? 'null'},"device":${str(row.device)},"ip":${str(row.ip)},` +
    `"seq":${str(row.seq)},"summary":${str(row.summary)},` +
    `"target":{"id":${str(row.target_id)},"name":${str(row.target_name)},"type":${str(row.target_type)}},"time":${str(row.time)},"v":1}`
  )
}

/** The same bytes through the general RFC 8785 library: the reference the fast path is tested against. */
export function canonicalEventJsonReference(row: Omit<AuditRow, 'leaf_hash'>): string {
  return canonicalize({
    v: 1,
    seq: row.seq,
    accountId: row.account_id,
    time: row.time,
    actor: { kind: row.actor_kind, id: row.actor_id, name: row.actor_name, email: row.actor_email, role: row.actor_role },
    action: row.action,
    summary: row.summary,
    target: { type: row.target_type, id: row.target_id, name: row.target_name },
    before: row.before_json === null ? null : JSON.parse(row.before_json),
    after: row.after_json === null ? null : JSON.parse(row.after_json),
    ip: row.ip,
    device: row.device
  })!
}

/** The signed statement: domain-separated so the key signs nothing else by accident. */
export function treeHeadMessage(treeSize: number, root: Uint8Array, signedAt: number): Buffer {
  return Buffer.from(`gatehouse-tree-head:v1\n${treeSize}\n${Buffer.from(root).toString('hex')}\n${signedAt}\n`)
}

function toJson(value: unknown): string | null {
  return value === undefined || value === null ? null : canonicalize(value)!
}

export class Ledger {
  private readonly insertEvent
  private readonly readState
  private readonly writeState
  private readonly insertHead
  private readonly lastHead
  private signingKey: { keyId: string; privateKey: ReturnType<typeof createPrivateKey> } | null = null

  constructor(
    private readonly db: Db,
    private readonly clock: Clock
  ) {
    this.insertEvent = db.prepare(`
      INSERT INTO audit_events (seq, account_id, time, actor_kind, actor_id, actor_name, actor_email, actor_role,
        action, summary, target_type, target_id, target_name, before_json, after_json, ip, device, leaf_hash)
      VALUES (@seq, @account_id, @time, @actor_kind, @actor_id, @actor_name, @actor_email, @actor_role,
        @action, @summary, @target_type, @target_id, @target_name, @before_json, @after_json, @ip, @device, @leaf_hash)`)
    this.readState = db.prepare('SELECT tree_size AS size, frontier FROM ledger_state WHERE ledger_id = 1')
    this.writeState = db.prepare('UPDATE ledger_state SET tree_size = ?, frontier = ? WHERE ledger_id = 1')
    this.insertHead = db.prepare(`
      INSERT INTO ledger_heads (account_id, tree_size, root, signed_at, reason, key_id, signature)
      VALUES (NULL, ?, ?, ?, ?, ?, ?)`)
    this.lastHead = db.prepare('SELECT * FROM ledger_heads ORDER BY head_id DESC LIMIT 1')
  }

  /**
   * Append one event. Must run inside the caller's transaction (with the change it records) so the
   * event, its leaf and the frontier commit or roll back together.
   */
  append(entry: AuditEntry): number {
    return this.appendMany([entry])
  }

  /** Append several events with one read and one write of the frontier; returns the last seq. */
  appendMany(entries: Iterable<AuditEntry>): number {
    if (!this.db.inTransaction) throw new Error('Ledger.append must run inside the mutation transaction')
    const state = this.readState.get() as { size: number; frontier: Buffer }
    const frontier = MerkleFrontier.decode(state.size, state.frontier)
    for (const entry of entries) {
      const row: Omit<AuditRow, 'leaf_hash'> = {
        seq: frontier.size + 1,
        account_id: entry.accountId,
        time: entry.time ?? this.clock.now(),
        actor_kind: entry.actor.kind,
        actor_id: entry.actor.id,
        actor_name: entry.actor.name,
        actor_email: entry.actor.email,
        actor_role: entry.actor.role,
        action: entry.action,
        summary: entry.summary,
        target_type: entry.target.type,
        target_id: entry.target.id,
        target_name: entry.target.name,
        before_json: toJson(entry.before),
        after_json: toJson(entry.after),
        ip: entry.ip,
        device: entry.device
      }
      const leaf = leafHash(canonicalEventJson(row))
      this.insertEvent.run({ ...row, leaf_hash: leaf })
      frontier.append(leaf)
    }
    this.writeState.run(frontier.size, frontier.encode())
    return frontier.size
  }

  size(): number {
    return (this.readState.get() as { size: number }).size
  }

  /** Create the installation's Ed25519 key pair on first use; it lives only inside the encrypted store. */
  ensureSigningKey(): { keyId: string; publicKey: Buffer } {
    const existing = this.db
      .prepare("SELECT key_id, public_key FROM installation_keys WHERE purpose = 'ledger' ORDER BY created_at LIMIT 1")
      .get() as { key_id: string; public_key: Buffer } | undefined
    if (existing) return { keyId: existing.key_id, publicKey: existing.public_key }
    const { publicKey, privateKey } = generateKeyPairSync('ed25519')
    const keyId = randomUUID()
    const pub = publicKey.export({ format: 'der', type: 'spki' })
    this.db
      .prepare("INSERT INTO installation_keys (key_id, account_id, purpose, public_key, private_key, created_at) VALUES (?, NULL, 'ledger', ?, ?, ?)")
      .run(keyId, pub, privateKey.export({ format: 'der', type: 'pkcs8' }), this.clock.now())
    return { keyId, publicKey: pub }
  }

  private key(): { keyId: string; privateKey: ReturnType<typeof createPrivateKey> } {
    if (this.signingKey) return this.signingKey
    const { keyId } = this.ensureSigningKey()
    const row = this.db.prepare('SELECT private_key FROM installation_keys WHERE key_id = ?').get(keyId) as { private_key: Buffer }
    this.signingKey = { keyId, privateKey: createPrivateKey({ key: row.private_key, format: 'der', type: 'pkcs8' }) }
    return this.signingKey
  }

  /** Sign the current tree head (size, root, time). The frontier makes this O(log n). */
  signHead(reason: string): TreeHead {
    const { keyId, privateKey } = this.key()
    const state = this.readState.get() as { size: number; frontier: Buffer }
    const root = MerkleFrontier.decode(state.size, state.frontier).root()
    const signedAt = this.clock.now()
    const signature = sign(null, treeHeadMessage(state.size, root, signedAt), privateKey)
    this.insertHead.run(state.size, root, signedAt, reason, keyId, signature)
    return { treeSize: state.size, root, signedAt, reason, keyId, signature }
  }

  latestHead(): TreeHead | null {
    const row = this.lastHead.get() as HeadRow | undefined
    return row ? headFromRow(row) : null
  }
}

export interface HeadRow {
  tree_size: number
  root: Buffer
  signed_at: number
  reason: string
  key_id: string
  signature: Buffer
}

export function headFromRow(row: HeadRow): TreeHead {
  return { treeSize: row.tree_size, root: row.root, signedAt: row.signed_at, reason: row.reason, keyId: row.key_id, signature: row.signature }
}

function storedJsonParses(row: AuditRow): boolean {
  try {
    for (const text of [row.before_json, row.after_json]) if (text !== null) JSON.parse(text)
    return true
  } catch {
    return false
  }
}

export type VerifyResult =
  | { ok: true; count: number; root: Buffer; heads: number; unsignedTail: number }
  | { ok: false; message: string; seq?: number; range?: [number, number] }

/**
 * Recompute every leaf from the stored event columns, rebuild the tree, and at every signed head
 * compare the root and check the signature. Reads through its own connection (the caller's).
 */
export function verifyLedger(db: Db): VerifyResult {
  const heads = (db.prepare('SELECT * FROM ledger_heads ORDER BY tree_size, head_id').all() as HeadRow[]).map(headFromRow)
  const keys = new Map(
    (db.prepare("SELECT key_id, public_key FROM installation_keys WHERE purpose = 'ledger'").all() as { key_id: string; public_key: Buffer }[]).map(
      (k) => [k.key_id, createPublicKey({ key: k.public_key, format: 'der', type: 'spki' })]
    )
  )
  for (const head of heads) {
    const key = keys.get(head.keyId)
    if (!key || !verifySignature(null, treeHeadMessage(head.treeSize, head.root, head.signedAt), key, head.signature)) {
      return { ok: false, message: `The signature of the tree head at size ${head.treeSize} does not verify: the signed heads were altered.` }
    }
  }
  const frontier = MerkleFrontier.empty()
  let headIndex = 0
  let previousSize = 0
  const checkHeads = (): VerifyResult | null => {
    while (headIndex < heads.length && heads[headIndex]!.treeSize === frontier.size) {
      const head = heads[headIndex]!
      if (!frontier.root().equals(head.root)) {
        return {
          ok: false,
          message: `History was rewritten between sequence numbers ${previousSize + 1} and ${head.treeSize}: the root does not match the tree head signed at ${new Date(head.signedAt).toISOString()}.`,
          range: [previousSize + 1, head.treeSize]
        }
      }
      previousSize = head.treeSize
      headIndex += 1
    }
    return null
  }
  const early = checkHeads()
  if (early) return early
  const rows = db.prepare('SELECT * FROM audit_events ORDER BY seq').iterate() as IterableIterator<AuditRow>
  for (const row of rows) {
    const expectedSeq = frontier.size + 1
    if (row.seq !== expectedSeq) {
      return { ok: false, message: `Audit event ${expectedSeq} is missing (the next stored event is ${row.seq}).`, seq: expectedSeq }
    }
    const leaf = leafHash(canonicalEventJson(row))
    if (!leaf.equals(row.leaf_hash)) {
      if (!storedJsonParses(row)) {
        return { ok: false, message: `Audit event ${row.seq} is unreadable (its stored values are not valid JSON).`, seq: row.seq }
      }
      return { ok: false, message: `Audit event ${row.seq} does not match its recorded hash: it was altered after it was written.`, seq: row.seq }
    }
    frontier.append(leaf)
    const bad = checkHeads()
    if (bad) return bad
  }
  if (headIndex < heads.length) {
    const head = heads[headIndex]!
    return {
      ok: false,
      message: `The log was truncated: a signed tree head covers ${head.treeSize} events but only ${frontier.size} are present.`,
      range: [frontier.size + 1, head.treeSize]
    }
  }
  const state = db.prepare('SELECT tree_size FROM ledger_state WHERE ledger_id = 1').get() as { tree_size: number }
  if (state.tree_size !== frontier.size) {
    return { ok: false, message: `The ledger records ${state.tree_size} events but ${frontier.size} are present.`, range: [frontier.size + 1, state.tree_size] }
  }
  return { ok: true, count: frontier.size, root: frontier.root(), heads: heads.length, unsignedTail: frontier.size - previousSize }
}
