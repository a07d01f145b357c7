import type { SessionEndReason } from '../../../shared/contract/events'
import type { SupportDuration, SupportLogAction, SupportScope } from '../../../shared/contract/support-access'
import { DIALECT_SQL } from '../store/dialects'
import type { Dialect, Executor } from '../store/port'
import { all, one, run, sql } from '../store/sql'

/** All SQL of Support Team Access: grants, the log, agents, and the support login history. */

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

export interface AgentRow {
  agent_id: string
  email: string
  name: string
  password_hash: string
  created_at: number
  removed_at: number | null
}

export interface LogRowDb {
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

export interface LoginDbRow {
  id: string
  agentId: string
  agentName: string
  agentEmail: string
  loginAt: number
  logoutAt: number | null
  endReason: SessionEndReason | null
  ip: string | null
  device: string | null
}

export interface AgentListRow {
  id: string
  name: string
  email: string
  addedAt: number
  lastLoginAt: number | null
}

// --- accounts ---------------------------------------------------------------------------------

export async function findAccount(q: Executor, accountId: string): Promise<AccountRow | undefined> {
  return one(
    q,
    sql<AccountRow>`SELECT account_id, name, plan, idle_timeout_minutes, created_at FROM accounts WHERE account_id = ${accountId}`
  )
}

/**
 * The account, its row held until commit (PostgreSQL; SQLite has one writer): every change of the
 * account's support access takes it first, so their checks and writes never interleave.
 */
export async function lockAccount(q: Executor, dialect: Dialect, accountId: string): Promise<AccountRow | undefined> {
  return one(
    q,
    sql<AccountRow>`SELECT account_id, name, plan, idle_timeout_minutes, created_at FROM accounts WHERE account_id = ${accountId}${DIALECT_SQL[dialect].forUpdate}`
  )
}

/** Trial → paid; returns how many rows changed (0 if it was already paid). */
export async function convertAccountToPaid(q: Executor, accountId: string): Promise<number> {
  return run(q, sql`UPDATE accounts SET plan = 'paid' WHERE account_id = ${accountId} AND plan = 'trial'`)
}

// --- grants -----------------------------------------------------------------------------------

export async function findGrant(q: Executor, accountId: string): Promise<GrantRow | undefined> {
  return one(q, sql<GrantRow>`SELECT * FROM support_access WHERE account_id = ${accountId}`)
}

/** Paid accounts whose grant is on and past its end at `now`. */
export async function dueGrantAccounts(q: Executor, now: number): Promise<string[]> {
  const rows = await all(
    q,
    sql<{ account_id: string }>`
      SELECT s.account_id FROM support_access s JOIN accounts a ON a.account_id = s.account_id
      WHERE s.state = 'on' AND s.ends_at IS NOT NULL AND s.ends_at <= ${now} AND a.plan = 'paid'
      ORDER BY s.account_id`
  )
  return rows.map((r) => r.account_id)
}

export interface GrantWrite {
  accountId: string
  state: 'on' | 'off'
  scope: SupportScope
  duration: SupportDuration
  startedAt: number
  endsAt: number | null
  reason: string | null
  now: number
  name: string
  email: string
}

/** Write the account's grant as changed by a member (the Owner). */
export async function upsertGrant(q: Executor, g: GrantWrite): Promise<void> {
  await run(
    q,
    sql`
      INSERT INTO support_access (account_id, state, scope, duration, started_at, ends_at, reason, changed_at, changed_by_kind, changed_by_name, changed_by_email)
      VALUES (${g.accountId}, ${g.state}, ${g.scope}, ${g.duration}, ${g.startedAt}, ${g.endsAt}, ${g.reason}, ${g.now}, 'member', ${g.name}, ${g.email})
      ON CONFLICT (account_id) DO UPDATE SET state = excluded.state, scope = excluded.scope, duration = excluded.duration,
        started_at = excluded.started_at, ends_at = excluded.ends_at, reason = excluded.reason, changed_at = excluded.changed_at,
        changed_by_kind = excluded.changed_by_kind, changed_by_name = excluded.changed_by_name, changed_by_email = excluded.changed_by_email`
  )
}

/** Turn a grant that is on off, by a member or by the system (expiry); returns rows changed. */
export async function turnGrantOff(
  q: Executor,
  accountId: string,
  at: number,
  by: { kind: 'member' | 'system'; name: string; email: string | null }
): Promise<number> {
  return run(
    q,
    sql`UPDATE support_access SET state = 'off', changed_at = ${at}, changed_by_kind = ${by.kind}, changed_by_name = ${by.name}, changed_by_email = ${by.email}
        WHERE account_id = ${accountId} AND state = 'on'`
  )
}

// --- the log ----------------------------------------------------------------------------------

export interface LogInsert {
  accountId: string
  time: number
  action: SupportLogAction
  actorKind: 'member' | 'system'
  ownerId: string | null
  ownerName: string
  ownerEmail: string | null
  duration: SupportDuration
  scope: SupportScope
  endsAt: number | null
  reason: string | null
  sessionsEnded: number
  auditSeq: number
}

/** One log row; its id comes from the store (`RETURNING`, an identity on PostgreSQL). */
export async function insertLogRow(q: Executor, r: LogInsert): Promise<LogRowDb> {
  const row = await one(
    q,
    sql<LogRowDb>`
      INSERT INTO support_access_log (account_id, time, action, actor_kind, owner_id, owner_name, owner_email, duration, scope, ends_at,
        reason, sessions_ended, audit_seq)
      VALUES (${r.accountId}, ${r.time}, ${r.action}, ${r.actorKind}, ${r.ownerId}, ${r.ownerName}, ${r.ownerEmail}, ${r.duration}, ${r.scope},
        ${r.endsAt}, ${r.reason}, ${r.sessionsEnded}, ${r.auditSeq})
      RETURNING *`
  )
  return row!
}

/** A page of the log, newest first; `before` is the last seen log id. */
export async function logPage(q: Executor, accountId: string, before: number | undefined, limit: number): Promise<LogRowDb[]> {
  return all(
    q,
    sql<LogRowDb>`SELECT * FROM support_access_log WHERE account_id = ${accountId} ${before !== undefined ? sql`AND log_id < ${before}` : sql``}
                  ORDER BY log_id DESC LIMIT ${limit}`
  )
}

export async function allLogRows(q: Executor, accountId: string): Promise<LogRowDb[]> {
  return all(q, sql<LogRowDb>`SELECT * FROM support_access_log WHERE account_id = ${accountId} ORDER BY log_id DESC`)
}

// --- agents -----------------------------------------------------------------------------------

export async function findActiveAgentByEmail(q: Executor, email: string): Promise<AgentRow | undefined> {
  return one(q, sql<AgentRow>`SELECT * FROM support_agents WHERE email = ${email} AND removed_at IS NULL`)
}

export async function findAgent(q: Executor, agentId: string): Promise<AgentRow | undefined> {
  return one(q, sql<AgentRow>`SELECT * FROM support_agents WHERE agent_id = ${agentId}`)
}

/** Current agents with their last successful sign-in into `accountId`. */
export async function listAgentsWithLastLogin(q: Executor, accountId: string): Promise<AgentListRow[]> {
  return all(
    q,
    sql<AgentListRow>`
      SELECT g.agent_id AS id, g.name, g.email, g.created_at AS "addedAt",
             (SELECT max(time) FROM login_events l WHERE l.account_id = ${accountId} AND l.principal_kind = 'support'
                AND l.result = 'success' AND l.person_id = g.agent_id) AS "lastLoginAt"
      FROM support_agents g WHERE g.removed_at IS NULL ORDER BY lower(g.name), g.email`
  )
}

export async function listActiveAgents(q: Executor): Promise<Array<{ id: string; email: string; name: string; addedAt: number }>> {
  return all(
    q,
    sql<{ id: string; email: string; name: string; addedAt: number }>`
      SELECT agent_id AS id, email, name, created_at AS "addedAt" FROM support_agents WHERE removed_at IS NULL ORDER BY lower(name), email`
  )
}

export async function insertAgent(q: Executor, agent: { id: string; email: string; name: string; passwordHash: string; addedAt: number }): Promise<void> {
  await run(
    q,
    sql`INSERT INTO support_agents (agent_id, account_id, email, name, password_hash, created_at)
        VALUES (${agent.id}, NULL, ${agent.email}, ${agent.name}, ${agent.passwordHash}, ${agent.addedAt})`
  )
}

export async function markAgentRemoved(q: Executor, agentId: string, at: number): Promise<number> {
  return run(q, sql`UPDATE support_agents SET removed_at = ${at} WHERE agent_id = ${agentId} AND removed_at IS NULL`)
}

// --- support sessions (login history) ---------------------------------------------------------

export interface LoginFilters {
  from?: number
  to?: number
  agentId?: string
  after?: { loginAt: number; id: string }
  limit?: number
}

export async function supportLogins(q: Executor, accountId: string, f: LoginFilters): Promise<LoginDbRow[]> {
  const where = [sql`s.account_id = ${accountId}`, sql`s.principal_kind = 'support'`]
  if (f.from !== undefined) where.push(sql`s.started_at >= ${f.from}`)
  if (f.to !== undefined) where.push(sql`s.started_at < ${f.to}`)
  if (f.agentId !== undefined) where.push(sql`s.person_id = ${f.agentId}`)
  if (f.after) where.push(sql`(s.started_at, s.session_id) < (${f.after.loginAt}, ${f.after.id})`)
  return all(
    q,
    sql<LoginDbRow>`
      SELECT s.session_id AS id, s.person_id AS "agentId", g.name AS "agentName", g.email AS "agentEmail", s.started_at AS "loginAt",
             s.ended_at AS "logoutAt", s.end_reason AS "endReason", s.ip, s.device
      FROM sessions s JOIN support_agents g ON g.agent_id = s.person_id
      WHERE ${sql.join(where, sql` AND `)}
      ORDER BY s.started_at DESC, s.session_id DESC ${f.limit ? sql`LIMIT ${f.limit}` : sql``}`
  )
}
