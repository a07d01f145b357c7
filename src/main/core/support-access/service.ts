import type { AuditActor } from '../../../shared/contract/audit'
import type { AuditAction } from '../../../shared/audit-actions'
import type { SessionEndReason } from '../../../shared/contract/events'
import type { SupportDuration, SupportLogAction, SupportLogRow, SupportScope } from '../../../shared/contract/support-access'
import { SUPPORT_DURATION_LABELS } from '../../../shared/contract/support-access'
import { AppError } from '../../../shared/contract/result'
import { actorOf, SYSTEM_ACTOR, type ActiveSession, type CallContext, type MemberPrincipal, type SupportPrincipal } from '../context'
import type { Executor, Kernel, LiveSession, PrincipalResolver } from '../kernel/kernel'
import { hasPermission } from '../kernel/permissions'
import {
  convertAccountToPaid,
  dueGrantAccounts,
  findAccount,
  findAgent,
  findGrant,
  insertLogRow,
  lockAccount,
  turnGrantOff,
  upsertGrant,
  type AccountRow,
  type AgentRow,
  type GrantRow,
  type LogRowDb
} from './repository'
import { addDuration, readableUtc } from './time'

export type { AccountRow, AgentRow, GrantRow }

/**
 * The rules of Support Team Access that live beside the session machinery: the effective grant,
 * expiry (fired by the timer and enforced from the stored end time on every check), ending support
 * sessions, and the log. Every change writes exactly one log row and its audit event in one
 * transaction, with the ends of the sessions it closes.
 */

/** What holds for an account: trial accounts are always on with full scope and no end. */
export interface EffectiveGrant {
  trial: boolean
  state: 'on' | 'off'
  scope: SupportScope
  duration: SupportDuration
  startedAt: number | null
  endsAt: number | null
  row: GrantRow | null
}

/** A support session the grant's end will close, and how. */
export interface PlannedEnd {
  connectionId: string
  reason: SessionEndReason
  at: number
}

/** One entry of the support-access log plus its audit event, written together. */
export interface LogEntry {
  accountId: string
  action: SupportLogAction
  /** The Owner (member) or SYSTEM_ACTOR (expiry). */
  actor: AuditActor
  time: number
  duration: SupportDuration
  scope: SupportScope
  endsAt: number | null
  reason: string | null
  sessionsEnded: number
  audit: { action: AuditAction; summary: string; before?: unknown; after?: unknown; ip: string | null; device: string | null; accountName: string }
}

export const durationPhrase = (d: SupportDuration) => (d === 'indefinite' ? 'with no end date' : `for ${SUPPORT_DURATION_LABELS[d].toLowerCase()}`)

// --- pure rules -------------------------------------------------------------------------------

export function effectiveGrant(account: AccountRow, row: GrantRow | null | undefined): EffectiveGrant {
  if (account.plan === 'trial') {
    return { trial: true, state: 'on', scope: 'full', duration: 'indefinite', startedAt: null, endsAt: null, row: null }
  }
  if (!row) return { trial: false, state: 'off', scope: 'read-only', duration: 'day', startedAt: null, endsAt: null, row: null }
  return { trial: false, state: row.state, scope: row.scope, duration: row.duration, startedAt: row.started_at, endsAt: row.ends_at, row }
}

/** May support agents be inside the account at `now`? Compares against the stored end time. */
export function isOpen(grant: EffectiveGrant, now: number): boolean {
  return grant.state === 'on' && (grant.endsAt === null || now < grant.endsAt)
}

/** A stored grant that is on and whose end time has come. */
export function isDue(row: GrantRow | null | undefined, now: number): boolean {
  return !!row && row.state === 'on' && row.ends_at !== null && row.ends_at <= now
}

export function idleDeadline(session: ActiveSession, account: AccountRow): number {
  return session.lastSeenAt + account.idle_timeout_minutes * 60_000
}

/**
 * How each support session of the account ends if access ends at `at`: one already idle by then
 * ended at its idle deadline (and does not count as ended by this action).
 */
export function planEnds(sessions: readonly LiveSession[], account: AccountRow, at: number, reason: SessionEndReason): { ends: PlannedEnd[]; counted: number } {
  const ends: PlannedEnd[] = []
  let counted = 0
  for (const { connectionId, session } of sessions) {
    const deadline = idleDeadline(session, account)
    if (deadline <= at) ends.push({ connectionId, reason: 'idle-timeout', at: deadline })
    else {
      ends.push({ connectionId, reason, at })
      counted += 1
    }
  }
  return { ends, counted }
}

export function principalFor(agent: AgentRow, account: AccountRow, grant: EffectiveGrant): SupportPrincipal {
  return {
    kind: 'support',
    personId: agent.agent_id,
    membershipId: null,
    role: null,
    status: 'active',
    scope: grant.scope,
    grantEndsAt: grant.endsAt,
    accountId: account.account_id,
    accountName: account.name,
    plan: account.plan,
    idleTimeoutMinutes: account.idle_timeout_minutes,
    name: agent.name,
    email: agent.email
  }
}

export function logRowToDto(row: LogRowDb): SupportLogRow {
  return {
    id: Number(row.log_id),
    time: Number(row.time),
    action: row.action,
    actorKind: row.actor_kind,
    ownerName: row.owner_name,
    ownerEmail: row.owner_email,
    duration: row.duration,
    scope: row.scope,
    endsAt: row.ends_at === null ? null : Number(row.ends_at),
    reason: row.reason,
    sessionsEnded: Number(row.sessions_ended),
    auditSeq: Number(row.audit_seq)
  }
}

// --- with the store and the sessions ----------------------------------------------------------

export async function accountOf(q: Executor, accountId: string): Promise<AccountRow | null> {
  return (await findAccount(q, accountId)) ?? null
}

export async function grantOf(q: Executor, account: AccountRow): Promise<EffectiveGrant> {
  return effectiveGrant(account, account.plan === 'trial' ? null : await findGrant(q, account.account_id))
}

/** Support sessions of an account held in memory (including ones idle but not yet swept). */
export function supportSessions(kernel: Kernel, accountId: string): LiveSession[] {
  return kernel.sessions.live((s) => s.kind === 'support' && s.accountId === accountId)
}

/**
 * End the planned sessions; called last inside the change's transaction, so the session records
 * commit with the log row that counts them.
 */
export async function applyEnds(kernel: Kernel, t: Executor, ends: readonly PlannedEnd[]): Promise<void> {
  for (const end of ends) await kernel.sessions.end(end.connectionId, end.reason, { at: end.at, q: t })
}

/** Write one log row and its audit event; must run inside the change's transaction. */
export async function writeLog(kernel: Kernel, t: Executor, entry: LogEntry): Promise<SupportLogRow> {
  const seq = await kernel.ledger.append(t, {
    accountId: entry.accountId,
    actor: entry.actor,
    action: entry.audit.action,
    summary: entry.audit.summary,
    target: { type: 'support-access', id: entry.accountId, name: entry.audit.accountName },
    before: entry.audit.before,
    after: entry.audit.after,
    ip: entry.audit.ip,
    device: entry.audit.device
  })
  const row = await insertLogRow(t, {
    accountId: entry.accountId,
    time: entry.time,
    action: entry.action,
    actorKind: entry.actor.kind === 'system' ? 'system' : 'member',
    ownerId: entry.actor.id,
    ownerName: entry.actor.name,
    ownerEmail: entry.actor.email,
    duration: entry.duration,
    scope: entry.scope,
    endsAt: entry.endsAt,
    reason: entry.reason,
    sessionsEnded: entry.sessionsEnded,
    auditSeq: seq
  })
  return logRowToDto(row)
}

/** Tell the account's Owner windows (only they may see this feature) that it changed. */
export async function notifyOwners(kernel: Kernel, accountId: string, except?: string): Promise<void> {
  for (const { connectionId, session } of kernel.sessions.live((s) => s.accountId === accountId && s.kind === 'member')) {
    if (connectionId === except) continue
    const principal = await kernel.sessions.principalOf(session)
    if (principal && hasPermission(principal, 'support-access:manage')) kernel.emit(connectionId, 'data:changed', { topics: ['support-access'] })
  }
}

/** Support windows re-read their session (scope, plan). */
export function tellSupportSessions(kernel: Kernel, accountId: string): void {
  for (const { connectionId } of supportSessions(kernel, accountId)) kernel.emit(connectionId, 'session:changed', {})
}

/**
 * Expire the account's grant if its end time has passed: access off, every support session ends
 * AT the end time (not when this was noticed), one Expire row by the system. Returns true if it
 * expired now.
 */
export async function settle(kernel: Kernel, accountId: string, now: number): Promise<boolean> {
  // Most calls find nothing due: only then a write transaction (which checks again).
  if (!isDue(await findGrant(kernel.store.db, accountId), now)) return false
  const expired = await kernel.tx(async (t) => {
    const account = await lockAccount(t, kernel.store.dialect, accountId)
    if (!account || account.plan !== 'paid') return false
    const row = await findGrant(t, accountId)
    if (!row || !isDue(row, now)) return false
    const endsAt = row.ends_at!
    const { ends, counted } = planEnds(supportSessions(kernel, accountId), account, endsAt, 'support-access-expired')
    if ((await turnGrantOff(t, accountId, endsAt, { kind: 'system', name: SYSTEM_ACTOR.name, email: null })) === 0) return false
    await writeLog(kernel, t, {
      accountId,
      action: 'expire',
      actor: SYSTEM_ACTOR,
      time: endsAt,
      duration: row.duration,
      scope: row.scope,
      endsAt,
      reason: null,
      sessionsEnded: counted,
      audit: {
        action: 'support-access.expired',
        summary: `Support access (${row.scope}) expired at ${readableUtc(endsAt)}; ${counted} support session${counted === 1 ? '' : 's'} ended.`,
        before: { state: 'on', scope: row.scope, duration: row.duration, endsAt },
        after: { state: 'off', sessionsEnded: counted },
        ip: null,
        device: null,
        accountName: account.name
      }
    })
    await applyEnds(kernel, t, ends)
    return true
  })
  if (expired) {
    // No channel causes an expiry: its effects are published by hand.
    await notifyOwners(kernel, accountId)
    kernel.publish(accountId, ['audit'])
  }
  return expired
}

/** Expire every grant past its end (the timer, start-up, shutdown). */
export async function settleAll(kernel: Kernel, now: number): Promise<void> {
  for (const accountId of await dueGrantAccounts(kernel.store.db, now)) await settle(kernel, accountId, now)
}

/** The support principal of a session as things stand at `now`, or null if it may not act. */
export async function loadSupportPrincipal(q: Executor, session: ActiveSession, now: number): Promise<SupportPrincipal | null> {
  const account = await findAccount(q, session.accountId)
  const agent = await findAgent(q, session.personId)
  if (!account || !agent || agent.removed_at !== null) return null
  const grant = await grantOf(q, account)
  return isOpen(grant, now) ? principalFor(agent, account, grant) : null
}

/**
 * Before every call of a support session: expire the grant if due (which ends this session at
 * the end time), then idle timeout, agent removal and a closed grant end it; otherwise the
 * principal with the scope granted now.
 */
export async function refreshSupportSession(kernel: Kernel, connectionId: string, session: ActiveSession, now: number): Promise<SupportPrincipal | null> {
  await settle(kernel, session.accountId, now)
  if (!kernel.sessions.isLive(session)) return null
  const q = kernel.store.db
  const account = await findAccount(q, session.accountId)
  if (account && idleDeadline(session, account) <= now) {
    // The session ended when the idle period ran out, not when it was noticed.
    await kernel.sessions.end(connectionId, 'idle-timeout', { at: idleDeadline(session, account) })
    return null
  }
  const agent = await findAgent(q, session.personId)
  if (!account || !agent || agent.removed_at !== null) {
    await kernel.sessions.end(connectionId, 'deactivated')
    return null
  }
  const grant = await grantOf(q, account)
  if (!isOpen(grant, now)) {
    await kernel.sessions.end(connectionId, 'support-access-disabled')
    return null
  }
  return principalFor(agent, account, grant)
}

/** Support sessions resolve through this (registered with `kernel.registerPrincipals('support', …)`). */
export function supportPrincipals(kernel: Kernel): PrincipalResolver {
  return {
    load: (q, session, now) => loadSupportPrincipal(q, session, now),
    refresh: (connectionId, session, now) => refreshSupportSession(kernel, connectionId, session, now)
  }
}

/** Expire a grant that is due and end support sessions that are already over (idle), so what the Owner sees is current. */
export async function sweepAccount(kernel: Kernel, accountId: string, now: number): Promise<void> {
  await settle(kernel, accountId, now)
  for (const { connectionId, session } of supportSessions(kernel, accountId)) await refreshSupportSession(kernel, connectionId, session, now)
}

// --- the Owner's changes ----------------------------------------------------------------------

export const TRIAL_EXPLANATION =
  'Trial accounts always allow support access, so there is no toggle. Converting the account to paid turns it off; after that you choose when support can sign in.'

/** "read-only access for one week, until 2026-11-30 14:02 UTC" (audit sentences). */
export function grantSummary(scope: SupportScope, duration: SupportDuration, endsAt: number | null): string {
  return `${scope} access ${durationPhrase(duration)}${endsAt === null ? '' : `, until ${readableUtc(endsAt)}`}`
}

export const reasonSuffix = (reason: string | null) => (reason ? ` Reason: ${reason}` : '')

/** The Owner and their account, with the account's support sessions brought up to date. */
export async function ownerCall(kernel: Kernel, ctx: CallContext): Promise<{ principal: MemberPrincipal; account: AccountRow }> {
  const principal = ctx.principal
  // The permission check already ran; this only narrows the type (support agents hold no Owner permission).
  if (!principal || principal.kind !== 'member') throw new AppError('FORBIDDEN', 'Your role does not allow this.')
  await sweepAccount(kernel, principal.accountId, ctx.now)
  return { principal, account: (await accountOf(kernel.store.db, principal.accountId))! }
}

function refuseOnTrial(account: AccountRow): void {
  if (account.plan === 'trial') throw new AppError('CONFLICT', TRIAL_EXPLANATION)
}

export interface GrantInput {
  duration: SupportDuration
  scope: SupportScope
  reason?: string
}

/** What an Extend or a Change writes, decided from the grant as it stands inside the write transaction. */
interface GrantPlan {
  /** Null for an Extend; for a Change, when access was turned on and the grant before it. */
  change: { startedAt: number; before: unknown } | null
  endsAt: number | null
}

/**
 * Extend (turn on) and Change (while on) write the grant, its log row and its audit event alike.
 * `decide` checks the grant read with the transaction handle and refuses or plans the write, so a
 * change committed meanwhile (a Disable in another window) is seen, never undone.
 */
async function writeGrant(
  kernel: Kernel,
  ctx: CallContext,
  owner: { principal: MemberPrincipal; account: AccountRow },
  input: GrantInput,
  decide: (grant: EffectiveGrant) => GrantPlan
): Promise<SupportLogRow> {
  const { principal } = owner
  const reason = input.reason ? input.reason : null
  return kernel.tx(async (t) => {
    // The plan and the grant as they stand now, read with the transaction handle (a trial refuses).
    const account = (await lockAccount(t, kernel.store.dialect, owner.account.account_id)) ?? owner.account
    refuseOnTrial(account)
    const { change, endsAt } = decide(await grantOf(t, account))
    const startedAt = change ? change.startedAt : ctx.now
    const summary = change
      ? `${principal.name} changed support access to ${grantSummary(input.scope, input.duration, endsAt)}.${reasonSuffix(reason)}`
      : `${principal.name} turned on support access: ${grantSummary(input.scope, input.duration, endsAt)}.${reasonSuffix(reason)}`
    await upsertGrant(t, {
      accountId: account.account_id,
      state: 'on',
      scope: input.scope,
      duration: input.duration,
      startedAt,
      endsAt,
      reason,
      now: ctx.now,
      name: principal.name,
      email: principal.email
    })
    return writeLog(kernel, t, {
      accountId: account.account_id,
      action: change ? 'change' : 'extend',
      actor: actorOf(principal),
      time: ctx.now,
      duration: input.duration,
      scope: input.scope,
      endsAt,
      reason,
      sessionsEnded: 0,
      audit: {
        action: change ? 'support-access.changed' : 'support-access.extended',
        summary,
        before: change ? change.before : { state: 'off' },
        after: { state: 'on', scope: input.scope, duration: input.duration, endsAt, reason },
        ip: ctx.meta.ip,
        device: ctx.meta.device,
        accountName: account.name
      }
    })
  })
}

/** Turn access on (paid accounts, while off). */
export async function extendAccess(kernel: Kernel, ctx: CallContext, input: GrantInput): Promise<{ accountId: string; entry: SupportLogRow }> {
  const owner = await ownerCall(kernel, ctx)
  const entry = await writeGrant(kernel, ctx, owner, input, (grant) => {
    if (grant.state === 'on') throw new AppError('CONFLICT', 'Support access is already on; change its duration or scope instead.')
    return { change: null, endsAt: addDuration(ctx.now, input.duration) }
  })
  // The Owner's other windows refresh (the declared 'audit' topic is the core's).
  await notifyOwners(kernel, owner.account.account_id, ctx.connectionId)
  return { accountId: owner.account.account_id, entry }
}

/** While on: a new duration (counted from when access was turned on) and/or scope. */
export async function changeAccess(kernel: Kernel, ctx: CallContext, input: GrantInput): Promise<{ accountId: string; entry: SupportLogRow }> {
  const owner = await ownerCall(kernel, ctx)
  const entry = await writeGrant(kernel, ctx, owner, input, (grant) => {
    const row = grant.row
    if (grant.state !== 'on' || !row) throw new AppError('CONFLICT', 'Support access is off; turn it on first.')
    // A Change counts from when access was turned on, so it can shorten as well as extend.
    const endsAt = addDuration(row.started_at, input.duration)
    if (endsAt !== null && endsAt <= ctx.now) {
      throw new AppError(
        'CONFLICT',
        `${SUPPORT_DURATION_LABELS[input.duration]} from when access was turned on ends at ${readableUtc(endsAt)}, which has already passed. Choose a longer duration, or turn access off.`,
        { endsAt }
      )
    }
    return { change: { startedAt: row.started_at, before: { state: 'on', scope: row.scope, duration: row.duration, endsAt: row.ends_at, reason: row.reason } }, endsAt }
  })
  await notifyOwners(kernel, owner.account.account_id, ctx.connectionId)
  // Support windows re-read their permissions (a narrower scope applies at their next call).
  tellSupportSessions(kernel, owner.account.account_id)
  return { accountId: owner.account.account_id, entry }
}

/**
 * Turn access off at once: every live support session ends, in the same transaction as the log
 * row that counts them.
 */
export async function disableAccess(kernel: Kernel, ctx: CallContext, input: { reason?: string } | undefined): Promise<{ accountId: string; entry: SupportLogRow }> {
  const { principal, account } = await ownerCall(kernel, ctx)
  refuseOnTrial(account)
  const reason = input?.reason ? input.reason : null
  const entry = await kernel.tx(async (t) => {
    // Held until commit, as every change of the grant does (lockAccount): checks and writes never interleave.
    const current = (await lockAccount(t, kernel.store.dialect, account.account_id)) ?? account
    refuseOnTrial(current)
    const grant = await grantOf(t, current)
    const row = grant.row
    if (grant.state !== 'on' || !row) throw new AppError('CONFLICT', 'Support access is already off.')
    const { ends, counted } = planEnds(supportSessions(kernel, account.account_id), account, ctx.now, 'support-access-disabled')
    await turnGrantOff(t, account.account_id, ctx.now, { kind: 'member', name: principal.name, email: principal.email })
    const logged = await writeLog(kernel, t, {
      accountId: account.account_id,
      action: 'disable',
      actor: actorOf(principal),
      time: ctx.now,
      duration: row.duration,
      scope: row.scope,
      endsAt: ctx.now,
      reason,
      sessionsEnded: counted,
      audit: {
        action: 'support-access.disabled',
        summary: `${principal.name} turned off support access; ${counted} support session${counted === 1 ? '' : 's'} ended.${reasonSuffix(reason)}`,
        before: { state: 'on', scope: row.scope, duration: row.duration, endsAt: row.ends_at },
        after: { state: 'off', sessionsEnded: counted, reason },
        ip: ctx.meta.ip,
        device: ctx.meta.device,
        accountName: account.name
      }
    })
    await applyEnds(kernel, t, ends)
    return logged
  })
  await notifyOwners(kernel, account.account_id, ctx.connectionId)
  return { accountId: account.account_id, entry }
}

/** Settings → Account: trial to paid; support access (always on during the trial) turns off. */
export async function convertToPaid(kernel: Kernel, ctx: CallContext): Promise<{ plan: 'paid'; sessionsEnded: number }> {
  const { principal, account } = await ownerCall(kernel, ctx)
  if (account.plan !== 'trial') throw new AppError('CONFLICT', 'The account is already on a paid plan.')
  const counted = await kernel.tx(async (t) => {
    await lockAccount(t, kernel.store.dialect, account.account_id)
    if ((await convertAccountToPaid(t, account.account_id)) === 0) throw new AppError('CONFLICT', 'The account is already on a paid plan.')
    const { ends, counted } = planEnds(supportSessions(kernel, account.account_id), account, ctx.now, 'support-access-disabled')
    await upsertGrant(t, {
      accountId: account.account_id,
      state: 'off',
      scope: 'full',
      duration: 'indefinite',
      startedAt: account.created_at,
      endsAt: null,
      reason: null,
      now: ctx.now,
      name: principal.name,
      email: principal.email
    })
    await kernel.ledger.append(t, {
      accountId: account.account_id,
      actor: actorOf(principal),
      ip: ctx.meta.ip,
      device: ctx.meta.device,
      action: 'account.converted-to-paid',
      summary: `${principal.name} converted ${account.name} from a trial to a paid account.`,
      target: { type: 'account', id: account.account_id, name: account.name },
      before: { plan: 'trial' },
      after: { plan: 'paid' }
    })
    await writeLog(kernel, t, {
      accountId: account.account_id,
      action: 'trial-converted',
      actor: actorOf(principal),
      time: ctx.now,
      duration: 'indefinite',
      scope: 'full',
      endsAt: ctx.now,
      reason: null,
      sessionsEnded: counted,
      audit: {
        action: 'support-access.trial-converted',
        summary: `Support access turned off because ${principal.name} converted the account to paid; ${counted} support session${counted === 1 ? '' : 's'} ended.`,
        before: { state: 'on', scope: 'full', duration: 'indefinite', trial: true },
        after: { state: 'off', sessionsEnded: counted },
        ip: ctx.meta.ip,
        device: ctx.meta.device,
        accountName: account.name
      }
    })
    await applyEnds(kernel, t, ends)
    return counted
  })
  // The plan is part of every session's info: all windows of the account re-read it.
  for (const { connectionId } of kernel.sessions.live((s) => s.accountId === account.account_id)) kernel.emit(connectionId, 'session:changed', {})
  return { plan: 'paid', sessionsEnded: counted }
}
