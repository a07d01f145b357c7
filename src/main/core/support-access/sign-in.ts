import type { SessionInfo } from '../../../shared/contract/auth'
import { AppError } from '../../../shared/contract/result'
import { identityKey, logAttempt, oneAtATime, recordFailure, recordSuccess, refuseIfLocked } from '../auth/lockout'
import { verifyPassword } from '../auth/passwords'
import { sessionInfoOf } from '../auth/session-info'
import { actorOf, type CallContext } from '../context'
import type { Kernel } from '../kernel/kernel'
import { findActiveAgentByEmail } from './repository'
import { accountOf, grantOf, isOpen, notifyOwners, principalFor, sweepAccount } from './service'
import { readableUtc } from './time'

/**
 * A support agent signs in to one account: the shared lockout rule, the password, then the
 * account's grant as it stands at the call's time. The audit event ('support.signed-in') is
 * Owner-only: it reveals a support session.
 */
/** One attempt per agent identity at a time: a burst of guesses cannot overshoot the lockout limit. */
export function supportSignIn(kernel: Kernel, ctx: CallContext, input: { email: string; password: string; account: string }): Promise<SessionInfo> {
  return oneAtATime(kernel, identityKey('support', input.email), () => supportSignInOnce(kernel, ctx, input))
}

async function supportSignInOnce(kernel: Kernel, ctx: CallContext, input: { email: string; password: string; account: string }): Promise<SessionInfo> {
  const q = kernel.store.db
  const email = input.email
  const account = await accountOf(q, input.account)
  const agent = await findActiveAgentByEmail(q, email)
  const attempt = { kind: 'support' as const, method: 'support' as const, email, personId: agent?.agent_id, accountId: account?.account_id ?? null }
  await refuseIfLocked(kernel, ctx, attempt)
  const passwordOk = await verifyPassword(input.password, agent?.password_hash ?? null)
  if (!passwordOk || !agent) {
    if (await recordFailure(kernel, ctx, { ...attempt, reason: agent ? 'wrong password' : 'unknown email' })) {
      throw new AppError('LOCKED', 'Too many failed attempts: sign-in for this email is locked for 15 minutes.')
    }
    throw new AppError('UNAUTHENTICATED', 'Wrong email or password.')
  }
  if (!account) {
    await kernel.tx((t) => logAttempt(t, ctx, { ...attempt, reason: 'unknown account' }, 'failure'))
    throw new AppError('NOT_FOUND', 'That account does not exist in this installation.')
  }
  // The clock of the call, after the (slow) password check: a grant that ran out meanwhile is expired first.
  await sweepAccount(kernel, account.account_id, ctx.now)
  const current = (await accountOf(q, account.account_id)) ?? account
  const grant = await grantOf(q, current)
  if (!isOpen(grant, ctx.now)) {
    const expired = grant.row?.changed_by_kind === 'system'
    await kernel.tx((t) =>
      logAttempt(t, ctx, { ...attempt, reason: expired ? 'support access expired' : 'support access off' }, 'failure')
    )
    throw new AppError(
      'FORBIDDEN',
      expired
        ? `Support access to ${current.name} expired at ${readableUtc(grant.row!.changed_at)}; the account owner has to extend it again.`
        : `Support access to ${current.name} is off: only the account owner can turn it on.`,
      { reason: expired ? 'support-access-expired' : 'support-access-off' }
    )
  }
  const principal = principalFor(agent, current, grant)
  await kernel.tx(async (t) => {
    await recordSuccess(t, ctx, attempt)
    await kernel.ledger.append(t, {
      accountId: current.account_id,
      actor: actorOf(principal),
      action: 'support.signed-in',
      summary: `${agent.name} (support) signed in to ${current.name} with ${grant.scope} access.`,
      target: { type: 'support-agent', id: agent.agent_id, name: agent.name },
      after: { scope: grant.scope, grantEndsAt: grant.endsAt },
      ip: ctx.meta.ip,
      device: ctx.meta.device
    })
  })
  const session = await kernel.sessions.start(ctx.connectionId, principal)
  // The Owner's windows refresh the live-session count (the declared 'audit' topic is the core's).
  await notifyOwners(kernel, current.account_id, ctx.connectionId)
  return sessionInfoOf(kernel, { session }, principal)
}
