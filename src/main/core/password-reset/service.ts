import type { OutputOf, ParsedInputOf } from '../../../shared/contract'
import { AppError } from '../../../shared/contract/result'
import { PASSWORD_RESET_VALID_HOURS, RESET_LINK_PREFIX, type PasswordResetDelivery } from '../../../shared/contract/users'
import { identityKey, oneAtATime, recordSuccess, type LoginAttempt } from '../auth/lockout'
import { checkPasswordPolicy, hashPassword } from '../auth/passwords'
import { loadMemberPrincipal } from '../auth/principals-repository'
import { setPasswordHash } from '../auth/repository'
import { sessionInfoOf } from '../auth/session-info'
import type { CallContext } from '../context'
import { accountOf, auditBase } from '../kernel/call'
import type { Executor, Kernel } from '../kernel/kernel'
import { accountName } from '../invitations/repository'
import { hashToken, linkDelivery, newToken } from '../invitations/service'
import { passwordResetMessage, sendEach } from '../mail/mailer'
import { passwordResetRefusal, nameOf } from '../users/manage-service'
import { getMember, memberTarget } from '../users/members'
import { timeOrderedId } from '../users/ids'
import * as repo from './repository'
import type { PasswordResetRow } from './repository'

/**
 * Password reset links: an administrator issues one for an active member (users:reset-password);
 * the person opens it, chooses a new password and is signed in (password-reset:complete). Single
 * use, 24 hours, a newer link or a new password voids the older links; only the SHA-256 is stored.
 */

export const PASSWORD_RESET_VALID_MS = PASSWORD_RESET_VALID_HOURS * 3_600_000

export type PasswordResetState = 'pending' | 'expired' | 'used' | 'replaced'

export function stateOf(row: Pick<PasswordResetRow, 'usedAt' | 'replacedAt' | 'expiresAt'>, now: number): PasswordResetState {
  if (row.usedAt !== null) return 'used'
  if (row.replacedAt !== null) return 'replaced'
  return row.expiresAt <= now ? 'expired' : 'pending'
}

const REFUSALS: Record<Exclude<PasswordResetState, 'pending'>, string> = {
  used: 'This password reset link was already used; sign in with the password chosen then.',
  replaced: 'A newer password reset link replaced this one; use the most recent link.',
  expired: 'This password reset link has expired; ask an administrator for a new one.'
}

const UNKNOWN_LINK = 'This password reset link is not valid. Check that it was copied whole.'

export function resetLink(token: string): string {
  return `${RESET_LINK_PREFIX}${token}`
}

async function openReset(q: Executor, hash: Buffer, now: number): Promise<PasswordResetRow> {
  const row = await repo.findResetByHash(q, hash)
  if (!row) throw new AppError('NOT_FOUND', UNKNOWN_LINK)
  const state = stateOf(row, now)
  if (state !== 'pending') throw new AppError('CONFLICT', REFUSALS[state], { state })
  return row
}

/** A new link for the member (the older ones stop working), delivered after the commit. */
export async function issuePasswordReset(kernel: Kernel, ctx: CallContext, membershipId: string): Promise<PasswordResetDelivery> {
  const accountId = accountOf(ctx)
  const issued = await kernel.tx(async (t) => {
    const member = await getMember(t, accountId, membershipId)
    const refusal = passwordResetRefusal(ctx.principal, member)
    if (refusal) throw refusal
    const base = auditBase(ctx)
    await repo.replaceOpenResets(t, member.personId, ctx.now)
    const { token, hash } = newToken()
    const expiresAt = ctx.now + PASSWORD_RESET_VALID_MS
    await repo.insertReset(t, {
      resetId: timeOrderedId(kernel.clock),
      accountId,
      membershipId,
      personId: member.personId,
      hash,
      now: ctx.now,
      createdBy: base.actor.id,
      expiresAt
    })
    await kernel.ledger.append(t, {
      ...base,
      action: 'member.password-reset-issued',
      summary: `${base.actor.name} issued a password reset link for ${nameOf(member)}; it works once, until used or for ${PASSWORD_RESET_VALID_HOURS} hours.`,
      target: memberTarget(member),
      after: { expiresAt }
    })
    return { member, token, expiresAt }
  })
  const link = resetLink(issued.token)
  const { email } = issued.member
  const outcomes = await sendEach(kernel.store, accountId, [
    passwordResetMessage({ to: email, accountName: ctx.principal!.accountName, adminName: ctx.principal!.name, link, expiresAt: issued.expiresAt })
  ])
  return linkDelivery(membershipId, email, issued.expiresAt, link, outcomes?.[0] ?? null)
}

export async function inspectPasswordReset(kernel: Kernel, ctx: CallContext, token: string): Promise<OutputOf<'password-reset:inspect'>> {
  const q = kernel.store.db
  const row = await repo.findResetByHash(q, hashToken(token))
  if (!row) throw new AppError('NOT_FOUND', UNKNOWN_LINK)
  const member = await getMember(q, row.accountId, row.membershipId)
  return { accountName: (await accountName(q, row.accountId)) ?? '', email: member.email, state: stateOf(row, ctx.now), expiresAt: row.expiresAt }
}

/**
 * The new password replaces the old one (the person's, in every account), every other session of
 * the person ends, the sign-in lock is lifted and this connection signs in. The member must still
 * be active: deactivated since the link was issued, the link no longer opens anything.
 */
export async function completePasswordReset(kernel: Kernel, ctx: CallContext, input: ParsedInputOf<'password-reset:complete'>): Promise<OutputOf<'password-reset:complete'>> {
  const hash = hashToken(input.token)
  const check = async (q: Executor) => {
    const row = await openReset(q, hash, kernel.clock.now())
    const member = await getMember(q, row.accountId, row.membershipId)
    if (member.status !== 'active') throw new AppError('CONFLICT', `${nameOf(member)} is no longer an active member of this account; ask an administrator.`)
    return { row, member }
  }
  const { member } = await check(kernel.store.db)
  checkPasswordPolicy(input.password, member.email)
  // Hashing happens before the transaction (scrypt is slow); one attempt per identity at a time.
  const passwordHash = await hashPassword(input.password)
  return oneAtATime(kernel, identityKey('member', member.email), async () => {
    const now = kernel.clock.now()
    const attempt: LoginAttempt = { kind: 'member', method: 'password', email: member.email, personId: member.personId, accountId: member.accountId }
    const others = kernel.sessions.of(member.personId).filter(({ connectionId, session }) => connectionId !== ctx.connectionId && session.kind === 'member')
    const session = await kernel.tx(async (t) => {
      // Checked again inside the write: the link may have been used or replaced meanwhile.
      const { row } = await check(t)
      await setPasswordHash(t, member.personId, passwordHash)
      await repo.markUsed(t, row.resetId, now)
      await repo.replaceOpenResets(t, member.personId, now)
      await recordSuccess(t, { ...ctx, now }, { ...attempt, reason: 'password reset link' })
      await kernel.ledger.append(t, {
        accountId: member.accountId,
        actor: { kind: 'member', id: member.personId, name: nameOf(member), email: member.email, role: member.role },
        action: 'member.password-reset',
        summary: `${nameOf(member)} chose a new password with a reset link; their other sessions were ended.`,
        target: memberTarget(member),
        ip: ctx.meta.ip,
        device: ctx.meta.device
      })
      const principal = (await loadMemberPrincipal(t, member.membershipId))!
      return { principal, session: await kernel.sessions.start(ctx.connectionId, principal, t) }
    })
    for (const { connectionId } of others) await kernel.sessions.end(connectionId, 'password-changed')
    return sessionInfoOf(kernel, session, session.principal)
  })
}
