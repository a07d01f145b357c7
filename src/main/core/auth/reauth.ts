import { AppError } from '../../../shared/contract/result'
import { actorOf, type CallContext } from '../context'
import type { Kernel } from '../kernel/kernel'
import { readableUtc } from '../support-access/time'
import { identityKey, LOCKOUT_DURATION_MS, LOCKOUT_FAILURES, oneAtATime, recordFailure, recordSuccess, refuseIfLocked, type LoginAttempt } from './lockout'
import { verifyPassword } from './passwords'
import { findPasswordHash } from './repository'

/**
 * Password re-confirmation: a signed-in member enters their password again before a sensitive
 * change. Every re-entry goes through `confirmPassword`, under the sign-in lockout rule: each
 * attempt is a login event (method 'reauth') of the member's identity, a wrong password is a
 * failed attempt and an audit event ('auth.reauth-failed'), and the fifth failure in 15 minutes
 * locks re-confirmation and sign-in alike for 15 minutes. A new re-entry adds its purpose here.
 */
export const REAUTH_PURPOSES = {
  'change-password': {
    /** The input field that holds the password (for the error beside it). */
    field: 'current',
    wrong: 'The current password is wrong.',
    notDone: 'your password was not changed',
    what: 'a password change'
  },
  'transfer-ownership': {
    field: 'password',
    wrong: 'The password is wrong; ownership was not transferred.',
    notDone: 'ownership was not transferred',
    what: 'an ownership transfer'
  },
  'replace-recovery-key': {
    field: 'password',
    wrong: 'The password is wrong; the recovery key was not replaced.',
    notDone: 'the recovery key was not replaced',
    what: 'a new recovery key'
  }
} as const satisfies Record<string, { field: string; wrong: string; notDone: string; what: string }>

export type ReauthPurpose = keyof typeof REAUTH_PURPOSES

const MINUTE = 60_000

/** The LOCKED refusal: what was not done, until when (rounded up to the minute, UTC) and how long. */
export function reauthLockedMessage(purpose: ReauthPurpose, email: string, lockedUntil: number, now: number): string {
  const minutes = Math.max(1, Math.ceil((lockedUntil - now) / MINUTE))
  const until = readableUtc(Math.ceil(lockedUntil / MINUTE) * MINUTE)
  return (
    `Too many wrong passwords: ${REAUTH_PURPOSES[purpose].notDone}. Password confirmation and sign-in for ${email} ` +
    `are locked until ${until} (${minutes} minute${minutes === 1 ? '' : 's'} from now).`
  )
}

/**
 * Check the caller's password before `purpose`; returns when it is right. Throws VALIDATION (the
 * field named) for a wrong password, LOCKED when the identity is locked — already, or by this
 * failure — and FORBIDDEN for a caller who is not a member. A refusal changes nothing but the
 * login event, the audit event and the lock. Attempts of one identity run one at a time.
 */
export async function confirmPassword(kernel: Kernel, ctx: CallContext, password: string, purpose: ReauthPurpose): Promise<void> {
  const principal = ctx.principal
  if (principal?.kind !== 'member') throw new AppError('FORBIDDEN', 'Only members of the account confirm a password.')
  const spec = REAUTH_PURPOSES[purpose]
  const attempt: LoginAttempt = { kind: 'member', method: 'reauth', email: principal.email, personId: principal.personId, accountId: principal.accountId }
  const locked = (lockedUntil: number) => reauthLockedMessage(purpose, principal.email, lockedUntil, ctx.now)
  await oneAtATime(kernel, identityKey('member', principal.email), async () => {
    await refuseIfLocked(kernel, ctx, attempt, locked)
    if (await verifyPassword(password, await findPasswordHash(kernel.store.db, principal.personId))) {
      await kernel.tx((t) => recordSuccess(t, ctx, { ...attempt, reason: purpose }))
      return
    }
    let failures = 0
    const lockedNow = await recordFailure(kernel, ctx, { ...attempt, reason: `wrong password (${purpose})` }, (n) => {
      failures = n
      return {
        accountId: principal.accountId,
        actor: actorOf(principal),
        action: 'auth.reauth-failed',
        summary: `${principal.name} entered a wrong password to confirm ${spec.what} (${Math.min(n, LOCKOUT_FAILURES)} of ${LOCKOUT_FAILURES} failed attempts before sign-in locks).`,
        target: { type: 'member', id: principal.personId, name: principal.name },
        after: { purpose, failures: n, limit: LOCKOUT_FAILURES },
        ip: ctx.meta.ip,
        device: ctx.meta.device
      }
    })
    // A refused call publishes no topics: tell the audit screens by hand.
    kernel.publish(principal.accountId, ['audit'])
    if (lockedNow) {
      const lockedUntil = ctx.now + LOCKOUT_DURATION_MS
      throw new AppError('LOCKED', locked(lockedUntil), { lockedUntil })
    }
    const left = LOCKOUT_FAILURES - failures
    const warning =
      left <= 2 ? ` ${left} more wrong password${left === 1 ? '' : 's'} will lock password confirmation and sign-in for 15 minutes.` : ''
    throw new AppError('VALIDATION', `${spec.wrong}${warning}`, { issues: [{ path: spec.field, message: 'Wrong password' }] })
  })
}
