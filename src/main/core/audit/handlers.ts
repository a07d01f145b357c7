import { readableAuditActions } from '../../../shared/audit-actions'
import type { AuditEventDto } from '../../../shared/contract/audit'
import { accountOf } from '../kernel/call'
import type { Kernel } from '../kernel/kernel'
import { permissionsOf } from '../kernel/permissions'
import { listAuditEvents, type AuditListRow } from './repository'

export function auditRowToDto(row: AuditListRow): AuditEventDto {
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

/** Newest first, keyset on the sequence number. */
export function registerAuditHandlers(kernel: Kernel): void {
  kernel.handle('audit:list', async (ctx, input) => {
    // Support Team Access is the Owner's alone (SPEC): which actions others may read is the typed
    // catalog's decision (src/shared/audit-actions.ts): a code it does not list is the Owner's.
    // What agents change in the account stays visible to all.
    const rows = await listAuditEvents(kernel.store.db, {
      accountId: accountOf(ctx),
      before: input.before,
      action: input.action,
      actorId: input.actorId,
      limit: input.limit,
      readableActions: readableAuditActions(permissionsOf(ctx.principal!))
    })
    const last = rows[rows.length - 1]
    return { rows: rows.map(auditRowToDto), next: rows.length === input.limit && last ? last.seq : null }
  })
}
