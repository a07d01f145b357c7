import type { AuditEventDto } from '../../../shared/contract/audit'
import { hasPermission, type Core } from '../core'
import type { AuditRow } from './ledger'

export function auditRowToDto(row: Omit<AuditRow, 'leaf_hash'>): AuditEventDto {
  return {
    seq: row.seq,
    time: row.time,
    actor: {
      kind: row.actor_kind as AuditEventDto['actor']['kind'],
      id: row.actor_id,
      name: row.actor_name,
      email: row.actor_email,
      role: row.actor_role as AuditEventDto['actor']['role']
    },
    action: row.action,
    summary: row.summary,
    target: { type: row.target_type, id: row.target_id, name: row.target_name },
    before: row.before_json === null ? null : JSON.parse(row.before_json),
    after: row.after_json === null ? null : JSON.parse(row.after_json),
    ip: row.ip,
    device: row.device
  }
}

/** Newest first, keyset on the sequence number; each filter has its own (account, x, seq) index. */
export function registerAudit(core: Core): void {
  const db = core.db
  const COLUMNS = `seq, account_id, time, actor_kind, actor_id, actor_name, actor_email, actor_role, action, summary,
    target_type, target_id, target_name, before_json, after_json, ip, device`
  const statements = new Map<string, ReturnType<typeof db.prepare>>()

  core.handle('audit:list', (ctx, input) => {
    const where = ['account_id = @accountId']
    if (input.before !== undefined) where.push('seq < @before')
    if (input.action !== undefined) where.push('action = @action')
    if (input.actorId !== undefined) where.push('actor_id = @actorId')
    // Support Team Access is the Owner's alone (SPEC): its grants and the agents' sign-ins leave no
    // trace in anyone else's audit log. What agents change in the account stays visible to all.
    if (!hasPermission(ctx.principal!, 'support-access:manage')) {
      where.push("action NOT LIKE 'support-access.%' AND action NOT LIKE 'support-agent.%' AND action <> 'support.signed-in'")
    }
    const sql = `SELECT ${COLUMNS} FROM audit_events WHERE ${where.join(' AND ')} ORDER BY seq DESC LIMIT @limit`
    let statement = statements.get(sql)
    if (!statement) statements.set(sql, (statement = db.prepare(sql)))
    const rows = statement.all({
      accountId: ctx.principal!.accountId,
      before: input.before,
      action: input.action,
      actorId: input.actorId,
      limit: input.limit
    }) as Array<Omit<AuditRow, 'leaf_hash'>>
    const last = rows[rows.length - 1]
    return { rows: rows.map(auditRowToDto), next: rows.length === input.limit && last ? last.seq : null }
  })
}
