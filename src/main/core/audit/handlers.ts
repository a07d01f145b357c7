import { readableAuditActions } from '../../../shared/audit-actions'
import type { AuditEventDto, AuditFilterDto } from '../../../shared/contract/audit'
import type { CallContext } from '../context'
import { accountOf } from '../kernel/call'
import type { Kernel } from '../kernel/kernel'
import { permissionsOf } from '../kernel/permissions'
import { auditEventsPerHour, countAuditEvents, listAuditEvents, sumHoursIntoBins, type AuditListRow, type ScopedAuditFilter } from './repository'
import { auditExportPage, startAuditExport } from './export'
import { VerifyRuns } from './verify-runs'

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

const HOUR = 3_600_000

/**
 * The caller's filter in the account, limited to what they may read. Support Team Access is the
 * Owner's alone (SPEC): which actions others may read is the typed catalog's decision
 * (src/shared/audit-actions.ts): a code it does not list is the Owner's. What agents change in the
 * account stays visible to all.
 */
function scoped(ctx: CallContext, filter: AuditFilterDto): ScopedAuditFilter {
  return { ...filter, accountId: accountOf(ctx), readableActions: readableAuditActions(permissionsOf(ctx.principal!)) }
}

export function registerAuditHandlers(kernel: Kernel): void {
  kernel.handle('audit:list', async (ctx, input) => {
    const rows = await listAuditEvents(kernel.store.db, { ...scoped(ctx, input.filter), after: input.after, limit: input.limit })
    const last = rows[rows.length - 1]
    return { rows: rows.map(auditRowToDto), next: rows.length === input.limit && last ? { time: last.time, seq: last.seq } : null }
  })

  kernel.handle('audit:count', async (ctx, input) => countAuditEvents(kernel.store.db, scoped(ctx, input.filter)))

  kernel.handle('audit:series', async (ctx, input) => {
    const { bounds } = input
    const from = bounds[0]!
    const to = bounds[bounds.length - 1]!
    // Whole hours, so the hourly counts serve a chart whose edges fall inside an hour.
    const hours = await auditEventsPerHour(kernel.store.db, {
      ...scoped(ctx, input.filter),
      from: Math.floor(from / HOUR) * HOUR,
      to: Math.ceil(to / HOUR) * HOUR
    })
    const counts = sumHoursIntoBins(hours.map((h) => ({ hour: h.hour, count: h.events })), bounds)
    return { counts }
  })

  const verifies = new VerifyRuns(kernel)
  kernel.handle('audit:verify', async (ctx, input) => verifies.run(ctx, input.mode))
  kernel.handle('audit:verify-cancel', async (ctx) => ({ cancelled: verifies.cancel(ctx.connectionId) }))
  kernel.handle('audit:verify-status', async (ctx) => verifies.status(ctx))

  kernel.handle('audit:export-start', async (ctx, input) => startAuditExport(kernel, ctx, input, (filter) => scoped(ctx, filter)))
  kernel.handle('audit:export-page', async (ctx, input) => auditExportPage(kernel, ctx, input, (filter) => scoped(ctx, filter)))
}
