import { AppError } from '../../../shared/contract/result'
import type { AuditFilterDto } from '../../../shared/contract/audit'
import type { ParsedInputOf } from '../../../shared/contract'
import type { CallContext } from '../context'
import { auditBase } from '../kernel/call'
import type { Kernel } from '../kernel/kernel'
import { hasPermission } from '../kernel/permissions'
import { CSV_BOM, csvRecord } from '../csv/csv'
import { auditExportLines, countAuditEvents, type ScopedAuditFilter } from './repository'
import { recordExportEnd, recordExportStart } from './retention'

/** The CSV header of an audit export, in column order. */
export const AUDIT_CSV_HEADER = [
  'seq',
  'time_utc',
  'actor_kind',
  'actor_id',
  'actor_name',
  'actor_email',
  'actor_role',
  'action',
  'summary',
  'target_type',
  'target_id',
  'target_name',
  'before',
  'after',
  'ip',
  'device'
] as const

const iso = (ms: number) => new Date(ms).toISOString()

/** An export is a report: "Export data" (reports:export) and reading the audit log, both. */
function assertMayExport(ctx: CallContext): void {
  if (!hasPermission(ctx.principal!, 'audit:read')) throw new AppError('FORBIDDEN', 'Your role does not allow this.')
}

/**
 * Starts an export: the audit log records who exported which filter, then the range closes (what
 * the total counts is what the file holds, whatever is appended while it is written).
 */
export async function startAuditExport(kernel: Kernel, ctx: CallContext, input: ParsedInputOf<'audit:export-start'>, scope: (filter: AuditFilterDto) => ScopedAuditFilter) {
  assertMayExport(ctx)
  const format = input.format === 'csv' ? 'CSV' : 'JSON Lines'
  const filter: AuditFilterDto = { ...input.filter }
  // Recorded first, so the file holds its own export event when the filter covers it; in the same
  // transaction, the export with the tree head just after that event (a retention purge needs a
  // finished complete export).
  const exportId = await kernel.tx(async (t) => {
    const base = auditBase(ctx)
    await kernel.ledger.append(t, {
      ...base,
      action: 'audit.exported',
      summary: `${base.actor.name} exported audit events as ${format}.`,
      target: { type: 'audit-log', id: null, name: 'Audit log' },
      after: { format: input.format, filter: input.filter }
    })
    const closedAt = kernel.clock.now() + 1
    if (filter.to === undefined || filter.to > closedAt) filter.to = Math.max(closedAt, (filter.from ?? 0) + 1)
    return recordExportStart(t, ctx, filter, input.format)
  })
  // A read channel (no declared topics) that adds an audit event: tell the audit screens.
  kernel.publish(ctx.principal!.accountId, ['audit'])
  const total = await countAuditEvents(kernel.store.db, scope(filter))
  const day = iso(ctx.now).slice(0, 10)
  return { fileName: `gatehouse-audit-${day}.${input.format === 'csv' ? 'csv' : 'jsonl'}`, filter, total, exportId }
}

/**
 * One page of an export as text; the CSV header (after the BOM) comes with the first page. The lines
 * are built by the database (audit/repository.ts `auditExportLines`): CSV with every text field
 * quoted and formula-like cells neutralised, times in UTC.
 */
export async function auditExportPage(kernel: Kernel, ctx: CallContext, input: ParsedInputOf<'audit:export-page'>, scope: (filter: AuditFilterDto) => ScopedAuditFilter) {
  assertMayExport(ctx)
  const rows = await auditExportLines(kernel.store.db, { ...scope(input.filter), after: input.after, limit: input.limit }, input.format)
  const end = input.format === 'csv' ? '\r\n' : '\n'
  let text = rows.length > 0 ? rows.map((r) => r.line).join(end) + end : ''
  if (input.format === 'csv' && input.after === undefined) text = `${CSV_BOM}${csvRecord(AUDIT_CSV_HEADER)}\r\n${text}`
  const last = rows[rows.length - 1]
  const next = rows.length === input.limit && last ? { time: last.time, seq: last.seq } : null
  if (next === null && input.exportId !== undefined) await recordExportEnd(kernel, ctx, input.exportId)
  return { text, rows: rows.length, next }
}
