import type { RawBuilder } from 'kysely'
import type { AuditRow, HeadRow } from './ledger'
import type { Executor } from '../store/port'
import { all, one, run, runFixed, sql } from '../store/sql'
import { DIALECT_SQL, dialectOf } from '../store/dialects'
import type { Db } from '../store/connection'

/** The ledger's SQL: its state row, events, signed heads and the installation key. */

export async function readLedgerState(q: Executor, lock: RawBuilder<unknown> = sql``): Promise<{ size: number; frontier: Buffer }> {
  const state = await one(q, sql<{ size: number; frontier: Buffer }>`SELECT tree_size AS size, frontier FROM ledger_state WHERE ledger_id = 1${lock}`)
  return { size: Number(state!.size), frontier: Buffer.from(state!.frontier) }
}

/** Move the ledger state from `from` to `to`; false (nothing written) when the row no longer holds `from`. */
export async function advanceLedgerState(t: Executor, from: { size: number; frontier: Buffer }, to: { size: number; frontier: Buffer }): Promise<boolean> {
  const changed = await runFixed(
    t,
    'ledger-state-advance',
    [to.size, to.frontier, from.size, from.frontier],
    ([toSize, toFrontier, fromSize, fromFrontier]) =>
      sql`UPDATE ledger_state SET tree_size = ${toSize}, frontier = ${toFrontier}
          WHERE ledger_id = 1 AND tree_size = ${fromSize} AND frontier = ${fromFrontier}`
  )
  return changed === 1
}

/** Every recorded column of an event but its leaf hash (PostgreSQL's table also holds the derived `search`). */
export const AUDIT_COLUMNS = `seq, account_id, time, actor_kind, actor_id, actor_name, actor_email, actor_role, action, summary,
  target_type, target_id, target_name, before_json, after_json, ip, device`

/** Rows per INSERT of `insertAuditEvents` (18 columns each: well under both stores' parameter limits). */
const EVENTS_PER_STATEMENT = 200

/** Events in sequence order, many rows per statement (seeding and bulk appends write thousands at once). */
export async function insertAuditEvents(t: Executor, events: ReadonlyArray<{ row: Omit<AuditRow, 'leaf_hash'>; leaf: Buffer }>): Promise<void> {
  if (events.length === 1) {
    // One event per audited change, nearly always: the same text every time.
    const { row: r, leaf } = events[0]!
    const values = [r.seq, r.account_id, r.time, r.actor_kind, r.actor_id, r.actor_name, r.actor_email, r.actor_role,
      r.action, r.summary, r.target_type, r.target_id, r.target_name, r.before_json, r.after_json, r.ip, r.device, leaf]
    await runFixed(t, 'audit-event-insert', values, (v) => sql`INSERT INTO audit_events (seq, account_id, time, actor_kind, actor_id, actor_name, actor_email, actor_role,
          action, summary, target_type, target_id, target_name, before_json, after_json, ip, device, leaf_hash)
        VALUES (${sql.join(v.map((x) => sql`${x}`))})`)
    await runFixed(t, 'audit-hourly-add', [r.account_id ?? '', Math.floor(r.time / HOUR), r.action, r.actor_kind, r.target_type, 1], (v) => hourlyUpsert([v]))
    return
  }
  for (let i = 0; i < events.length; i += EVENTS_PER_STATEMENT) {
    const values = events
      .slice(i, i + EVENTS_PER_STATEMENT)
      .map(
        ({ row: r, leaf }) =>
          sql`(${r.seq}, ${r.account_id}, ${r.time}, ${r.actor_kind}, ${r.actor_id}, ${r.actor_name}, ${r.actor_email}, ${r.actor_role},
          ${r.action}, ${r.summary}, ${r.target_type}, ${r.target_id}, ${r.target_name}, ${r.before_json}, ${r.after_json}, ${r.ip}, ${r.device}, ${leaf})`
      )
    await run(
      t,
      sql`INSERT INTO audit_events (seq, account_id, time, actor_kind, actor_id, actor_name, actor_email, actor_role,
          action, summary, target_type, target_id, target_name, before_json, after_json, ip, device, leaf_hash)
        VALUES ${sql.join(values)}`
    )
  }
  const counts = new Map<string, [string, number, string, string, string, number]>()
  for (const { row: r } of events) {
    const key = [r.account_id ?? '', Math.floor(r.time / HOUR), r.action, r.actor_kind, r.target_type] as const
    const id = key.join('\u0000')
    const entry = counts.get(id)
    if (entry) entry[5] += 1
    else counts.set(id, [...key, 1])
  }
  const all = [...counts.values()]
  for (let i = 0; i < all.length; i += EVENTS_PER_STATEMENT) await run(t, hourlyUpsert(all.slice(i, i + EVENTS_PER_STATEMENT)))
}

const HOUR = 3_600_000

/** Add events to the hourly counts (migration 0019), one row per (account, hour, action, actor kind, target type). */
function hourlyUpsert(rows: ReadonlyArray<ReadonlyArray<unknown>>): RawBuilder<unknown> {
  return sql`INSERT INTO audit_hourly (account_id, hour, action, actor_kind, target_type, events)
    VALUES ${sql.join(rows.map((r) => sql`(${sql.join(r.map((x) => sql`${x}`))})`))}
    ON CONFLICT (account_id, hour, action, actor_kind, target_type) DO UPDATE SET events = audit_hourly.events + excluded.events`
}

/** Events with `afterSeq < seq <= lastSeq`, in order, at most `limit`, every column (a verify reads back the one whose hash does not match). */
export function auditEventsIn(q: Executor, afterSeq: number, lastSeq: number, limit: number): Promise<AuditRow[]> {
  return all(q, sql<AuditRow>`SELECT ${sql.raw(AUDIT_COLUMNS)}, leaf_hash FROM audit_events WHERE seq > ${afterSeq} AND seq <= ${lastSeq} ORDER BY seq LIMIT ${limit}`)
}

/**
 * Events with `afterSeq < seq <= lastSeq`, each as its canonical JSON built by the database from the
 * stored columns (the same bytes as ledger.ts `canonicalEventJson`, which the tests hold it to) and
 * its stored leaf hash: what a verify hashes. A million rows of one string each cost half what
 * eighteen columns each cost to bring into JavaScript.
 */
export async function canonicalEventsIn(q: Executor, afterSeq: number, lastSeq: number, limit: number): Promise<CanonicalEvent[]> {
  const rows = await all(q, canonicalEventsQuery(q, afterSeq, lastSeq, limit))
  return rows.map((r) => [Number(r.seq), r.json, r.leaf_hash])
}

/** [seq, canonical JSON (null once purged), stored leaf hash] */
export type CanonicalEvent = [number, string | null, Buffer]

function canonicalEventsQuery(q: Executor, afterSeq: number, lastSeq: number, limit: number) {
  const d = DIALECT_SQL[dialectOf(q)]
  const j = (column: string) => d.jsonString(sql.ref(column))
  // A purged event (retention, migration 0021) has no content left to hash: null, its leaf taken as stored.
  return sql<{ seq: number; json: string | null; leaf_hash: Buffer }>`SELECT seq, CASE WHEN purged_at IS NULL THEN '{"accountId":' || ${j('account_id')} || ',"action":' || ${j('action')} ||
      ',"actor":{"email":' || ${j('actor_email')} || ',"id":' || ${j('actor_id')} || ',"kind":' || ${j('actor_kind')} || ',"name":' || ${j('actor_name')} ||
      ',"role":' || ${j('actor_role')} || '},"after":' || coalesce(after_json, 'null') || ',"before":' || coalesce(before_json, 'null') ||
      ',"device":' || ${j('device')} || ',"ip":' || ${j('ip')} || ',"seq":' || seq || ',"summary":' || ${j('summary')} ||
      ',"target":{"id":' || ${j('target_id')} || ',"name":' || ${j('target_name')} || ',"type":' || ${j('target_type')} || '},"time":' || time || ',"v":1}' END AS json,
      leaf_hash
      FROM audit_events WHERE seq > ${afterSeq} AND seq <= ${lastSeq} ORDER BY seq LIMIT ${limit}`
}

/**
 * The same query on a SQLite connection used directly (a verify worker's): rows as arrays, with no
 * object made per row, which is a third of a verify's time on a million events.
 */
export function sqliteCanonicalEvents(q: Executor, raw: Db): (afterSeq: number, lastSeq: number, limit: number) => CanonicalEvent[] {
  const compiled = canonicalEventsQuery(q, 0, 0, 0).compile(q)
  if (compiled.parameters.length !== 3) throw new Error('The canonical events query takes three parameters')
  const statement = raw.prepare(compiled.sql).raw(true)
  return (afterSeq, lastSeq, limit) => statement.all(afterSeq, lastSeq, limit) as CanonicalEvent[]
}

/** The first stored event after `afterSeq`, up to `lastSeq` (what a verify names after a gap). */
export async function nextAuditSeq(q: Executor, afterSeq: number, lastSeq: number): Promise<number | null> {
  const row = await one(q, sql<{ seq: number | null }>`SELECT min(seq) AS seq FROM audit_events WHERE seq > ${afterSeq} AND seq <= ${lastSeq}`)
  return row?.seq === null || row?.seq === undefined ? null : Number(row.seq)
}

/** Leaf hashes after `afterSeq` (checking the head kept outside the store against the ledger). */
export function leafHashesAfter(q: Executor, afterSeq: number, limit: number): Promise<Array<{ seq: number; leaf_hash: Buffer }>> {
  return all(q, sql<{ seq: number; leaf_hash: Buffer }>`SELECT seq, leaf_hash FROM audit_events WHERE seq > ${afterSeq} ORDER BY seq LIMIT ${limit}`)
}

export function ledgerSigningKey(q: Executor): Promise<{ key_id: string; public_key: Buffer } | undefined> {
  return one(q, sql<{ key_id: string; public_key: Buffer }>`SELECT key_id, public_key FROM installation_keys WHERE purpose = 'ledger' ORDER BY created_at LIMIT 1`)
}

export function ledgerPublicKeys(q: Executor): Promise<Array<{ key_id: string; public_key: Buffer }>> {
  return all(q, sql<{ key_id: string; public_key: Buffer }>`SELECT key_id, public_key FROM installation_keys WHERE purpose = 'ledger'`)
}

export async function insertSigningKey(t: Executor, key: { keyId: string; publicKey: Buffer; sealedPrivateKey: Buffer; createdAt: number }): Promise<void> {
  await run(
    t,
    sql`INSERT INTO installation_keys (key_id, account_id, purpose, public_key, private_key, created_at)
        VALUES (${key.keyId}, NULL, 'ledger', ${key.publicKey}, ${key.sealedPrivateKey}, ${key.createdAt})`
  )
}

export async function sealedPrivateKey(q: Executor, keyId: string): Promise<Buffer> {
  return (await one(q, sql<{ private_key: Buffer }>`SELECT private_key FROM installation_keys WHERE key_id = ${keyId}`))!.private_key
}

export async function insertHead(t: Executor, head: { treeSize: number; root: Buffer; signedAt: number; reason: string; keyId: string; signature: Buffer }): Promise<void> {
  await run(
    t,
    sql`INSERT INTO ledger_heads (account_id, tree_size, root, signed_at, reason, key_id, signature)
        VALUES (NULL, ${head.treeSize}, ${head.root}, ${head.signedAt}, ${head.reason}, ${head.keyId}, ${head.signature})`
  )
}

export function latestHeadRow(q: Executor): Promise<HeadRow | undefined> {
  return one(q, sql<HeadRow>`SELECT * FROM ledger_heads ORDER BY head_id DESC LIMIT 1`)
}

export function headRows(q: Executor): Promise<HeadRow[]> {
  return all(q, sql<HeadRow>`SELECT * FROM ledger_heads ORDER BY tree_size, head_id`)
}

/** The highest sequence number stored (0 for none). */
export async function maxAuditSeq(q: Executor): Promise<number> {
  return Number((await one(q, sql<{ n: number | null }>`SELECT max(seq) AS n FROM audit_events`))?.n ?? 0)
}
