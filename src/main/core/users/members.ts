import { AppError } from '../../../shared/contract/result'
import type { SeatUse, UserDetail, UserStatus } from '../../../shared/contract/users'
import type { SessionEndReason } from '../../../shared/contract/events'
import type { Role } from '../../../shared/permissions'
import { ROLE_LABELS } from '../../../shared/permissions'
import type { AuditEntry } from '../audit/ledger'
import type { CallContext } from '../context'
import type { Executor, Kernel } from '../kernel/kernel'
import { accountFigures, type AccountFigures } from './list-repository'
import {
  currentInvitationOf,
  findMemberRow,
  findMemberRows,
  lockAccountSeats,
  permissionsOfMember,
  teamsOfMember,
  type MemberRecord
} from './members-repository'
import {
  agentPermissionsRefusal,
  capability,
  clearedByRoleChange,
  deactivationRefusal,
  reactivationRefusal,
  roleChangeRefusal,
  teamsEditRefusal,
  passwordResetRefusal,
  transferRefusal
} from './manage-service'

export type { MemberRecord }
// The call-context helpers live in the kernel; re-exported here for the features that imported them from users.
export { accountOf, auditBase, plural, selfMembershipId } from '../kernel/call'
export { permissionsOfMember, teamsOfMember } from './members-repository'

export function roleLabel(role: Role): string {
  return ROLE_LABELS[role]
}

export function effectiveStatus(member: Pick<MemberRecord, 'status' | 'inviteExpiresAt'>, now: number): UserStatus {
  return member.status === 'invited' && member.inviteExpiresAt !== null && member.inviteExpiresAt <= now ? 'expired' : member.status
}

export function memberTarget(member: Pick<MemberRecord, 'personId' | 'name' | 'email'>): AuditEntry['target'] {
  return { type: 'member', id: member.personId, name: member.name || member.email }
}

/** The member, or NOT_FOUND. */
export async function getMember(q: Executor, accountId: string, membershipId: string): Promise<MemberRecord> {
  const member = await findMemberRow(q, accountId, membershipId)
  if (!member) throw new AppError('NOT_FOUND', 'This person is not a member of the account (any more).', { membershipId })
  return member
}

/** Every id must belong to the account; otherwise NOT_FOUND naming how many are missing. */
export async function getMembers(q: Executor, accountId: string, membershipIds: readonly string[]): Promise<MemberRecord[]> {
  const unique = [...new Set(membershipIds)]
  const rows = await findMemberRows(q, accountId, unique)
  if (rows.length !== unique.length) {
    const found = new Set(rows.map((r) => r.membershipId))
    const missing = unique.filter((id) => !found.has(id))
    throw new AppError('NOT_FOUND', `${missing.length} of the selected people are not members of the account (any more); nothing was changed.`, {
      missing
    })
  }
  return rows
}

/** Members per status as the users screen shows them, from the account's figures (expiry applied when they were read). */
export function statusCountsOf(f: AccountFigures): Record<UserStatus, number> {
  return { active: f.active, invited: f.invited - f.expired, expired: f.expired, deactivated: f.deactivated }
}

/** Seat use from the account's status counts and the seats bought. */
export function seatUseOf(counts: Record<UserStatus, number>, total: number): SeatUse {
  return { used: counts.active + counts.invited, total, active: counts.active, invited: counts.invited }
}

export async function seats(q: Executor, accountId: string, now: number): Promise<SeatUse> {
  const f = await accountFigures(q, accountId, now)
  return seatUseOf(statusCountsOf(f), f.seats)
}

/** The refusal when taking `adding` more seats would pass the limit, with the figure (null when they fit). */
export function seatsRefusal(seatUse: SeatUse, adding: number, verb = 'inviting'): AppError | null {
  if (seatUse.used + adding <= seatUse.total) return null
  const needed = seatUse.used + adding - seatUse.total
  return new AppError(
    'LIMIT',
    `${seatUse.used} of ${seatUse.total} seats used; ${verb} ${adding} ${adding === 1 ? 'person' : 'people'} needs ${needed} more seat${needed === 1 ? '' : 's'}.`,
    { ...seatUse, adding, needed }
  )
}

/** Refuse when taking `adding` more seats would pass the limit, with the figure. */
export async function assertSeats(q: Executor, accountId: string, now: number, adding: number, verb = 'inviting'): Promise<SeatUse> {
  // Until this transaction ends, nobody else takes or changes seats of this account.
  await lockAccountSeats(q, accountId)
  const seatUse = await seats(q, accountId, now)
  const refusal = seatsRefusal(seatUse, adding, verb)
  if (refusal) throw refusal
  return seatUse
}

/**
 * One person for the detail panel, with what the caller may do to them: the capabilities come
 * from the same rule functions the users:* handlers enforce.
 */
export async function memberDetail(q: Executor, member: MemberRecord, now: number, ctx: CallContext): Promise<UserDetail> {
  const status = effectiveStatus(member, now)
  // One after another: a transaction is one connection on both stores.
  const invitation = member.status === 'invited' ? await currentInvitationOf(q, member.membershipId) : undefined
  const teams = await teamsOfMember(q, member.membershipId)
  const permissions = await permissionsOfMember(q, member.membershipId)
  const caller = ctx.principal
  const callerMembershipId = caller?.kind === 'member' ? caller.membershipId : null
  const name = member.name || member.email
  const reactivation = reactivationRefusal(caller, member)
  const reactivateNoop = member.status === 'active' ? `${name} is active.` : null
  const seatRefusal =
    !reactivation && !reactivateNoop && member.status === 'deactivated' ? seatsRefusal(await seats(q, member.accountId, now), 1, 'reactivating') : null
  const roleChange = roleChangeRefusal(caller, member)
  return {
    id: member.membershipId,
    personId: member.personId,
    name: member.name,
    email: member.email,
    role: member.role,
    status,
    lastLoginAt: member.lastLoginAt > 0 ? member.lastLoginAt : null,
    createdAt: member.createdAt,
    teams,
    avatar: member.avatar,
    inviteExpiresAt: member.status === 'invited' ? member.inviteExpiresAt : null,
    permissions,
    invitation: invitation ? { ...invitation, state: invitation.expiresAt <= now ? 'expired' : 'pending' } : null,
    deactivatedAt: member.status === 'deactivated' ? member.deactivatedAt : null,
    isSelf: member.membershipId === callerMembershipId,
    capabilities: {
      editRole: { ...capability(roleChange), clearsAgentPermissions: roleChange ? [] : clearedByRoleChange(member.role, 'viewer', permissions) },
      deactivate: capability(deactivationRefusal(caller, member), member.status === 'deactivated' ? `${name} is already deactivated.` : null),
      reactivate: capability(reactivation ?? seatRefusal, reactivateNoop),
      transferOwnership: capability(transferRefusal(caller, member)),
      editAgentPermissions: capability(agentPermissionsRefusal(caller, member)),
      editTeams: capability(teamsEditRefusal(caller, member)),
      resetPassword: capability(passwordResetRefusal(caller, member))
    }
  }
}

/** Tell a person's open windows in this account that their role or permissions changed. */
export function notifySessionChanged(kernel: Kernel, personId: string, accountId: string): void {
  for (const { connectionId, session } of kernel.sessions.of(personId)) {
    if (session.accountId === accountId) kernel.emit(connectionId, 'session:changed', {})
  }
}

/**
 * End a person's sessions in this account at once (their windows return to sign-in). Pass the
 * transaction handle when ending inside one.
 */
export async function endSessionsOf(kernel: Kernel, personId: string, accountId: string, reason: SessionEndReason, q?: Executor): Promise<number> {
  let ended = 0
  for (const { connectionId, session } of kernel.sessions.of(personId)) {
    if (session.accountId === accountId) {
      await kernel.sessions.end(connectionId, reason, q ? { q } : undefined)
      ended += 1
    }
  }
  return ended
}
