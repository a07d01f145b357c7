import { email as emailSchema, NAME_CONTROL } from '../../../shared/contract/common'
import { AppError } from '../../../shared/contract/result'
import { ASSIGNABLE_ROLES, type AssignableRole, type ImportReport, type ImportRowResult, type InvitationDelivery } from '../../../shared/contract/users'
import type { CallContext } from '../context'
import { parseCsv, toCsv } from '../csv/csv'
import { createInvitation, deliverInvitations, lookupInvitees } from '../invitations/service'
import { auditBase, plural } from '../kernel/call'
import type { Executor, Kernel } from '../kernel/kernel'
import { allTeams, type TeamRecord } from '../teams/repository'
import { seats as seatsOf } from './members'
import { lockAccountSeats } from './members-repository'

const MAX_ECHO = 200
const MAX_NAME = 120

/** Echo a cell back without returning a 10 MB field. */
function clip(value: string): string {
  return value.length > MAX_ECHO ? `${value.slice(0, MAX_ECHO)}… (${value.length.toLocaleString('en-US')} characters)` : value
}

interface CheckedRow {
  result: ImportRowResult
  /** The values to invite with, for rows that are ok. */
  invite: { email: string; name: string | null; role: AssignableRole; teams: TeamRecord[]; personId: string | null } | null
}

/**
 * Check every row of a users CSV against the account as it is now: a reason per refused row (bad
 * email, duplicate in file, already a member, unknown team, bad role, name too long, malformed
 * quotes, no free seat). Pure reads; the commit calls it again inside its transaction.
 */
export async function checkUsersCsv(q: Executor, accountId: string, now: number, csv: string): Promise<{ rows: CheckedRow[]; report: ImportReport }> {
  const parsed = parseCsv(csv)
  const column = (name: string) => parsed.header.indexOf(name)
  const at = { email: column('email'), name: column('name'), role: column('role'), teams: column('teams') }
  if (at.email < 0 || at.role < 0) {
    throw new AppError('VALIDATION', 'The first row must be the header: email,name,role,teams (email and role are required; download the template).', {
      header: parsed.header.slice(0, 20).map(clip)
    })
  }
  const teamByName = new Map((await allTeams(q, accountId)).map((t) => [t.name.toLowerCase(), t]))
  // Who already exists, for every well-formed email of the file: a few statements, not one per row.
  const emails = parsed.records.map(({ cells }) => emailSchema.safeParse((at.email >= 0 ? (cells[at.email] ?? '') : '').trim()))
  const invitee = await lookupInvitees(q, accountId, [...new Set(emails.flatMap((e) => (e.success ? [e.data] : [])))])
  const firstRowOf = new Map<string, number>()
  const rows: CheckedRow[] = []
  for (const [i, { row, cells, malformed }] of parsed.records.entries()) {
    const cell = (i: number) => (i >= 0 ? (cells[i] ?? '').trim() : '')
    const rawEmail = cell(at.email)
    const rawName = cell(at.name)
    const rawRole = cell(at.role)
    const teamNames = cell(at.teams)
      .split(/[;|]/)
      .map((t) => t.trim())
      .filter((t) => t.length > 0)
    const reasons: string[] = []
    if (malformed) reasons.push('malformed quotes')
    const parsedEmail = emails[i]!
    const email = parsedEmail.success ? parsedEmail.data : null
    let personId: string | null = null
    if (!email) reasons.push(rawEmail ? 'bad email' : 'missing email')
    else {
      const key = email.toLowerCase()
      const first = firstRowOf.get(key)
      if (first !== undefined) reasons.push(`duplicate in file (first on row ${first})`)
      else {
        firstRowOf.set(key, row)
        const found = invitee(email)
        personId = found.personId
        if (found.membership) reasons.push(`already a member (${found.membership.status})`)
      }
    }
    const role = rawRole.toLowerCase()
    if (role === 'owner') reasons.push('bad role: the Owner cannot be invited')
    else if (!(ASSIGNABLE_ROLES as readonly string[]).includes(role)) reasons.push(rawRole ? `bad role "${clip(rawRole)}" (use admin, agent or viewer)` : 'bad role (empty; use admin, agent or viewer)')
    if (rawName.length > MAX_NAME) reasons.push(`name too long (at most ${MAX_NAME} characters)`)
    if (NAME_CONTROL.test(rawName)) reasons.push('name holds a control character (only line breaks and tabs are allowed)')
    const teams: TeamRecord[] = []
    const unknown: string[] = []
    for (const name of teamNames) {
      const team = teamByName.get(name.toLowerCase())
      if (team) teams.push(team)
      else unknown.push(clip(name))
    }
    if (unknown.length) reasons.push(`unknown team${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}`)
    const result: ImportRowResult = {
      row,
      email: clip(rawEmail),
      name: clip(rawName),
      role: clip(rawRole),
      teams: teamNames.map(clip),
      status: reasons.length ? 'error' : 'ok',
      reason: reasons.length ? reasons.join('; ') : null
    }
    rows.push({
      result,
      invite: reasons.length
        ? null
        : { email: email!, name: rawName || null, role: role as AssignableRole, teams: [...new Map(teams.map((t) => [t.id, t])).values()], personId }
    })
  }
  // Seats go to the valid rows in file order; the rest are refused with the figure.
  const seats = await seatsOf(q, accountId, now)
  let free = Math.max(0, seats.total - seats.used)
  for (const checked of rows) {
    if (!checked.invite) continue
    if (free > 0) free -= 1
    else {
      checked.invite = null
      checked.result.status = 'error'
      checked.result.reason = `no free seat (${seats.used} of ${seats.total} seats used)`
    }
  }
  const refused = rows.filter((r) => r.result.status === 'error').map((r) => r.result)
  return {
    rows,
    report: {
      rows: rows.map((r) => r.result),
      okCount: rows.length - refused.length,
      errorCount: refused.length,
      errorReportCsv: refused.length
        ? toCsv(
            ['row', 'email', 'name', 'role', 'teams', 'reason'],
            refused.map((r) => [r.row, r.email, r.name, r.role, r.teams.join(';'), r.reason])
          )
        : null,
      seats
    }
  }
}

/** Invite every ok row in one transaction (all or nothing), then deliver the links. */
/** Rows an import adds before the store's statistics are refreshed (below that, they hardly move). */
const STATISTICS_AFTER = 500

export async function commitUsersCsv(
  kernel: Kernel,
  ctx: CallContext,
  csv: string
): Promise<ImportReport & { invited: Array<InvitationDelivery & { row: number }> }> {
  const accountId = ctx.principal!.accountId
  const { report, pending } = await kernel.tx(async (t) => {
    // The free seats are counted for the whole file: nobody else takes any until this commits.
    await lockAccountSeats(t, accountId)
    const { rows, report } = await checkUsersCsv(t, accountId, ctx.now, csv)
    const created: Array<{ row: number } & Awaited<ReturnType<typeof createInvitation>>> = []
    for (const r of rows) {
      if (r.invite) created.push({ row: r.result.row, ...(await createInvitation(kernel, t, ctx, { ...r.invite, permissions: [] }, ' (CSV import)')) })
    }
    if (created.length > 0) {
      const base = auditBase(ctx)
      await kernel.ledger.appendMany(t, [
        ...created.map((c) => c.entry),
        {
          ...base,
          action: 'users.imported',
          summary: `${base.actor.name} imported a CSV file: ${plural(created.length, 'person', 'people')} invited, ${plural(report.errorCount, 'row')} refused.`,
          target: { type: 'members', id: null, name: plural(created.length, 'person', 'people') },
          after: { invited: created.length, refused: report.errorCount, rows: report.rows.length, emails: created.slice(0, 100).map((c) => c.pending.email) }
        }
      ])
    }
    return { report: { ...report, seats: await seatsOf(t, accountId, ctx.now) }, pending: created }
  })
  // Thousands of people at once: the next pages are planned for the store's new size.
  if (pending.length >= STATISTICS_AFTER) await kernel.store.refreshStatistics()
  const delivered = await deliverInvitations(
    kernel,
    ctx,
    pending.map((p) => p.pending)
  )
  return { ...report, invited: delivered.map((d, i) => ({ ...d, row: pending[i]!.row })) }
}

export function registerUsersImport(kernel: Kernel): void {
  // The preview only reads: on the job worker's thread and connection (a 10 MB file never holds the core's).
  kernel.handle('users:import-preview', (ctx, input) => kernel.offload('users-csv-check', { accountId: ctx.principal!.accountId, now: ctx.now, csv: input.csv }))
  kernel.handle('users:import-commit', (ctx, input) => commitUsersCsv(kernel, ctx, input.csv))
}
