import type { AuditRetention } from '../../../shared/contract/audit'
import { SEARCH_TEXT } from '../store/migrations/0019-audit-review'
import { dialectOf } from '../store/dialects'
import type { Executor } from '../store/port'
import { one, run, sql } from '../store/sql'

const n = (v: number | string | null | undefined) => Number(v ?? 0)

export async function readRetention(q: Executor, accountId: string): Promise<AuditRetention> {
  const row = await one(q, sql<{ r: AuditRetention }>`SELECT audit_retention AS r FROM accounts WHERE account_id = ${accountId}`)
  return row?.r ?? 'forever'
}

export async function writeRetention(t: Executor, accountId: string, retention: AuditRetention): Promise<void> {
  await run(t, sql`UPDATE accounts SET audit_retention = ${retention} WHERE account_id = ${accountId}`)
}

/** An export started: the tree head it started at, and whether it holds every event of the account. */
export async function recordExport(
  t: Executor,
  row: { exportId: string; accountId: string; startedAt: number; treeSize: number; root: Buffer; complete: boolean; format: string }
): Promise<void> {
  await run(
    t,
    sql`INSERT INTO audit_exports (export_id, account_id, started_at, finished_at, tree_size, root, complete, format)
      VALUES (${row.exportId}, ${row.accountId}, ${row.startedAt}, NULL, ${row.treeSize}, ${row.root}, ${dialectOf(t) === 'sqlite' ? Number(row.complete) : row.complete}, ${row.format})`
  )
}

/** Its last page was read: the export is finished (once). */
export async function finishExport(t: Executor, accountId: string, exportId: string, at: number): Promise<void> {
  await run(t, sql`UPDATE audit_exports SET finished_at = ${at} WHERE export_id = ${exportId} AND account_id = ${accountId} AND finished_at IS NULL`)
}

/** The newest finished export of every event of the account. */
export async function lastCompleteExport(q: Executor, accountId: string): Promise<{ finishedAt: number; treeSize: number; root: Buffer } | null> {
  const row = await one(
    q,
    sql<{ finishedAt: number; treeSize: number; root: Buffer }>`SELECT finished_at AS "finishedAt", tree_size AS "treeSize", root FROM audit_exports
      WHERE account_id = ${accountId} AND finished_at IS NOT NULL AND complete = ${dialectOf(q) === 'sqlite' ? 1 : true}
      ORDER BY tree_size DESC, finished_at DESC LIMIT 1`
  )
  return row ? { finishedAt: n(row.finishedAt), treeSize: n(row.treeSize), root: Buffer.from(row.root) } : null
}

/**
 * Past the cutoff and not purged yet: audit events, those of them up to `exportedSize`, and login
 * events; and the events purged so far. Each audit count is the time index's less the purged
 * events' own index (both index-only), since purged events are never read back row by row.
 */
export async function retentionCounts(q: Executor, accountId: string, cutoff: number | null, exportedSize: number) {
  const before = cutoff ?? -1
  const row = await one(
    q,
    sql<{ events: number; exported: number; logins: number; purged: number; purgedBefore: number; purgedExported: number }>`SELECT
      (SELECT count(*) FROM audit_events WHERE account_id = ${accountId} AND time < ${before}) AS events,
      (SELECT count(*) FROM audit_events WHERE account_id = ${accountId} AND time < ${before} AND seq <= ${exportedSize}) AS exported,
      (SELECT count(*) FROM login_events WHERE account_id = ${accountId} AND time < ${before}) AS logins,
      (SELECT count(*) FROM audit_events WHERE account_id = ${accountId} AND purged_at IS NOT NULL) AS purged,
      (SELECT count(*) FROM audit_events WHERE account_id = ${accountId} AND purged_at IS NOT NULL AND time < ${before}) AS "purgedBefore",
      (SELECT count(*) FROM audit_events WHERE account_id = ${accountId} AND purged_at IS NOT NULL AND time < ${before} AND seq <= ${exportedSize}) AS "purgedExported"`
  )
  return {
    events: n(row?.events) - n(row?.purgedBefore),
    exported: n(row?.exported) - n(row?.purgedExported),
    loginEvents: n(row?.logins),
    purged: n(row?.purged)
  }
}

/**
 * Remove the content of the account's events before `cutoff` up to sequence `throughSeq`: who, what
 * was said, the target's id and name, the values, address and device. Kept: sequence number, time,
 * action code, actor kind and role, target type, leaf hash. SQLite's contentless search index is
 * told the words it held first (FTS5 'delete') and then given the new ones; PostgreSQL's search
 * column follows the row.
 */
export async function purgeEvents(t: Executor, query: { accountId: string; cutoff: number; throughSeq: number; at: number; summary: string }): Promise<number> {
  const where = sql`account_id = ${query.accountId} AND time < ${query.cutoff} AND seq <= ${query.throughSeq} AND purged_at IS NULL`
  if (dialectOf(t) === 'sqlite') {
    await run(
      t,
      sql`INSERT INTO audit_search (audit_search, rowid, body) SELECT 'delete', (time << 20) | (seq & 1048575), ${sql.raw(SEARCH_TEXT(''))} FROM audit_events WHERE ${where}`
    )
  }
  const purged = await run(
    t,
    sql`UPDATE audit_events SET purged_at = ${query.at}, summary = ${query.summary}, actor_id = NULL, actor_name = '—', actor_email = NULL,
      target_id = NULL, target_name = NULL, before_json = NULL, after_json = NULL, ip = NULL, device = NULL WHERE ${where}`
  )
  if (dialectOf(t) === 'sqlite') {
    // The words of what the rows now say ("Content removed …"), as PostgreSQL's column has them.
    await run(
      t,
      sql`INSERT INTO audit_search (rowid, body) SELECT (time << 20) | (seq & 1048575), ${sql.raw(SEARCH_TEXT(''))} FROM audit_events
        WHERE account_id = ${query.accountId} AND time < ${query.cutoff} AND seq <= ${query.throughSeq} AND purged_at = ${query.at}`
    )
  }
  return purged
}

/** Delete the account's login events before `cutoff`. */
export async function purgeLoginEvents(t: Executor, accountId: string, cutoff: number): Promise<number> {
  return run(t, sql`DELETE FROM login_events WHERE account_id = ${accountId} AND time < ${cutoff}`)
}
