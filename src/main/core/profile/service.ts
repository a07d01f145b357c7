import type { ParsedInputOf } from '../../../shared/contract'
import type { ProfileDto } from '../../../shared/contract/profile'
import { AppError } from '../../../shared/contract/result'
import { checkPasswordPolicy, hashPassword } from '../auth/passwords'
import { setPasswordHash } from '../auth/repository'
import { confirmPassword } from '../auth/reauth'
import type { CallContext, MemberPrincipal } from '../context'
import { auditBase } from '../kernel/call'
import type { Executor, Kernel } from '../kernel/kernel'
import { checkAvatar } from '../users/avatar'
import { permissionsOfMember, setPersonAvatar, setPersonName, teamsOfMember } from '../users/members-repository'
import { findProfilePerson, setPersonLanguage, setPersonTheme } from './repository'

/** The caller as a member: support agents have no profile. */
export function memberOf(ctx: CallContext): MemberPrincipal {
  const principal = ctx.principal
  if (principal?.kind !== 'member') throw new AppError('FORBIDDEN', 'Only members of the account have a profile.')
  return principal
}

export async function profileOf(q: Executor, principal: MemberPrincipal): Promise<ProfileDto> {
  const person = (await findProfilePerson(q, principal.personId))!
  return {
    personId: principal.personId,
    membershipId: principal.membershipId,
    name: person.name,
    email: person.email,
    role: principal.role,
    avatar: person.avatar,
    theme: person.theme,
    language: person.language,
    teams: await teamsOfMember(q, principal.membershipId),
    permissions: principal.role === 'agent' ? await permissionsOfMember(q, principal.membershipId) : [],
    accountName: principal.accountName
  }
}

/** Any subset of name, picture, theme and language; one audit event naming what changed (none when nothing did). */
export async function updateProfile(kernel: Kernel, ctx: CallContext, input: ParsedInputOf<'profile:update'>): Promise<ProfileDto> {
  const principal = memberOf(ctx)
  checkAvatar(input.avatar)
  await kernel.tx(async (t) => {
    const person = (await findProfilePerson(t, principal.personId))!
    const before: Record<string, unknown> = {}
    const after: Record<string, unknown> = {}
    if (input.name !== undefined && input.name !== person.name) {
      await setPersonName(t, principal.personId, input.name)
      before.name = person.name
      after.name = input.name
    }
    if (input.avatar !== undefined && input.avatar !== person.avatar) {
      await setPersonAvatar(t, principal.personId, input.avatar)
      before.avatar = person.avatar ? 'picture' : 'none'
      after.avatar = input.avatar ? 'new picture' : 'none'
    }
    if (input.theme !== undefined && input.theme !== person.theme) {
      await setPersonTheme(t, principal.personId, input.theme)
      before.theme = person.theme
      after.theme = input.theme
    }
    if (input.language !== undefined && input.language !== person.language) {
      await setPersonLanguage(t, principal.personId, input.language)
      before.language = person.language
      after.language = input.language
    }
    if (Object.keys(after).length === 0) return
    const base = auditBase(ctx)
    await kernel.ledger.append(t, {
      ...base,
      action: 'profile.updated',
      summary: `${base.actor.name} updated their ${Object.keys(after).map((k) => (k === 'avatar' ? 'picture' : k)).join(', ')}.`,
      target: { type: 'member', id: principal.personId, name: (after.name as string | undefined) ?? person.name },
      before,
      after
    })
  })
  return profileOf(kernel.store.db, principal)
}

/**
 * Needs the current password (re-confirmed under the sign-in lockout rule, auth/reauth.ts); ends
 * every other member session of the person ('password-changed').
 */
export async function changePassword(kernel: Kernel, ctx: CallContext, input: ParsedInputOf<'profile:change-password'>) {
  const principal = memberOf(ctx)
  await confirmPassword(kernel, ctx, input.current, 'change-password')
  checkPasswordPolicy(input.next, principal.email)
  if (input.next === input.current) {
    throw new AppError('VALIDATION', 'Choose a password different from the current one.', { issues: [{ path: 'next', message: 'Same as the current password' }] })
  }
  const hash = await hashPassword(input.next)
  // Every other window of this person, in any account, signs in again with the new password.
  const others = kernel.sessions.of(principal.personId).filter(({ connectionId, session }) => connectionId !== ctx.connectionId && session.kind === 'member')
  await kernel.tx(async (t) => {
    await setPasswordHash(t, principal.personId, hash)
    const base = auditBase(ctx)
    await kernel.ledger.append(t, {
      ...base,
      action: 'profile.password-changed',
      summary: `${base.actor.name} changed their password; their other sessions were ended.`,
      target: { type: 'member', id: principal.personId, name: principal.name }
    })
  })
  for (const { connectionId } of others) await kernel.sessions.end(connectionId, 'password-changed')
  return { changed: true as const, otherSessionsEnded: others.length }
}
