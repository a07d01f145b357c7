import { AppError } from '../../../shared/contract/result'
import type { OutputOf } from '../../../shared/contract'
import type { CallContext } from '../context'
import { toCsv } from '../csv/csv'
import { auditBase, plural } from '../kernel/call'
import type { Executor, Kernel } from '../kernel/kernel'
import { hasPermission } from '../kernel/permissions'
import { exportMembers, teamNamesByMember } from './members-repository'
import { effectiveStatus } from './members'

/** Every person of the account as CSV rows (formula cells neutralised): a heavy read, run on the job worker. */
export async function usersCsv(q: Executor, accountId: string, now: number): Promise<{ csv: string; rows: number }> {
  const teamNames = await teamNamesByMember(q, accountId)
  const iso = (ms: number | null) => (ms ? new Date(ms).toISOString() : '')
  const rows = (await exportMembers(q, accountId)).map((m) => [
    m.email,
    m.name,
    m.role,
    effectiveStatus(m, now),
    (teamNames.get(m.membershipId) ?? []).join(';'),
    iso(m.lastLoginAt),
    iso(m.createdAt),
    iso(m.status === 'deactivated' ? m.deactivatedAt : null)
  ])
  return { csv: toCsv(['email', 'name', 'role', 'status', 'teams', 'last_login', 'created', 'deactivated'], rows), rows: rows.length }
}

/** Every person of the account as CSV, audited. */
export async function exportUsersCsv(kernel: Kernel, ctx: CallContext): Promise<OutputOf<'users:export'>> {
  const principal = ctx.principal!
  // An agent's "Export data" permission covers reports, not the people list agents cannot see.
  if (!hasPermission(principal, 'users:read')) throw new AppError('FORBIDDEN', 'Your role does not allow this.')
  const accountId = principal.accountId
  // The read and the CSV on the job worker; the audit event here, in the core's write transaction.
  const { csv, rows } = await kernel.offload('users-export-csv', { accountId, now: ctx.now })
  await kernel.tx(async (t) => {
    const base = auditBase(ctx)
    await kernel.ledger.append(t, {
      ...base,
      action: 'users.exported',
      summary: `${base.actor.name} exported ${plural(rows, 'person', 'people')} as CSV.`,
      target: { type: 'members', id: null, name: plural(rows, 'person', 'people') },
      after: { rows: rows, format: 'csv' }
    })
  })
  // A read channel (no declared topics) that still adds an audit event: tell the audit screens.
  kernel.publish(accountId, ['audit'])
  const day = new Date(ctx.now).toISOString().slice(0, 10)
  return { csv, rows: rows, fileName: `gatehouse-users-${day}.csv` }
}
