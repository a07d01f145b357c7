import { AppError } from '../../../shared/contract/result'
import type { AuditEntry } from '../audit/ledger'
import type { CallContext } from '../context'
import { SYSTEM_ACTOR } from '../context'
import type { Executor, Kernel } from '../kernel/kernel'
import {
  clearIdentityLock,
  countRecentFailures,
  findIdentityLock,
  recordLoginEvent,
  upsertIdentityLock,
  type LoginMethod,
  type LoginResult,
  type PrincipalKind
} from './login-events-repository'

export type { LoginMethod, LoginResult, PrincipalKind }

export const LOCKOUT_FAILURES = 5
export const LOCKOUT_WINDOW_MS = 15 * 60_000
export const LOCKOUT_DURATION_MS = 15 * 60_000

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
 * Login events and the lockout rule shared by every sign-in path (members, support agents) and by
 * password re-confirmation (reauth.ts): five failures in 15 minutes lock the identity for 15
 * minutes; every attempt is a login event. A success (logged by `recordSuccess`) starts the count
 * again, whichever path it came from: one rule.
 */

/** Write one login event for an attempt (pass the transaction handle when inside one). */
export async function logAttempt(q: Executor, ctx: CallContext, attempt: LoginAttempt, result: LoginResult): Promise<void> {
  await recordLoginEvent(q, {
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

/**
 * While locked even the right password is refused: logs a 'locked' attempt and throws LOCKED (with
 * `message(lockedUntil)` when given, else the sign-in wording).
 */
export async function refuseIfLocked(kernel: Kernel, ctx: CallContext, attempt: LoginAttempt, message?: (lockedUntil: number) => string): Promise<void> {
  const lock = await findIdentityLock(kernel.store.db, identityKey(attempt.kind, attempt.email))
  if (!lock || lock.lockedUntil <= ctx.now) return
  await kernel.tx((t) => logAttempt(t, ctx, { ...attempt, reason: 'identity locked' }, 'locked'))
  const minutes = Math.ceil((lock.lockedUntil - ctx.now) / 60_000)
  throw new AppError(
    'LOCKED',
    message?.(lock.lockedUntil) ?? `Too many failed attempts: sign-in for this email is locked for ${minutes} more minute${minutes === 1 ? '' : 's'}.`,
    { lockedUntil: lock.lockedUntil }
  )
}

/**
 * Log a failed attempt (its own transaction) and lock the identity at the fifth failure; returns
 * true when it locked now. A support agent's lock is audited as 'support.locked' (Owner-only).
 * `audit`, when given, is one more audit event for the failure itself, appended in the same
 * transaction before the lock's (it is told how many failures now count toward the lock).
 */
export async function recordFailure(kernel: Kernel, ctx: CallContext, attempt: LoginAttempt, audit?: (failures: number) => AuditEntry): Promise<boolean> {
  const key = identityKey(attempt.kind, attempt.email)
  return kernel.tx(async (t) => {
    await logAttempt(t, ctx, attempt, 'failure')
    const lock = await findIdentityLock(t, key)
    const { n: failures, last } = await countRecentFailures(t, {
      email: attempt.email,
      kind: attempt.kind,
      windowStart: ctx.now - LOCKOUT_WINDOW_MS,
      after: lock?.setByEvent ?? 0,
      notAGuess: NOT_A_GUESS_REASONS
    })
    if (audit) await kernel.ledger.append(t, audit(failures))
    if (failures < LOCKOUT_FAILURES) return false
    const lockedUntil = ctx.now + LOCKOUT_DURATION_MS
    await upsertIdentityLock(t, key, attempt.accountId ?? null, lockedUntil, last)
    const support = attempt.kind === 'support'
    const who = support ? `support agent ${attempt.email}` : attempt.email
    await kernel.ledger.append(t, {
      accountId: attempt.accountId ?? null,
      actor: SYSTEM_ACTOR,
      action: support ? 'support.locked' : 'auth.locked',
      summary: `Sign-in for ${who} was locked for 15 minutes after ${failures} failed attempts.`,
      target: { type: support ? 'support-agent' : 'identity', id: attempt.personId ?? null, name: attempt.email },
      after: { lockedUntil },
      ip: ctx.meta.ip,
      device: ctx.meta.device
    })
    return true
  })
}

/** Log a good attempt and clear any lock; call inside the sign-in's transaction with its handle. */
export async function recordSuccess(t: Executor, ctx: CallContext, attempt: LoginAttempt): Promise<void> {
  await logAttempt(t, ctx, attempt, 'success')
  await clearIdentityLock(t, identityKey(attempt.kind, attempt.email))
}

const queues = new WeakMap<object, Map<string, Promise<void>>>()

/**
 * Run `fn` for one identity at a time (per core): concurrent calls queue instead of all passing the
 * lock check before any failure is counted, so a burst of guesses cannot overshoot the limit. An
 * in-memory queue is enough because one writing core serves a store (store/writer-lock.ts).
 */
export async function oneAtATime<T>(owner: object, key: string, fn: () => Promise<T>): Promise<T> {
  const queue = queues.get(owner) ?? new Map<string, Promise<void>>()
  queues.set(owner, queue)
  const id = key.toLowerCase()
  const run = (queue.get(id) ?? Promise.resolve()).then(fn)
  const settled = run.then(
    () => undefined,
    () => undefined
  )
  queue.set(id, settled)
  void settled.then(() => {
    if (queue.get(id) === settled) queue.delete(id)
  })
  return run
}
