import { AppError } from '../../../shared/contract/result'
import type { AgentPermission, SeatUse, TeamRef, UserDetail, UserStatus } from '../../../shared/contract/users'
import type { AuditEntry } from '../audit/ledger'
import type { Core } from '../core'
import { actorOf, type CallContext, type ResolvedPrincipal } from '../context'
import type { Db } from '../store/connection'
import type { Role } from '../../../shared/permissions'
import { ROLE_LABELS } from '../../../shared/permissions'

/** One membership with its person, as stored. */
export interface MemberRecord {
  membershipId: string
  personId: string
  accountId: string
  name: string
  email: string
  role: Role
  status: 'active' | 'invited' | 'deactivated'
  inviteExpiresAt: number | null
  lastLoginAt: number
  createdAt: number
  deactivatedAt: number | null
  avatar: string | null
}

export const MEMBER_COLUMNS = `m.membership_id AS membershipId, m.person_id AS personId, m.account_id AS accountId, p.name, p.email,
  m.role, m.status, m.invite_expires_at AS inviteExpiresAt, m.last_login_at AS lastLoginAt, m.created_at AS createdAt,
  m.deactivated_at AS deactivatedAt, p.avatar`

export function roleLabel(role: Role): string {
  return ROLE_LABELS[role]
}

export function effectiveStatus(member: Pick<MemberRecord, 'status' | 'inviteExpiresAt'>, now: number): UserStatus {
  return member.status === 'invited' && member.inviteExpiresAt !== null && member.inviteExpiresAt <= now ? 'expired' : member.status
}

/** Who may be addressed in the caller's account: the principal's account id, or a refusal. */
export function accountOf(ctx: CallContext): string {
  return ctx.principal!.accountId
}

/** The caller's own membership id (null for a support agent, who is never a member). */
export function selfMembershipId(ctx: CallContext): string | null {
  return ctx.principal?.kind === 'member' ? ctx.principal.membershipId : null
}

/** Prepared statements shared by the users, teams, invitations and profile handlers. */
export class Members {
  private readonly byId
  private readonly byIds
  private readonly teamsOfOne
  private readonly permissionsOfOne
  private readonly counts
  private readonly countExpired
  private readonly seatsOf
  private readonly invitationOf

  constructor(readonly db: Db) {
    this.byId = db.prepare(`SELECT ${MEMBER_COLUMNS} FROM memberships m JOIN persons p ON p.person_id = m.person_id
      WHERE m.account_id = ? AND m.membership_id = ?`)
    this.byIds = db.prepare(`SELECT ${MEMBER_COLUMNS} FROM memberships m JOIN persons p ON p.person_id = m.person_id
      WHERE m.account_id = ? AND m.membership_id IN (SELECT value FROM json_each(?))`)
    this.teamsOfOne = db.prepare(`SELECT t.team_id AS id, t.name FROM team_members tm JOIN teams t ON t.team_id = tm.team_id
      WHERE tm.membership_id = ? ORDER BY t.name`)
    this.permissionsOfOne = db.prepare('SELECT permission FROM member_permissions WHERE membership_id = ? ORDER BY permission')
    this.counts = db.prepare('SELECT active, invited, deactivated FROM member_counts WHERE account_id = ?')
    // Only invitations past their end: a short range of memberships_status_expiry.
    this.countExpired = db.prepare("SELECT count(*) AS n FROM memberships WHERE account_id = ? AND status = 'invited' AND invite_expires_at <= ?")
    this.seatsOf = db.prepare('SELECT seats FROM accounts WHERE account_id = ?')
    this.invitationOf = db.prepare(`SELECT i.created_at AS sentAt, i.expires_at AS expiresAt, p.name AS invitedBy
      FROM invitations i LEFT JOIN persons p ON p.person_id = i.created_by
      WHERE i.membership_id = ? AND i.used_at IS NULL AND i.revoked_at IS NULL AND i.replaced_at IS NULL
      ORDER BY i.created_at DESC LIMIT 1`)
  }

  find(accountId: string, membershipId: string): MemberRecord | undefined {
    return this.byId.get(accountId, membershipId) as MemberRecord | undefined
  }

  get(accountId: string, membershipId: string): MemberRecord {
    const member = this.find(accountId, membershipId)
    if (!member) throw new AppError('NOT_FOUND', 'This person is not a member of the account (any more).', { membershipId })
    return member
  }

  /** Every id must belong to the account; otherwise NOT_FOUND naming how many are missing. */
  getMany(accountId: string, membershipIds: readonly string[]): MemberRecord[] {
    const unique = [...new Set(membershipIds)]
    const rows = this.byIds.all(accountId, JSON.stringify(unique)) as MemberRecord[]
    if (rows.length !== unique.length) {
      const found = new Set(rows.map((r) => r.membershipId))
      const missing = unique.filter((id) => !found.has(id))
      throw new AppError('NOT_FOUND', `${missing.length} of the selected people are not members of the account (any more); nothing was changed.`, {
        missing
      })
    }
    return rows
  }

  teamsOf(membershipId: string): TeamRef[] {
    return this.teamsOfOne.all(membershipId) as TeamRef[]
  }

  permissionsOf(membershipId: string): AgentPermission[] {
    return (this.permissionsOfOne.all(membershipId) as Array<{ permission: AgentPermission }>).map((r) => r.permission)
  }

  /** Members per status as the users screen shows them (trigger-kept totals; expiry applied at `now`). */
  statusCounts(accountId: string, now: number): Record<UserStatus, number> {
    const row = (this.counts.get(accountId) as { active: number; invited: number; deactivated: number } | undefined) ?? { active: 0, invited: 0, deactivated: 0 }
    const expired = row.invited > 0 ? (this.countExpired.get(accountId, now) as { n: number }).n : 0
    return { active: row.active, invited: row.invited - expired, expired, deactivated: row.deactivated }
  }

  seatsFrom(accountId: string, counts: Record<UserStatus, number>): SeatUse {
    const total = (this.seatsOf.get(accountId) as { seats: number }).seats
    return { used: counts.active + counts.invited, total, active: counts.active, invited: counts.invited }
  }

  seats(accountId: string, now: number): SeatUse {
    return this.seatsFrom(accountId, this.statusCounts(accountId, now))
  }

  /** Refuse when taking `adding` more seats would pass the limit, with the figure. */
  assertSeats(accountId: string, now: number, adding: number, verb = 'inviting'): SeatUse {
    const seats = this.seats(accountId, now)
    if (seats.used + adding > seats.total) {
      const needed = seats.used + adding - seats.total
      throw new AppError(
        'LIMIT',
        `${seats.used} of ${seats.total} seats used; ${verb} ${adding} ${adding === 1 ? 'person' : 'people'} needs ${needed} more seat${needed === 1 ? '' : 's'}.`,
        { ...seats, adding, needed }
      )
    }
    return seats
  }

  detail(member: MemberRecord, now: number, callerMembershipId: string | null): UserDetail {
    const status = effectiveStatus(member, now)
    const invitation =
      member.status === 'invited' ? (this.invitationOf.get(member.membershipId) as { sentAt: number; expiresAt: number; invitedBy: string | null } | undefined) : undefined
    return {
      id: member.membershipId,
      personId: member.personId,
      name: member.name,
      email: member.email,
      role: member.role,
      status,
      lastLoginAt: member.lastLoginAt > 0 ? member.lastLoginAt : null,
      createdAt: member.createdAt,
      teams: this.teamsOf(member.membershipId),
      avatar: member.avatar,
      inviteExpiresAt: member.status === 'invited' ? member.inviteExpiresAt : null,
      permissions: this.permissionsOf(member.membershipId),
      invitation: invitation ? { ...invitation, state: invitation.expiresAt <= now ? 'expired' : 'pending' } : null,
      deactivatedAt: member.status === 'deactivated' ? member.deactivatedAt : null,
      isSelf: member.membershipId === callerMembershipId
    }
  }
}

const membersByCore = new WeakMap<Core, Members>()

/** One `Members` per core (statements prepared once). */
export function membersOf(core: Core): Members {
  let members = membersByCore.get(core)
  if (!members) membersByCore.set(core, (members = new Members(core.db)))
  return members
}

/** The common part of an audit entry for a call: account, actor, IP and device. */
export function auditBase(ctx: CallContext): Pick<AuditEntry, 'accountId' | 'actor' | 'ip' | 'device'> {
  const principal = ctx.principal as ResolvedPrincipal
  return { accountId: principal.accountId, actor: actorOf(principal), ip: ctx.meta.ip, device: ctx.meta.device }
}

export function memberTarget(member: Pick<MemberRecord, 'personId' | 'name' | 'email'>): AuditEntry['target'] {
  return { type: 'member', id: member.personId, name: member.name || member.email }
}

/** Tell a person's open windows in this account that their role or permissions changed. */
export function notifySessionChanged(core: Core, personId: string, accountId: string): void {
  for (const { connectionId, session } of core.sessionsOf(personId)) {
    if (session.accountId === accountId) core.emit(connectionId, 'session:changed', {})
  }
}

/** End a person's sessions in this account at once (their windows return to sign-in). */
export function endSessionsOf(core: Core, personId: string, accountId: string, reason: 'deactivated'): number {
  let ended = 0
  for (const { connectionId, session } of core.sessionsOf(personId)) {
    if (session.accountId === accountId) {
      core.endSession(connectionId, reason)
      ended += 1
    }
  }
  return ended
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`
}
