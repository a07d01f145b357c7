import { AppError } from '../../../shared/contract/result'
import type { LoginFilterDto } from '../../../shared/contract/login-history'
import type { CallContext } from '../context'
import { CSV_BOM, csvRecord } from '../csv/csv'
import { accountOf, auditBase } from '../kernel/call'
import type { Kernel } from '../kernel/kernel'
import { hasPermission } from '../kernel/permissions'
import type { Executor } from '../store/port'
import { getMember } from '../users/members'
import { countLoginEvents, dormantMembers, listLoginEvents, type LoginEventRecord, type LoginQuery } from './repository'

const DAY = 24 * 3_600_000

/** The CSV header of a login history export, in column order. */
export const LOGIN_CSV_HEADER = ['time_utc', 'kind', 'name', 'email', 'method', 'provider', 'result', 'reason', 'ip', 'device'] as const

const iso = (ms: number) => new Date(ms).toISOString()

/**
 * The caller's filter in their account: a member resolved to their person (NOT_FOUND outside the
 * account), and support agents' own attempts for the Owner alone (SPEC: Support Team Access and its
 * login history are the Owner's).
 */
async function scoped(q: Executor, ctx: CallContext, filter: LoginFilterDto): Promise<LoginQuery> {
  const accountId = accountOf(ctx)
  const { membershipId, ...rest } = filter
  const query: LoginQuery = { ...rest, accountId, withSupport: hasPermission(ctx.principal!, 'support-access:manage') }
  if (membershipId !== undefined) query.personId = (await getMember(q, accountId, membershipId)).personId
  return query
}

/** An export is a report: "Export data" (reports:export, an Agent's custom permission too) and reading login history, both. */
function assertMayExport(ctx: CallContext): void {
  if (!hasPermission(ctx.principal!, 'audit:read')) throw new AppError('FORBIDDEN', 'Your role does not allow this.')
}

function nextOf(rows: readonly LoginEventRecord[], limit: number) {
  const last = rows[rows.length - 1]
  return rows.length === limit && last ? { time: last.time, id: last.id } : null
}

/**
 * Login history across the account (issue 10 part 2): every attempt with filters and keyset paging,
 * the dormant members, and the export of a filter as CSV or JSON Lines.
 */
export function registerAccountLoginHistoryHandlers(kernel: Kernel): void {
  kernel.handle('login-history:list', async (ctx, input) => {
    const q = kernel.store.db
    const rows = await listLoginEvents(q, await scoped(q, ctx, input.filter), input.after, input.limit)
    return { rows, next: nextOf(rows, input.limit) }
  })

  kernel.handle('login-history:dormant', async (ctx, input) => {
    const never = input.period === 'never'
    const before = never ? 0 : ctx.now - Number(input.period) * DAY
    const { rows, total } = await dormantMembers(kernel.store.db, { accountId: accountOf(ctx), before, never, after: input.after, limit: input.limit })
    const last = rows[rows.length - 1]
    return {
      rows: rows.map((r) => ({ membershipId: r.membershipId, personId: r.personId, name: r.name, email: r.email, role: r.role, lastLoginAt: r.lastLoginAt > 0 ? r.lastLoginAt : null, addedAt: r.addedAt })),
      next: rows.length === input.limit && last ? { lastLoginAt: last.lastLoginAt, personId: last.personId } : null,
      total
    }
  })

  kernel.handle('login-history:export-start', async (ctx, input) => {
    assertMayExport(ctx)
    const q = kernel.store.db
    // Refused before anything is recorded when the member is not in the account.
    await scoped(q, ctx, input.filter)
    // Recorded first, so an export that covers this moment's audit log holds its own event.
    await kernel.tx(async (t) => {
      const base = auditBase(ctx)
      await kernel.ledger.append(t, {
        ...base,
        action: 'login-history.exported',
        summary: `${base.actor.name} exported the login history as ${input.format === 'csv' ? 'CSV' : 'JSON Lines'}.`,
        target: { type: 'audit-log', id: null, name: 'Login history' },
        after: { format: input.format, filter: input.filter }
      })
    })
    // A read channel (no declared topics) that adds an audit event: tell the audit screens.
    kernel.publish(ctx.principal!.accountId, ['audit'])
    const filter: LoginFilterDto = { ...input.filter }
    const closedAt = kernel.clock.now() + 1
    if (filter.to === undefined || filter.to > closedAt) filter.to = Math.max(closedAt, (filter.from ?? 0) + 1)
    const count = await countLoginEvents(q, await scoped(q, ctx, filter))
    return { fileName: `gatehouse-login-history-${iso(ctx.now).slice(0, 10)}.${input.format === 'csv' ? 'csv' : 'jsonl'}`, filter, total: { count, exact: true } }
  })

  kernel.handle('login-history:export-page', async (ctx, input) => {
    assertMayExport(ctx)
    const q = kernel.store.db
    const rows = await listLoginEvents(q, await scoped(q, ctx, input.filter), input.after, input.limit)
    let text: string
    if (input.format === 'csv') {
      const lines = rows.map((r) => csvRecord([iso(r.time), r.kind, r.name, r.email, r.method, r.provider, r.result, r.reason, r.ip, r.device]) + '\r\n')
      text = (input.after === undefined ? `${CSV_BOM}${csvRecord(LOGIN_CSV_HEADER)}\r\n` : '') + lines.join('')
    } else text = rows.map((r) => JSON.stringify(r) + '\n').join('')
    return { text, rows: rows.length, next: nextOf(rows, input.limit) }
  })
}
