import canonicalize from 'canonicalize'
import { createPrivateKey, generateKeyPairSync, randomUUID, sign } from 'node:crypto'
import type { AuditActor } from '../../../shared/contract/audit'
import type { AuditAction } from '../../../shared/audit-actions'
import type { Clock } from '../clock'
import { DIALECT_SQL } from '../store/dialects'
import type { RecordedHead } from '../store/head-file'
import type { Executor, Store } from '../store/port'
import {
  insertAuditEvents,
  insertHead,
  insertSigningKey,
  latestHeadRow,
  ledgerSigningKey,
  readLedgerState,
  sealedPrivateKey,
  advanceLedgerState
} from './ledger-repository'
import { leafHash, MerkleFrontier } from './merkle'

/** What a service hands the ledger; sequence number, time and leaf hash are the ledger's. */
export interface AuditEntry {
  accountId: string | null
  actor: AuditActor
  /** A code of the typed catalog (src/shared/audit-actions.ts). */
  action: AuditAction
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

/** The stored row of an event at `seq` (`now` unless the entry brings its time): what the leaf hashes. */
export function auditRowOf(entry: AuditEntry, seq: number, now: number): Omit<AuditRow, 'leaf_hash'> {
  return {
    seq,
    account_id: entry.accountId,
    time: entry.time ?? now,
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
}

/**
 * The append-only audit log. Appends run inside the caller's transaction (with the change they
 * record); on PostgreSQL the ledger state row is locked for the append, so concurrent writers get
 * consecutive sequence numbers, never a gap or a repeat.
 */
export class Ledger {
  private signingKey: { keyId: string; privateKey: ReturnType<typeof createPrivateKey> } | null = null
  /** The ledger state as this core's last append left it (a guess: the append checks it in its write). */
  private lastState: { size: number; frontier: Buffer } | null = null

  constructor(
    private readonly store: Store,
    private readonly clock: Clock
  ) {}

  /** The events each open transaction has appended, for the kernel to hand on once it commits. */
  private readonly appendedIn = new WeakMap<Executor, AuditEntry[]>()

  /** Collect into `into` the events appended in transaction `t` (the kernel's tx). */
  track(t: Executor, into: AuditEntry[]): void {
    this.appendedIn.set(t, into)
  }

  /** Append one event inside the mutation's transaction; returns its sequence number. */
  append(t: Executor, entry: AuditEntry): Promise<number> {
    return this.appendMany(t, [entry])
  }

  /**
   * Append several events with one write of the frontier; returns the last seq. The state the
   * last append left is kept here, and the write moves the row only from exactly that state
   * (size and frontier): when it is stale (that transaction rolled back, another process appended)
   * the write changes nothing and the state is read afresh, on PostgreSQL under a row lock.
   */
  async appendMany(t: Executor, entries: Iterable<AuditEntry>): Promise<number> {
    if (!t.isTransaction) throw new Error('Ledger.append must run inside the mutation transaction')
    const list = [...entries]
    let state = this.lastState
    this.lastState = null
    for (let attempt = 0; attempt < 2; attempt++) {
      state ??= await readLedgerState(t, DIALECT_SQL[this.store.dialect].forUpdate)
      const frontier = MerkleFrontier.decode(state.size, state.frontier)
      const events = list.map((entry) => {
        const row = auditRowOf(entry, frontier.size + 1, this.clock.now())
        const leaf = leafHash(canonicalEventJson(row))
        frontier.append(leaf)
        return { row, leaf }
      })
      const encoded = frontier.encode()
      if (await advanceLedgerState(t, state, { size: frontier.size, frontier: encoded })) {
        // Many rows per statement: a seeding batch of 5,000 events is 25 statements, not 5,000.
        await insertAuditEvents(t, events)
        this.appendedIn.get(t)?.push(...list)
        this.lastState = { size: frontier.size, frontier: encoded }
        return frontier.size
      }
      state = null
    }
    throw new Error('The audit ledger state changed while it was locked for an append')
  }



  async size(q: Executor = this.store.db): Promise<number> {
    return (await readLedgerState(q)).size
  }

  /** Create the installation's Ed25519 key pair on first use; the private key is sealed with the store key. */
  async ensureSigningKey(t: Executor): Promise<{ keyId: string; publicKey: Buffer }> {
    const existing = await ledgerSigningKey(t)
    if (existing) return { keyId: existing.key_id, publicKey: Buffer.from(existing.public_key) }
    const { publicKey, privateKey } = generateKeyPairSync('ed25519')
    const keyId = randomUUID()
    const pub = publicKey.export({ format: 'der', type: 'spki' })
    const sealed = this.store.seal(privateKey.export({ format: 'der', type: 'pkcs8' }))
    await insertSigningKey(t, { keyId, publicKey: pub, sealedPrivateKey: sealed, createdAt: this.clock.now() })
    return { keyId, publicKey: pub }
  }

  private async key(t: Executor): Promise<{ keyId: string; privateKey: ReturnType<typeof createPrivateKey> }> {
    if (this.signingKey) return this.signingKey
    const { keyId } = await this.ensureSigningKey(t)
    const der = this.store.unseal(await sealedPrivateKey(t, keyId))
    this.signingKey = { keyId, privateKey: createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }) }
    return this.signingKey
  }

  /** Sign the current tree head (size, root, time). The frontier makes this O(log n). */
  signHead(reason: string, t?: Executor): Promise<TreeHead> {
    if (!t) return this.store.tx((tx) => this.signHead(reason, tx))
    return (async () => {
      const { keyId, privateKey } = await this.key(t)
      const state = await readLedgerState(t, DIALECT_SQL[this.store.dialect].forUpdate)
      const root = MerkleFrontier.decode(state.size, state.frontier).root()
      const signedAt = this.clock.now()
      const signature = sign(null, treeHeadMessage(state.size, root, signedAt), privateKey)
      await insertHead(t, { treeSize: state.size, root, signedAt, reason, keyId, signature })
      return { treeSize: state.size, root, signedAt, reason, keyId, signature }
    })()
  }

  /** The current head, signed, in the form kept beside the database (see store/head-file.ts). */
  async recordedHead(q: Executor = this.store.db): Promise<RecordedHead | null> {
    // Before first-run setup there is no key yet, and nothing to protect.
    if (!this.signingKey && !(await ledgerSigningKey(q))) return null
    const { keyId, privateKey } = await this.key(q)
    const state = await readLedgerState(q)
    const root = MerkleFrontier.decode(state.size, state.frontier).root()
    const at = this.clock.now()
    const signature = sign(null, treeHeadMessage(state.size, root, at), privateKey)
    return { v: 1, size: state.size, root: root.toString('hex'), frontier: state.frontier.toString('base64'), at, keyId, signature: signature.toString('base64') }
  }

  async latestHead(q: Executor = this.store.db): Promise<TreeHead | null> {
    const row = await latestHeadRow(q)
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
