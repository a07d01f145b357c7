import { email as emailSchema } from '../../../shared/contract/common'
import { AppError } from '../../../shared/contract/result'
import { ASSIGNABLE_ROLES, type AssignableRole, type ImportReport, type ImportRowResult, type InvitationDelivery } from '../../../shared/contract/users'
import type { Core } from '../core'
import type { CallContext } from '../context'
import { parseCsv, toCsv } from '../csv/csv'
import { invitationsOf } from '../invitations/service'
import type { TeamRecord } from '../teams/service'
import { auditBase, membersOf, plural } from './members'

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
export function checkUsersCsv(core: Core, accountId: string, now: number, csv: string): { rows: CheckedRow[]; report: ImportReport } {
  const parsed = parseCsv(csv)
  const column = (name: string) => parsed.header.indexOf(name)
  const at = { email: column('email'), name: column('name'), role: column('role'), teams: column('teams') }
  if (at.email < 0 || at.role < 0) {
    throw new AppError('VALIDATION', 'The first row must be the header: email,name,role,teams (email and role are required; download the template).', {
      header: parsed.header.slice(0, 20).map(clip)
    })
  }
  const db = core.db
  const teamByName = new Map(
    (db.prepare('SELECT team_id AS id, name, description, created_at AS createdAt FROM teams WHERE account_id = ?').all(accountId) as TeamRecord[]).map((t) => [
      t.name.toLowerCase(),
      t
    ])
  )
  const invitations = invitationsOf(core)
  const firstRowOf = new Map<string, number>()
  const rows: CheckedRow[] = parsed.records.map(({ row, cells, malformed }) => {
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
    const parsedEmail = emailSchema.safeParse(rawEmail)
    const email = parsedEmail.success ? parsedEmail.data : null
    let personId: string | null = null
    if (!email) reasons.push(rawEmail ? 'bad email' : 'missing email')
    else {
      const key = email.toLowerCase()
      const first = firstRowOf.get(key)
      if (first !== undefined) reasons.push(`duplicate in file (first on row ${first})`)
      else {
        firstRowOf.set(key, row)
        const found = invitations.lookup(accountId, email)
        personId = found.personId
        if (found.membership) reasons.push(`already a member (${found.membership.status})`)
      }
    }
    const role = rawRole.toLowerCase()
    if (role === 'owner') reasons.push('bad role: the Owner cannot be invited')
    else if (!(ASSIGNABLE_ROLES as readonly string[]).includes(role)) reasons.push(rawRole ? `bad role "${clip(rawRole)}" (use admin, agent or viewer)` : 'bad role (empty; use admin, agent or viewer)')
    if (rawName.length > MAX_NAME) reasons.push(`name too long (at most ${MAX_NAME} characters)`)
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
    return {
      result,
      invite: reasons.length
        ? null
        : { email: email!, name: rawName || null, role: role as AssignableRole, teams: [...new Map(teams.map((t) => [t.id, t])).values()], personId }
    }
  })
  // Seats go to the valid rows in file order; the rest are refused with the figure.
  const seats = membersOf(core).seats(accountId, now)
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
export async function commitUsersCsv(
  core: Core,
  ctx: CallContext,
  csv: string
): Promise<ImportReport & { invited: Array<InvitationDelivery & { row: number }> }> {
  const accountId = ctx.principal!.accountId
  const invitations = invitationsOf(core)
  const { report, pending } = core.tx(() => {
    const { rows, report } = checkUsersCsv(core, accountId, ctx.now, csv)
    const created = rows.flatMap((r) =>
      r.invite ? [{ row: r.result.row, ...invitations.create(ctx, { ...r.invite, permissions: [] }, ' (CSV import)') }] : []
    )
    if (created.length > 0) {
      const base = auditBase(ctx)
      core.ledger.appendMany([
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
    return { report: { ...report, seats: membersOf(core).seats(accountId, ctx.now) }, pending: created }
  })
  if (pending.length) core.broadcast(accountId, ['users', 'teams', 'audit'])
  const delivered = await invitationsOf(core).deliver(
    ctx,
    pending.map((p) => p.pending)
  )
  return { ...report, invited: delivered.map((d, i) => ({ ...d, row: pending[i]!.row })) }
}

export function registerUsersImport(core: Core): void {
  core.handle('users:import-preview', (ctx, input) => checkUsersCsv(core, ctx.principal!.accountId, ctx.now, input.csv).report)
  core.handle('users:import-commit', (ctx, input) => commitUsersCsv(core, ctx, input.csv))
}
