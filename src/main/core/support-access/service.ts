import type { AuditActor } from '../../../shared/contract/audit'
import type { SupportDuration, SupportLogAction, SupportLogRow, SupportScope } from '../../../shared/contract/support-access'
import type { SessionEndReason } from '../../../shared/contract/events'
import { SUPPORT_DURATION_LABELS } from '../../../shared/contract/support-access'
import { hasPermission, type Core } from '../core'
import { SYSTEM_ACTOR, type ActiveSession, type SupportPrincipal } from '../context'
import { readableUtc } from './time'

/** The stored grant of one account (absent: off). */
export interface GrantRow {
  account_id: string
  state: 'on' | 'off'
  scope: SupportScope
  duration: SupportDuration
  started_at: number
  ends_at: number | null
  reason: string | null
  changed_at: number
  changed_by_kind: 'member' | 'system'
  changed_by_name: string
  changed_by_email: string | null
}

export interface AccountRow {
  account_id: string
  name: string
  plan: 'trial' | 'paid'
  idle_timeout_minutes: number
  created_at: number
}

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

export interface AgentRow {
  agent_id: string
  email: string
  name: string
  password_hash: string
  created_at: number
  removed_at: number | null
}

interface LogRowDb {
  log_id: number
  account_id: string
  time: number
  action: SupportLogAction
  actor_kind: 'member' | 'system'
  owner_id: string | null
  owner_name: string
  owner_email: string | null
  duration: SupportDuration
  scope: SupportScope
  ends_at: number | null
  reason: string | null
  sessions_ended: number
  audit_seq: number
}

export function logRowToDto(row: LogRowDb): SupportLogRow {
  return {
    id: row.log_id,
    time: row.time,
    action: row.action,
    actorKind: row.actor_kind,
    ownerName: row.owner_name,
    ownerEmail: row.owner_email,
    duration: row.duration,
    scope: row.scope,
    endsAt: row.ends_at,
    reason: row.reason,
    sessionsEnded: row.sessions_ended,
    auditSeq: row.audit_seq
  }
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
  audit: { action: string; summary: string; before?: unknown; after?: unknown; ip: string | null; device: string | null; accountName: string }
}

/** A support session the grant's end will close, and how. */
interface PlannedEnd {
  connectionId: string
  reason: SessionEndReason
  at: number
}

export const durationPhrase = (d: SupportDuration) => (d === 'indefinite' ? 'with no end date' : `for ${SUPPORT_DURATION_LABELS[d].toLowerCase()}`)

/**
 * The rules of Support Team Access that live beside the session machinery: the effective grant,
 * expiry (fired by the timer and enforced from the stored end time on every check), ending support
 * sessions, and the log. Every change writes exactly one log row and its audit event in one
 * transaction.
 */
export class SupportAccess {
  private readonly readGrant
  private readonly readAccount
  private readonly dueGrants
  private readonly insertLog
  private readonly readAgent

  constructor(private readonly core: Core) {
    const db = core.db
    this.readGrant = db.prepare('SELECT * FROM support_access WHERE account_id = ?')
    this.readAccount = db.prepare('SELECT account_id, name, plan, idle_timeout_minutes, created_at FROM accounts WHERE account_id = ?')
    this.dueGrants = db.prepare(`
      SELECT s.account_id FROM support_access s JOIN accounts a ON a.account_id = s.account_id
      WHERE s.state = 'on' AND s.ends_at IS NOT NULL AND s.ends_at <= ? AND a.plan = 'paid'`)
    this.insertLog = db.prepare(`
      INSERT INTO support_access_log (account_id, time, action, actor_kind, owner_id, owner_name, owner_email, duration, scope, ends_at,
        reason, sessions_ended, audit_seq)
      VALUES (@accountId, @time, @action, @actorKind, @ownerId, @ownerName, @ownerEmail, @duration, @scope, @endsAt,
        @reason, @sessionsEnded, @auditSeq)
      RETURNING *`)
    this.readAgent = db.prepare('SELECT * FROM support_agents WHERE agent_id = ?')
  }

  account(accountId: string): AccountRow | null {
    return (this.readAccount.get(accountId) as AccountRow | undefined) ?? null
  }

  grantRow(accountId: string): GrantRow | null {
    return (this.readGrant.get(accountId) as GrantRow | undefined) ?? null
  }

  grant(account: AccountRow): EffectiveGrant {
    if (account.plan === 'trial') {
      return { trial: true, state: 'on', scope: 'full', duration: 'indefinite', startedAt: null, endsAt: null, row: null }
    }
    const row = this.grantRow(account.account_id)
    if (!row) return { trial: false, state: 'off', scope: 'read-only', duration: 'day', startedAt: null, endsAt: null, row: null }
    return { trial: false, state: row.state, scope: row.scope, duration: row.duration, startedAt: row.started_at, endsAt: row.ends_at, row }
  }

  /** May support agents be inside the account at `now`? Compares against the stored end time. */
  isOpen(grant: EffectiveGrant, now: number): boolean {
    return grant.state === 'on' && (grant.endsAt === null || now < grant.endsAt)
  }

  /** Support sessions of an account held in memory (including ones idle but not yet swept). */
  supportSessions(accountId: string): Array<{ connectionId: string; session: ActiveSession }> {
    return this.core.liveSessions((s) => s.kind === 'support' && s.accountId === accountId)
  }

  idleDeadline(session: ActiveSession, account: AccountRow): number {
    return session.lastSeenAt + account.idle_timeout_minutes * 60_000
  }

  /**
   * How each support session of the account ends if access ends at `at`: one already idle by then
   * ended at its idle deadline (and does not count as ended by this action).
   */
  planEnds(account: AccountRow, at: number, reason: SessionEndReason): { ends: PlannedEnd[]; counted: number } {
    const ends: PlannedEnd[] = []
    let counted = 0
    for (const { connectionId, session } of this.supportSessions(account.account_id)) {
      const deadline = this.idleDeadline(session, account)
      if (deadline <= at) ends.push({ connectionId, reason: 'idle-timeout', at: deadline })
      else {
        ends.push({ connectionId, reason, at })
        counted += 1
      }
    }
    return { ends, counted }
  }

  /**
   * End the planned sessions; called last inside the change's transaction, so the session records
   * commit with the log row that counts them (and with one disk sync, not one per session).
   */
  applyEnds(ends: PlannedEnd[]): void {
    for (const end of ends) this.core.endSession(end.connectionId, end.reason, { at: end.at })
  }

  /** Write one log row and its audit event; must run inside the change's transaction. */
  writeLog(entry: LogEntry): SupportLogRow {
    const seq = this.core.ledger.append({
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
    const row = this.insertLog.get({
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
    }) as LogRowDb
    return logRowToDto(row)
  }

  /** Tell the account's Owner windows (only they may see this feature) that it changed. */
  notifyOwners(accountId: string, except?: string): void {
    for (const { connectionId, session } of this.core.liveSessions((s) => s.accountId === accountId && s.kind === 'member')) {
      if (connectionId === except) continue
      const principal = this.core.principalOf(session)
      if (principal && hasPermission(principal, 'support-access:manage')) this.core.emit(connectionId, 'data:changed', { topics: ['support-access'] })
    }
  }

  /**
   * Expire the account's grant if its end time has passed: access off, every support session ends
   * AT the end time (not when this was noticed), one Expire row by the system. Returns true if it
   * expired now.
   */
  settle(accountId: string, now: number): boolean {
    const account = this.account(accountId)
    if (!account || account.plan !== 'paid') return false
    const row = this.grantRow(accountId)
    if (!row || row.state !== 'on' || row.ends_at === null || row.ends_at > now) return false
    const endsAt = row.ends_at
    const { ends, counted } = this.planEnds(account, endsAt, 'support-access-expired')
    this.core.tx(() => {
      this.core.db
        .prepare(
          `UPDATE support_access SET state = 'off', changed_at = ?, changed_by_kind = 'system', changed_by_name = ?, changed_by_email = NULL
           WHERE account_id = ? AND state = 'on'`
        )
        .run(endsAt, SYSTEM_ACTOR.name, accountId)
      this.writeLog({
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
      this.applyEnds(ends)
    })
    this.notifyOwners(accountId)
    this.core.broadcast(accountId, ['audit'])
    return true
  }

  /** Expire every grant past its end (the timer, start-up, shutdown). */
  settleAll(now: number): void {
    for (const { account_id } of this.dueGrants.all(now) as Array<{ account_id: string }>) this.settle(account_id, now)
  }

  agent(agentId: string): AgentRow | null {
    return (this.readAgent.get(agentId) as AgentRow | undefined) ?? null
  }

  principalFor(agent: AgentRow, account: AccountRow, grant: EffectiveGrant): SupportPrincipal {
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

  /** The support principal of a session as things stand at `now`, or null if it may not act. */
  principalOf(session: ActiveSession, now: number): SupportPrincipal | null {
    const account = this.account(session.accountId)
    const agent = this.agent(session.personId)
    if (!account || !agent || agent.removed_at !== null) return null
    const grant = this.grant(account)
    return this.isOpen(grant, now) ? this.principalFor(agent, account, grant) : null
  }

  /**
   * Before every call of a support session: expire the grant if due (which ends this session at
   * the end time), then idle timeout, agent removal and a closed grant end it; otherwise the
   * principal with the scope granted now.
   */
  refresh(connectionId: string, session: ActiveSession, now: number): SupportPrincipal | null {
    this.settle(session.accountId, now)
    if (!this.core.liveSessions((s) => s === session).length) return null
    const account = this.account(session.accountId)
    if (account && this.idleDeadline(session, account) <= now) {
      // The session ended when the idle period ran out, not when it was noticed.
      this.core.endSession(connectionId, 'idle-timeout', { at: this.idleDeadline(session, account) })
      return null
    }
    const agent = this.agent(session.personId)
    if (!account || !agent || agent.removed_at !== null) {
      this.core.endSession(connectionId, 'deactivated')
      return null
    }
    const grant = this.grant(account)
    if (!this.isOpen(grant, now)) {
      this.core.endSession(connectionId, 'support-access-disabled')
      return null
    }
    return this.principalFor(agent, account, grant)
  }
}
