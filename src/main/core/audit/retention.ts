import { randomUUID } from 'node:crypto'
import { AppError } from '../../../shared/contract/result'
import type { AuditFilterDto, AuditRetention, RetentionStatusDto } from '../../../shared/contract/audit'
import type { ParsedInputOf } from '../../../shared/contract'
import type { CallContext } from '../context'
import { accountOf, auditBase } from '../kernel/call'
import type { Kernel } from '../kernel/kernel'
import { hasPermission } from '../kernel/permissions'
import type { Executor } from '../store/port'
import { readLedgerState } from './ledger-repository'
import { MerkleFrontier } from './merkle'
import { finishExport, lastCompleteExport, purgeEvents, purgeLoginEvents, readRetention, recordExport, retentionCounts, writeRetention } from './retention-repository'

const YEAR = 365.25 * 24 * 3_600_000
const YEARS: Record<AuditRetention, number | null> = { forever: null, '1y': 1, '3y': 3, '7y': 7 }
const LABEL: Record<AuditRetention, string> = { forever: 'forever', '1y': '1 year', '3y': '3 years', '7y': '7 years' }

/** The start of the period at `now`: what is older is past it (null: kept forever). */
export function retentionCutoff(retention: AuditRetention, now: number): number | null {
  const years = YEARS[retention]
  return years === null ? null : Math.floor(now - years * YEAR)
}

/**
 * An export holds every event of the account when nothing narrows it but the end of its range, and
 * its reader reads every action (the Owner: an Admin's export leaves out Support Team Access).
 */
function isComplete(ctx: CallContext, filter: AuditFilterDto): boolean {
  return Object.keys(filter).every((k) => k === 'to') && hasPermission(ctx.principal!, 'support-access:manage')
}

/** Record an export as it starts, in the transaction of its audit event, with the tree head there; returns its id. */
export async function recordExportStart(t: Executor, ctx: CallContext, filter: AuditFilterDto, format: string): Promise<string> {
  const exportId = randomUUID()
  const state = await readLedgerState(t)
  const root = MerkleFrontier.decode(state.size, state.frontier).root()
  await recordExport(t, { exportId, accountId: accountOf(ctx), startedAt: ctx.now, treeSize: state.size, root, complete: isComplete(ctx, filter), format })
  return exportId
}

/** The last page of an export was read. */
export async function recordExportEnd(kernel: Kernel, ctx: CallContext, exportId: string): Promise<void> {
  await kernel.tx((t) => finishExport(t, accountOf(ctx), exportId, ctx.now))
}

async function status(q: Executor, accountId: string, now: number): Promise<RetentionStatusDto> {
  const retention = await readRetention(q, accountId)
  const cutoff = retentionCutoff(retention, now)
  const last = await lastCompleteExport(q, accountId)
  const counts = await retentionCounts(q, accountId, cutoff, last?.treeSize ?? 0)
  return {
    retention,
    cutoff,
    due: { events: counts.events, exported: counts.exported, loginEvents: counts.loginEvents },
    lastExport: last ? { finishedAt: last.finishedAt, treeSize: last.treeSize, root: last.root.toString('hex') } : null,
    purged: counts.purged
  }
}

/** Support agents never change how long the account keeps its history, whatever their scope. */
function refuseSupport(ctx: CallContext): void {
  if (ctx.principal!.kind === 'support') throw new AppError('FORBIDDEN', "Support agents cannot change the account's retention or purge its history.")
}

export function registerRetentionHandlers(kernel: Kernel): void {
  kernel.handle('audit:retention', (ctx) => status(kernel.store.db, accountOf(ctx), ctx.now))

  kernel.handle('audit:retention-set', async (ctx, input) => {
    refuseSupport(ctx)
    const accountId = accountOf(ctx)
    await kernel.tx(async (t) => {
      const before = await readRetention(t, accountId)
      if (before === input.retention) return
      await writeRetention(t, accountId, input.retention)
      const base = auditBase(ctx)
      await kernel.ledger.append(t, {
        ...base,
        action: 'audit.retention-changed',
        summary: `${base.actor.name} set the retention of audit and login events to ${LABEL[input.retention]} (was ${LABEL[before]}).`,
        target: { type: 'audit-log', id: null, name: 'Audit log' },
        before: { retention: before },
        after: { retention: input.retention }
      })
    })
    return status(kernel.store.db, accountId, ctx.now)
  })

  kernel.handle('audit:purge', async (ctx, input: ParsedInputOf<'audit:purge'>) => {
    refuseSupport(ctx)
    const accountId = accountOf(ctx)
    const done = await kernel.tx(async (t) => {
      const now = await status(t, accountId, ctx.now)
      if (now.cutoff === null) throw new AppError('CONFLICT', 'The account keeps its history forever: choose a retention period first.')
      if (now.due.exported !== input.expected.events || now.due.loginEvents !== input.expected.loginEvents) {
        throw new AppError('CONFLICT', 'What the purge would remove has changed since you reviewed it: review it again.')
      }
      if (now.due.exported === 0 && now.due.loginEvents === 0) throw new AppError('CONFLICT', 'Nothing is past the retention period, or none of it has been exported yet.')
      const day = new Date(ctx.now).toISOString().slice(0, 10)
      const events = await purgeEvents(t, {
        accountId,
        cutoff: now.cutoff,
        throughSeq: now.lastExport?.treeSize ?? 0,
        at: ctx.now,
        summary: `Content removed on ${day} under the ${LABEL[now.retention]} retention period.`
      })
      const loginEvents = await purgeLoginEvents(t, accountId, now.cutoff)
      const base = auditBase(ctx)
      await kernel.ledger.append(t, {
        ...base,
        action: 'audit.purged',
        summary: `${base.actor.name} purged ${events === 1 ? '1 audit event' : `${events} audit events`} and ${loginEvents === 1 ? '1 login event' : `${loginEvents} login events`} older than ${new Date(now.cutoff).toISOString().slice(0, 10)} (${LABEL[now.retention]} retention).`,
        target: { type: 'audit-log', id: null, name: 'Audit log' },
        after: { cutoff: now.cutoff, events, loginEvents, exportTreeSize: now.lastExport?.treeSize ?? 0, exportRoot: now.lastExport?.root ?? null, notExported: now.due.events - now.due.exported }
      })
      return { events, loginEvents }
    })
    return { ...done, status: await status(kernel.store.db, accountId, ctx.now) }
  })
}
