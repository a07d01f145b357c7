import { AppError } from '../../../shared/contract/result'
import type { CallContext } from '../context'
import { SYSTEM_ACTOR } from '../context'
import type { Core } from '../core'

export const LOCKOUT_FAILURES = 5
export const LOCKOUT_WINDOW_MS = 15 * 60_000
export const LOCKOUT_DURATION_MS = 15 * 60_000

export type PrincipalKind = 'member' | 'support'
export type LoginMethod = 'password' | 'sso' | 'support'
export type LoginResult = 'success' | 'failure' | 'locked'

/** One sign-in attempt, good or bad, as a login event records it. */
export interface LoginAttempt {
  kind: PrincipalKind
  method: LoginMethod
  email: string
  personId?: string | null
  accountId?: string | null
  reason?: string | null
}

/**
 * Refusals where the password was right but the door was shut (support access off or expired, no such account):
 * they are login events, but not guesses, so they never count toward a lock.
 */
export const NOT_A_GUESS_REASONS = ['support access off', 'support access expired', 'unknown account'] as const

/**
 * The lock key of an identity. Members keep the bare email; support agents are a separate identity
 * even when an email is shared, so a member's failures never lock the agent out and vice versa.
 */
export function identityKey(kind: PrincipalKind, email: string): string {
  return kind === 'member' ? email : `support:${email}`
}

/**
 * Login events and the lockout rule shared by every sign-in path (members, support agents): five
 * failures in 15 minutes lock the identity for 15 minutes; every attempt is a login event.
 */
export class Lockout {
  private readonly insertLogin
  private readonly readLock
  private readonly countFailures

  constructor(private readonly core: Core) {
    const db = core.db
    this.insertLogin = db.prepare(`
      INSERT INTO login_events (account_id, time, person_id, principal_kind, email_tried, method, result, reason, ip, device)
      VALUES (@accountId, @time, @personId, @kind, @email, @method, @result, @reason, @ip, @device)`)
    this.readLock = db.prepare('SELECT locked_until, set_by_event FROM identity_locks WHERE email = ?')
    // Failures inside the window, after the last success and after the failure that set the last lock.
    this.countFailures = db.prepare(`
      SELECT count(*) AS n, max(login_event_id) AS last FROM login_events
      WHERE email_tried = @email AND principal_kind = @kind AND result = 'failure' AND time > @windowStart AND login_event_id > @after
        AND coalesce(reason, '') NOT IN (${NOT_A_GUESS_REASONS.map((r) => `'${r}'`).join(', ')})
        AND login_event_id > (SELECT coalesce(max(login_event_id), 0) FROM login_events
                              WHERE email_tried = @email AND principal_kind = @kind AND result = 'success')`)
  }

  /** Write one login event (inside the caller's transaction when there is one). */
  log(ctx: CallContext, attempt: LoginAttempt, result: LoginResult): void {
    this.insertLogin.run({
      accountId: attempt.accountId ?? null,
      time: ctx.now,
      personId: attempt.personId ?? null,
      kind: attempt.kind,
      email: attempt.email,
      method: attempt.method,
      result,
      reason: attempt.reason ?? null,
      ip: ctx.meta.ip,
      device: ctx.meta.device
    })
  }

  private lockOf(kind: PrincipalKind, email: string): { locked_until: number; set_by_event: number } | undefined {
    return this.readLock.get(identityKey(kind, email)) as { locked_until: number; set_by_event: number } | undefined
  }

  /** While locked even the right password is refused: logs a 'locked' attempt and throws LOCKED. */
  refuseIfLocked(ctx: CallContext, attempt: LoginAttempt): void {
    const lock = this.lockOf(attempt.kind, attempt.email)
    if (!lock || lock.locked_until <= ctx.now) return
    this.core.tx(() => this.log(ctx, { ...attempt, reason: 'identity locked' }, 'locked'))
    const minutes = Math.ceil((lock.locked_until - ctx.now) / 60_000)
    throw new AppError('LOCKED', `Too many failed attempts: sign-in for this email is locked for ${minutes} more minute${minutes === 1 ? '' : 's'}.`, {
      lockedUntil: lock.locked_until
    })
  }

  /** Log a failed attempt and lock the identity at the fifth failure; returns true when it locked now. */
  failure(ctx: CallContext, attempt: LoginAttempt): boolean {
    const db = this.core.db
    const key = identityKey(attempt.kind, attempt.email)
    let lockedNow = false
    this.core.tx(() => {
      this.log(ctx, attempt, 'failure')
      const lock = this.lockOf(attempt.kind, attempt.email)
      const { n: failures, last } = this.countFailures.get({
        email: attempt.email,
        kind: attempt.kind,
        windowStart: ctx.now - LOCKOUT_WINDOW_MS,
        after: lock?.set_by_event ?? 0
      }) as { n: number; last: number }
      if (failures < LOCKOUT_FAILURES) return
      lockedNow = true
      db.prepare(
        `INSERT INTO identity_locks (email, account_id, locked_until, set_by_event) VALUES (?, ?, ?, ?)
         ON CONFLICT (email) DO UPDATE SET locked_until = excluded.locked_until, account_id = excluded.account_id, set_by_event = excluded.set_by_event`
      ).run(key, attempt.accountId ?? null, ctx.now + LOCKOUT_DURATION_MS, last)
      const who = attempt.kind === 'support' ? `support agent ${attempt.email}` : attempt.email
      this.core.ledger.append({
        accountId: attempt.accountId ?? null,
        actor: SYSTEM_ACTOR,
        action: 'auth.locked',
        summary: `Sign-in for ${who} was locked for 15 minutes after ${failures} failed attempts.`,
        target: { type: attempt.kind === 'support' ? 'support-agent' : 'identity', id: attempt.personId ?? null, name: attempt.email },
        after: { lockedUntil: ctx.now + LOCKOUT_DURATION_MS },
        ip: ctx.meta.ip,
        device: ctx.meta.device
      })
    })
    return lockedNow
  }

  /** Log a good attempt and clear any lock; call inside the sign-in's transaction. */
  success(ctx: CallContext, attempt: LoginAttempt): void {
    this.log(ctx, attempt, 'success')
    this.core.db.prepare('DELETE FROM identity_locks WHERE email = ?').run(identityKey(attempt.kind, attempt.email))
  }
}
