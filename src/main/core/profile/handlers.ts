import { AppError } from '../../../shared/contract/result'
import type { ProfileDto, Theme } from '../../../shared/contract/profile'
import type { Core } from '../core'
import type { CallContext, MemberPrincipal } from '../context'
import { checkPasswordPolicy, hashPassword, verifyPassword } from '../auth/passwords'
import { checkAvatar } from '../users/avatar'
import { auditBase, membersOf } from '../users/members'

function memberOf(ctx: CallContext): MemberPrincipal {
  const principal = ctx.principal
  if (principal?.kind !== 'member') throw new AppError('FORBIDDEN', 'Only members of the account have a profile.')
  return principal
}

/** Personal settings: each person, whatever their role, for themselves only. */
export function registerProfile(core: Core): void {
  const db = core.db
  const members = membersOf(core)
  const readPerson = db.prepare('SELECT name, email, avatar, theme, password_hash AS passwordHash FROM persons WHERE person_id = ?')

  const profileOf = (principal: MemberPrincipal): ProfileDto => {
    const person = readPerson.get(principal.personId) as { name: string; email: string; avatar: string | null; theme: Theme }
    return {
      personId: principal.personId,
      membershipId: principal.membershipId,
      name: person.name,
      email: person.email,
      role: principal.role,
      avatar: person.avatar,
      theme: person.theme,
      teams: members.teamsOf(principal.membershipId),
      permissions: principal.role === 'agent' ? members.permissionsOf(principal.membershipId) : [],
      accountName: principal.accountName
    }
  }

  core.handle('profile:get', (ctx) => profileOf(memberOf(ctx)))

  core.handle('profile:update', (ctx, input) => {
    const principal = memberOf(ctx)
    checkAvatar(input.avatar)
    const changedName = core.tx(() => {
      const person = readPerson.get(principal.personId) as { name: string; avatar: string | null; theme: Theme }
      const before: Record<string, unknown> = {}
      const after: Record<string, unknown> = {}
      if (input.name !== undefined && input.name !== person.name) {
        db.prepare('UPDATE persons SET name = ? WHERE person_id = ?').run(input.name, principal.personId)
        before.name = person.name
        after.name = input.name
      }
      if (input.avatar !== undefined && input.avatar !== person.avatar) {
        db.prepare('UPDATE persons SET avatar = ? WHERE person_id = ?').run(input.avatar, principal.personId)
        before.avatar = person.avatar ? 'picture' : 'none'
        after.avatar = input.avatar ? 'new picture' : 'none'
      }
      if (input.theme !== undefined && input.theme !== person.theme) {
        db.prepare('UPDATE persons SET theme = ? WHERE person_id = ?').run(input.theme, principal.personId)
        before.theme = person.theme
        after.theme = input.theme
      }
      if (Object.keys(after).length === 0) return false
      const base = auditBase(ctx)
      core.ledger.append({
        ...base,
        action: 'profile.updated',
        summary: `${base.actor.name} updated their ${Object.keys(after).map((k) => (k === 'avatar' ? 'picture' : k)).join(', ')}.`,
        target: { type: 'member', id: principal.personId, name: (after.name as string | undefined) ?? person.name },
        before,
        after
      })
      return 'name' in after
    })
    if (changedName) core.broadcast(principal.accountId, ['users', 'audit'])
    return profileOf(principal)
  })

  core.handle('profile:change-password', async (ctx, input) => {
    const principal = memberOf(ctx)
    const person = readPerson.get(principal.personId) as { passwordHash: string | null }
    if (!(await verifyPassword(input.current, person.passwordHash))) {
      throw new AppError('VALIDATION', 'The current password is wrong.', { issues: [{ path: 'current', message: 'Wrong password' }] })
    }
    checkPasswordPolicy(input.next, principal.email)
    if (input.next === input.current) {
      throw new AppError('VALIDATION', 'Choose a password different from the current one.', { issues: [{ path: 'next', message: 'Same as the current password' }] })
    }
    const hash = await hashPassword(input.next)
    core.tx(() => {
      db.prepare('UPDATE persons SET password_hash = ? WHERE person_id = ?').run(hash, principal.personId)
      const base = auditBase(ctx)
      core.ledger.append({
        ...base,
        action: 'profile.password-changed',
        summary: `${base.actor.name} changed their password; their other sessions were ended.`,
        target: { type: 'member', id: principal.personId, name: principal.name }
      })
    })
    // Every other window of this person, in any account, signs in again with the new password.
    let ended = 0
    for (const { connectionId, session } of core.sessionsOf(principal.personId)) {
      if (connectionId === ctx.connectionId || session.kind !== 'member') continue
      core.endSession(connectionId, 'password-changed')
      ended += 1
    }
    core.broadcast(principal.accountId, ['audit'])
    return { changed: true as const, otherSessionsEnded: ended }
  })
}
