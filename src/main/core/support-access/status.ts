import type { SupportAccessStatus } from '../../../shared/contract/support-access'
import { SUPPORT_DURATIONS } from '../../../shared/contract/support-access'
import type { Kernel } from '../kernel/kernel'
import { listAgentsWithLastLogin, type AgentListRow } from './repository'
import { accountOf, grantOf, idleDeadline, isOpen, supportSessions, TRIAL_EXPLANATION, type AccountRow, type EffectiveGrant } from './service'
import { addDuration, formatEndsAt, formatRemaining } from './time'

const TRIAL_LINE = 'On — full — always on during the trial'

/**
 * The status the Owner's screen shows, worded in the core: pure, from the account, its grant, the
 * live support sessions (their idle deadlines) and the agents.
 */
export function composeStatus(input: {
  account: AccountRow
  grant: EffectiveGrant
  now: number
  timeZone: string
  liveSessions: ReadonlyArray<{ personId: string; idleDeadline: number }>
  agents: readonly AgentListRow[]
}): SupportAccessStatus {
  const { account, grant, now, timeZone } = input
  const on = isOpen(grant, now)
  const live = input.liveSessions.filter((s) => s.idleDeadline > now)
  const perAgent = new Map<string, number>()
  for (const s of live) perAgent.set(s.personId, (perAgent.get(s.personId) ?? 0) + 1)
  const agents = input.agents.map((a) => ({
    ...a,
    addedAt: Number(a.addedAt),
    lastLoginAt: a.lastLoginAt === null ? null : Number(a.lastLoginAt),
    liveSessions: perAgent.get(a.id) ?? 0
  }))
  const endsAt = on ? grant.endsAt : null
  const remainingMs = endsAt === null ? null : endsAt - now
  const scopeText = on ? grant.scope : null
  const remaining = remainingMs === null ? null : formatRemaining(remainingMs)
  const endsAtText = endsAt === null ? null : formatEndsAt(endsAt, timeZone)
  const line = grant.trial
    ? TRIAL_LINE
    : !on
      ? 'Off'
      : endsAt === null
        ? `On — ${grant.scope} — no end date`
        : `On — ${grant.scope} — ends in ${remaining} (${endsAtText})`
  const row = grant.row
  return {
    plan: account.plan,
    trial: grant.trial,
    state: on ? 'on' : 'off',
    scope: on ? grant.scope : null,
    duration: on ? grant.duration : null,
    startedAt: on && !grant.trial ? grant.startedAt : null,
    endsAt,
    reason: on && row ? row.reason : null,
    now,
    remainingMs,
    line,
    lineParts: { state: on ? 'On' : 'Off', scope: scopeText, remaining, endsAtText, timeZone },
    trialExplanation: grant.trial ? TRIAL_EXPLANATION : null,
    changedAt: row ? row.changed_at : null,
    changedBy: row ? { name: row.changed_by_name, email: row.changed_by_email, kind: row.changed_by_kind } : null,
    liveSessions: live.length,
    changeOptions:
      on && !grant.trial && grant.startedAt !== null
        ? SUPPORT_DURATIONS.map((duration) => {
            const end = addDuration(grant.startedAt!, duration)
            return { duration, endsAt: end, allowed: end === null || end > now }
          })
        : [],
    agents
  }
}

/** The account's status as stored now. */
export async function statusOf(kernel: Kernel, accountId: string, now: number, timeZone: string): Promise<SupportAccessStatus> {
  const q = kernel.store.db
  const account = (await accountOf(q, accountId))!
  const grant = await grantOf(q, account)
  const liveSessions = supportSessions(kernel, accountId).map(({ session }) => ({ personId: session.personId, idleDeadline: idleDeadline(session, account) }))
  const agents = await listAgentsWithLastLogin(q, accountId)
  return composeStatus({ account, grant, now, timeZone, liveSessions, agents })
}
