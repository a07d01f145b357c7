import { AppError } from '../../../shared/contract/result'
import { findIdentityLock, upsertIdentityLock } from '../auth/login-events-repository'
import { identityKey } from '../auth/lockout'
import type { Kernel } from '../kernel/kernel'
import { accountOf, auditBase } from '../kernel/call'
import { endSessionsOf, getMember, memberTarget } from '../users/members'
import { nameOf } from '../users/manage-service'
import { sumHoursIntoBins } from '../audit/repository'
import { latestFailures, loginFacts, newestLoginEventId, seenFrom, sessionOrigins, signInsPerHour } from './repository'

const HOUR = 3_600_000
const DAY = 24 * HOUR
const LISTED = 20

/**
 * Login history per person (issue 10 part 1): what the user panel shows of one member's sign-ins,
 * and the two actions on them, unlock and sign out everywhere (Owner and Admin; audited).
 */
export function registerLoginHistoryHandlers(kernel: Kernel): void {
  kernel.handle('users:login-history', async (ctx, input) => {
    const accountId = accountOf(ctx)
    const q = kernel.store.db
    const member = await getMember(q, accountId, input.membershipId)
    const from = Math.floor(input.bounds[0]! / HOUR) * HOUR
    const to = Math.ceil(input.bounds.at(-1)! / HOUR) * HOUR
    const [hours, facts, addresses, devices, failures, lock] = await Promise.all([
      signInsPerHour(q, accountId, member.personId, from, to),
      loginFacts(q, accountId, member.personId, ctx.now - 30 * DAY),
      seenFrom(q, accountId, member.personId, 'ip', LISTED),
      seenFrom(q, accountId, member.personId, 'device', LISTED),
      latestFailures(q, accountId, member.personId, LISTED),
      findIdentityLock(q, identityKey('member', member.email))
    ])
    const perDay = sumHoursIntoBins(hours.map((h) => ({ hour: h.hour, count: h.signIns })), input.bounds)
    const live = kernel.sessions.of(member.personId).filter(({ session }) => session.accountId === accountId && session.kind === 'member')
    const origins = await sessionOrigins(q, live.map(({ session }) => session.sessionId))
    return {
      email: member.email,
      lastLogin: facts.lastLogin,
      perDay,
      failedLast30: facts.failedSince,
      addresses,
      devices,
      failures,
      lockedUntil: lock && lock.lockedUntil > ctx.now ? lock.lockedUntil : null,
      sessions: live
        .map(({ session }) => ({ startedAt: session.startedAt, lastSeenAt: session.lastSeenAt, ...(origins.get(session.sessionId) ?? { ip: null, device: null }) }))
        .sort((a, b) => b.lastSeenAt - a.lastSeenAt)
    }
  })

  kernel.handle('users:unlock', async (ctx, input) => {
    const accountId = accountOf(ctx)
    return kernel.tx(async (t) => {
      const member = await getMember(t, accountId, input.membershipId)
      const key = identityKey('member', member.email)
      const lock = await findIdentityLock(t, key)
      if (!lock || lock.lockedUntil <= ctx.now) return { wasLocked: false }
      // Expired now, counting failures again from here on (a delete would count the old five again).
      await upsertIdentityLock(t, key, accountId, ctx.now, await newestLoginEventId(t))
      const base = auditBase(ctx)
      await kernel.ledger.append(t, {
        ...base,
        action: 'member.unlocked',
        summary: `${base.actor.name} unlocked sign-in for ${nameOf(member)}.`,
        target: memberTarget(member),
        before: { lockedUntil: lock.lockedUntil },
        after: { lockedUntil: null }
      })
      return { wasLocked: true }
    })
  })

  kernel.handle('users:sign-out-everywhere', async (ctx, input) => {
    const accountId = accountOf(ctx)
    return kernel.tx(async (t) => {
      const member = await getMember(t, accountId, input.membershipId)
      if (member.role === 'owner' && ctx.principal!.personId !== member.personId) {
        throw new AppError('FORBIDDEN', "Only the Owner can sign the Owner out everywhere.")
      }
      const ended = await endSessionsOf(kernel, member.personId, accountId, 'signed-out-everywhere', t)
      const base = auditBase(ctx)
      await kernel.ledger.append(t, {
        ...base,
        action: 'member.signed-out-everywhere',
        summary: `${base.actor.name} signed ${nameOf(member)} out everywhere; ${ended === 1 ? '1 session' : `${ended} sessions`} ended.`,
        target: memberTarget(member),
        after: { sessionsEnded: ended }
      })
      return { ended }
    })
  })
}
