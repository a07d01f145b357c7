import type { AuditAction } from '../../../shared/audit-actions'
import type { Executor } from '../store/port'
import { all, inList, sql } from '../store/sql'
import type { AuditRow } from './ledger'

export type AuditListRow = Omit<AuditRow, 'leaf_hash'>

export interface AuditListQuery {
  accountId: string
  before?: number
  action?: string
  actorId?: string
  limit: number
  /**
   * The only actions the caller may read (the catalog's codes for audit readers), or null for all
   * (the Owner). A code outside the list, catalogued or not, stays hidden, as do the traces below.
   */
  readableActions: readonly AuditAction[] | null
}

/**
 * Newest first, keyset on the sequence number; each filter has its own (account, x, seq) index.
 * Readable: the given codes only, without the traces of support sessions written before their own codes
 * existed (`auth.signed-out` by a support actor, `auth.locked` of a support agent).
 */
export async function listAuditEvents(q: Executor, query: AuditListQuery): Promise<AuditListRow[]> {
  const where = [sql`account_id = ${query.accountId}`]
  if (query.before !== undefined) where.push(sql`seq < ${query.before}`)
  if (query.action !== undefined) where.push(sql`action = ${query.action}`)
  if (query.actorId !== undefined) where.push(sql`actor_id = ${query.actorId}`)
  if (query.readableActions) {
    where.push(sql`action IN ${inList(query.readableActions)}`)
    where.push(sql`NOT (action IN ('auth.signed-out', 'auth.locked') AND (actor_kind = 'support' OR target_type = 'support-agent'))`)
  }
  const rows = await all(
    q,
    sql<AuditListRow>`SELECT seq, account_id, time, actor_kind, actor_id, actor_name, actor_email, actor_role, action, summary,
      target_type, target_id, target_name, before_json, after_json, ip, device
      FROM audit_events WHERE ${sql.join(where, sql` AND `)} ORDER BY seq DESC LIMIT ${query.limit}`
  )
  return rows.map((r) => ({ ...r, seq: Number(r.seq), time: Number(r.time) }))
}
