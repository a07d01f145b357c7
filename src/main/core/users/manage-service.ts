import { AppError } from '../../../shared/contract/result'
import type { AgentPermission, AssignableRole, Capability } from '../../../shared/contract/users'
import type { Role } from '../../../shared/permissions'
import type { ResolvedPrincipal } from '../context'
import { hasPermission } from '../kernel/permissions'
import type { MemberRecord } from './members-repository'

/**
 * The rules of managing people, as plain functions: each says whether the caller may do one thing
 * to one member and returns the refusal to throw, or null. The handlers enforce them and
 * `memberDetail` reports them to the screen as capabilities, so the two cannot drift.
 */

type Caller = ResolvedPrincipal | null | undefined
type Target = Pick<MemberRecord, 'membershipId' | 'name' | 'email' | 'role' | 'status'>

export function nameOf(member: Pick<MemberRecord, 'name' | 'email'>): string {
  return member.name || member.email
}

function isSelf(caller: Caller, member: Target): boolean {
  return caller?.kind === 'member' && caller.membershipId === member.membershipId
}

function forbidden(caller: Caller): AppError | null {
  return caller && hasPermission(caller, 'users:manage') ? null : new AppError('FORBIDDEN', 'Your role does not allow this.')
}

/** A role change: not one's own, never the Owner's (that changes only by transfer). */
export function roleChangeRefusal(caller: Caller, member: Target): AppError | null {
  const refused = forbidden(caller)
  if (refused) return refused
  if (isSelf(caller, member)) return new AppError('CONFLICT', 'You cannot change your own role; ask another administrator.')
  if (member.role === 'owner') {
    return new AppError('CONFLICT', `${nameOf(member)} is the Owner: the Owner's role changes only by transferring ownership.`, { membershipId: member.membershipId })
  }
  return null
}

/** Deactivation: not oneself, not the Owner, not someone who has not joined (revoke instead). Already deactivated is a no-op. */
export function deactivationRefusal(caller: Caller, member: Target): AppError | null {
  const refused = forbidden(caller)
  if (refused) return refused
  if (isSelf(caller, member)) return new AppError('CONFLICT', 'You cannot deactivate yourself.')
  if (member.role === 'owner') {
    return new AppError('CONFLICT', `${nameOf(member)} is the Owner and cannot be deactivated; transfer ownership first.`, { membershipId: member.membershipId })
  }
  if (member.status === 'invited') {
    return new AppError('CONFLICT', `${nameOf(member)} has not joined yet: revoke the invitation instead.`, { membershipId: member.membershipId })
  }
  return null
}

/** Reactivation: only people who joined (an invited person gets a new invitation). Active is a no-op; seats are checked apart. */
export function reactivationRefusal(caller: Caller, member: Target): AppError | null {
  const refused = forbidden(caller)
  if (refused) return refused
  if (member.status === 'invited') return new AppError('CONFLICT', `${nameOf(member)} has not joined yet; resend the invitation instead.`)
  return null
}

/**
 * Agent custom permissions exist only for Agents: they may be changed while the person is (or in
 * the same change becomes) an Agent. A role change away from Agent clears them (`clearedByRoleChange`).
 */
export function agentPermissionsRefusal(caller: Caller, member: Target, roleAfter: Role = member.role): AppError | null {
  const refused = forbidden(caller)
  if (refused) return refused
  if (roleAfter !== 'agent') {
    return new AppError('CONFLICT', `Agent permissions apply only to Agents; ${nameOf(member)} is ${roleAfter === 'admin' ? 'an Admin' : roleAfter === 'owner' ? 'the Owner' : 'a Viewer'}.`, {
      membershipId: member.membershipId
    })
  }
  return null
}

/** The agent permissions a role change clears: all of them when an Agent becomes anything else. */
export function clearedByRoleChange(roleBefore: Role, roleAfter: AssignableRole | Role, permissions: readonly AgentPermission[]): AgentPermission[] {
  return roleBefore === 'agent' && roleAfter !== 'agent' ? [...permissions] : []
}

/** Teams of a person: whoever manages users (any status, oneself included). */
export function teamsEditRefusal(caller: Caller, _member: Target): AppError | null {
  return forbidden(caller)
}

/**
 * A password reset link: for an active member other than oneself (Personal settings changes one's
 * own) and the Owner (whose password nobody else may take over).
 */
export function passwordResetRefusal(caller: Caller, member: Target): AppError | null {
  const refused = forbidden(caller)
  if (refused) return refused
  if (isSelf(caller, member)) return new AppError('CONFLICT', 'To change your own password, use Personal settings.')
  if (member.role === 'owner') {
    return new AppError('CONFLICT', `${nameOf(member)} is the Owner: only the Owner changes the Owner's password, in Personal settings.`, { membershipId: member.membershipId })
  }
  if (member.status === 'invited') {
    return new AppError('CONFLICT', `${nameOf(member)} has not joined yet and has no password here: resend the invitation instead.`, { membershipId: member.membershipId })
  }
  if (member.status === 'deactivated') {
    return new AppError('CONFLICT', `${nameOf(member)} is deactivated: reactivate them before resetting their password.`, { membershipId: member.membershipId })
  }
  return null
}

/** Ownership goes from the Owner to an active Admin only. */
export function transferRefusal(caller: Caller, member: Target): AppError | null {
  if (caller?.kind !== 'member' || caller.role !== 'owner') return new AppError('FORBIDDEN', 'Only the Owner can transfer ownership.')
  if (member.membershipId === caller.membershipId) return new AppError('CONFLICT', 'You are already the Owner.')
  if (member.role !== 'admin' || member.status !== 'active') {
    return new AppError(
      'CONFLICT',
      `Ownership can go only to an active Admin; ${nameOf(member)} is ${member.status === 'active' ? `an ${member.role === 'agent' ? 'Agent' : 'Viewer'}` : member.status}.`
    )
  }
  return null
}

/** A refusal as the screen shows it. */
export function capability(refusal: AppError | null, noop?: string | null): Capability {
  if (refusal) return { allowed: false, reason: refusal.message }
  if (noop) return { allowed: false, reason: noop }
  return { allowed: true, reason: null }
}
