import { AppError } from '../../../shared/contract/result'
import type { OutputOf } from '../../../shared/contract'
import type { CallContext } from '../context'
import { toCsv } from '../csv/csv'
import { auditBase, plural } from '../kernel/call'
import type { Kernel } from '../kernel/kernel'
import { hasPermission } from '../kernel/permissions'
import { exportMembers, teamNamesByMember } from './members-repository'
import { effectiveStatus } from './members'

/** Every person of the account as CSV (formula cells neutralised), audited. */
export async function exportUsersCsv(kernel: Kernel, ctx: CallContext): Promise<OutputOf<'users:export'>> {
  const principal = ctx.principal!
  // An agent's "Export data" permission covers reports, not the people list agents cannot see.
  if (!hasPermission(principal, 'users:read')) throw new AppError('FORBIDDEN', 'Your role does not allow this.')
  const accountId = principal.accountId
  const q = kernel.store.db
  const teamNames = await teamNamesByMember(q, accountId)
  const iso = (ms: number | null) => (ms ? new Date(ms).toISOString() : '')
  const rows = (await exportMembers(q, accountId)).map((m) => [
    m.email,
    m.name,
    m.role,
    effectiveStatus(m, ctx.now),
    (teamNames.get(m.membershipId) ?? []).join(';'),
    iso(m.lastLoginAt),
    iso(m.createdAt),
    iso(m.status === 'deactivated' ? m.deactivatedAt : null)
  ])
  const csv = toCsv(['email', 'name', 'role', 'status', 'teams', 'last_login', 'created', 'deactivated'], rows)
  await kernel.tx(async (t) => {
    const base = auditBase(ctx)
    await kernel.ledger.append(t, {
      ...base,
      action: 'users.exported',
      summary: `${base.actor.name} exported ${plural(rows.length, 'person', 'people')} as CSV.`,
      target: { type: 'members', id: null, name: plural(rows.length, 'person', 'people') },
      after: { rows: rows.length, format: 'csv' }
    })
  })
  // A read channel (no declared topics) that still adds an audit event: tell the audit screens.
  kernel.publish(accountId, ['audit'])
  const day = new Date(ctx.now).toISOString().slice(0, 10)
  return { csv, rows: rows.length, fileName: `gatehouse-users-${day}.csv` }
}
