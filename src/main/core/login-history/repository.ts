import type { RawBuilder } from 'kysely'
import type { Executor } from '../store/port'
import { all, inList, one, sql } from '../store/sql'
import type { Role } from '../../../shared/permissions'
import type { LoginMethodName, LoginResultName } from '../../../shared/contract/login-history'

const n = (v: number | string | null) => (v === null ? null : Number(v))

/** Successful sign-ins of a person per hour in [from, to) (the 30-day chart bins them by the viewer's day). */
export async function signInsPerHour(q: Executor, accountId: string, personId: string, from: number, to: number): Promise<Array<{ hour: number; signIns: number }>> {
  const rows = await all(
    q,
    sql<{ hour: number; n: number }>`SELECT time / 3600000 AS hour, count(*) AS n FROM login_events
      WHERE account_id = ${accountId} AND person_id = ${personId} AND time >= ${from} AND time < ${to} AND result = 'success' AND method <> 'reauth'
      GROUP BY 1 ORDER BY 1`
  )
  return rows.map((r) => ({ hour: Number(r.hour), signIns: Number(r.n) }))
}

/** The last successful sign-in, and the failed attempts since `since`. */
export async function loginFacts(q: Executor, accountId: string, personId: string, since: number): Promise<{ lastLogin: number | null; failedSince: number }> {
  const rows = await all(
    q,
    sql<{ last: number | null; failed: number }>`SELECT
      (SELECT max(time) FROM login_events WHERE account_id = ${accountId} AND person_id = ${personId} AND result = 'success' AND method <> 'reauth') AS last,
      (SELECT count(*) FROM login_events WHERE account_id = ${accountId} AND person_id = ${personId} AND time >= ${since} AND result <> 'success') AS failed`
  )
  return { lastLogin: n(rows[0]?.last ?? null), failedSince: Number(rows[0]?.failed ?? 0) }
}

/** Addresses or devices a person signed in from: first and last seen and how often, the most recent first. */
export async function seenFrom(q: Executor, accountId: string, personId: string, column: 'ip' | 'device', limit: number): Promise<Array<{ value: string; firstSeen: number; lastSeen: number; signIns: number }>> {
  const c = sql.ref(column)
  const rows = await all(
    q,
    sql<{ value: string; first: number; last: number; n: number }>`SELECT ${c} AS value, min(time) AS first, max(time) AS last, count(*) AS n FROM login_events
      WHERE account_id = ${accountId} AND person_id = ${personId} AND result = 'success' AND ${c} IS NOT NULL
      GROUP BY ${c} ORDER BY max(time) DESC LIMIT ${limit}`
  )
  return rows.map((r) => ({ value: r.value, firstSeen: Number(r.first), lastSeen: Number(r.last), signIns: Number(r.n) }))
}

/** The latest failed (or refused while locked) attempts of a person. */
export async function latestFailures(q: Executor, accountId: string, personId: string, limit: number) {
  const rows = await all(
    q,
    sql<{ time: number; reason: string | null; method: string; ip: string | null; device: string | null }>`SELECT time, reason, method, ip, device FROM login_events
      WHERE account_id = ${accountId} AND person_id = ${personId} AND result <> 'success' ORDER BY time DESC LIMIT ${limit}`
  )
  return rows.map((r) => ({ ...r, time: Number(r.time) }))
}

/** Where the given live sessions were opened (the session records keep address and device). */
export async function sessionOrigins(q: Executor, sessionIds: readonly string[]): Promise<Map<string, { ip: string | null; device: string | null }>> {
  if (sessionIds.length === 0) return new Map()
  const rows = await all(q, sql<{ id: string; ip: string | null; device: string | null }>`SELECT session_id AS id, ip, device FROM sessions WHERE session_id IN ${inList(sessionIds)}`)
  return new Map(rows.map((r) => [r.id, { ip: r.ip, device: r.device }]))
}

/** The newest login event's id (an unlock counts failures again from after it). */
export async function newestLoginEventId(q: Executor): Promise<number> {
  const rows = await all(q, sql<{ id: number | null }>`SELECT max(login_event_id) AS id FROM login_events`)
  return Number(rows[0]?.id ?? 0)
}

/** The account-wide history's query: the filter with its member resolved to a person, and who may read support agents' attempts. */
export interface LoginQuery {
  accountId: string
  from?: number
  to?: number
  personId?: string
  email?: string
  method?: LoginMethodName
  result?: LoginResultName
  ip?: string
  /** The Owner's: support agents' own attempts included. */
  withSupport: boolean
}

/**
 * The conditions of a query on login_events `e`. A rarer method or a failed result names its partial
 * index's condition (migration 0020) as literal text, the form SQLite needs to use it.
 */
function loginConditions(query: LoginQuery): RawBuilder<unknown>[] {
  const where: RawBuilder<unknown>[] = [sql`e.account_id = ${query.accountId}`]
  if (query.from !== undefined) where.push(sql`e.time >= ${query.from}`)
  if (query.to !== undefined) where.push(sql`e.time < ${query.to}`)
  if (query.personId !== undefined) where.push(sql`e.person_id = ${query.personId} AND e.principal_kind = 'member'`)
  if (query.email !== undefined) where.push(sql`e.email_tried = ${query.email}`)
  if (query.method !== undefined) where.push(query.method === 'password' ? sql`e.method = 'password'` : sql`e.method = ${query.method} AND e.method <> 'password'`)
  if (query.result !== undefined) where.push(query.result === 'success' ? sql`e.result = 'success'` : sql`e.result = ${query.result} AND e.result <> 'success'`)
  if (query.ip !== undefined) where.push(sql`e.ip = ${query.ip}`)
  if (!query.withSupport) where.push(sql`e.principal_kind = 'member'`)
  return where
}

export interface LoginEventRecord {
  id: number
  time: number
  kind: 'member' | 'support'
  membershipId: string | null
  name: string | null
  email: string
  method: LoginMethodName
  provider: string | null
  result: LoginResultName
  reason: string | null
  ip: string | null
  device: string | null
}

/** A page of the account's attempts, newest first by time then id, after `after`. */
export async function listLoginEvents(q: Executor, query: LoginQuery, after: { time: number; id: number } | undefined, limit: number): Promise<LoginEventRecord[]> {
  const where = loginConditions(query)
  // The time bound alone lets an index range start at the cursor; the pair breaks a tie in one ms.
  if (after) where.push(sql`e.time <= ${after.time} AND (e.time < ${after.time} OR e.login_event_id < ${after.id})`)
  const rows = await all(
    q,
    sql<LoginEventRecord>`SELECT e.login_event_id AS id, e.time, e.principal_kind AS kind, m.membership_id AS "membershipId",
        CASE WHEN e.principal_kind = 'member' THEN p.name ELSE a.name END AS name,
        e.email_tried AS email, e.method, e.provider, e.result, e.reason, e.ip, e.device
      FROM login_events e
      LEFT JOIN memberships m ON e.principal_kind = 'member' AND m.account_id = e.account_id AND m.person_id = e.person_id
      LEFT JOIN persons p ON e.principal_kind = 'member' AND p.person_id = e.person_id
      LEFT JOIN support_agents a ON e.principal_kind = 'support' AND a.agent_id = e.person_id
      WHERE ${sql.join(where, sql` AND `)}
      ORDER BY e.time DESC, e.login_event_id DESC LIMIT ${limit}`
  )
  return rows.map((r) => ({ ...r, id: Number(r.id), time: Number(r.time) }))
}

/** How many attempts a query matches. */
export async function countLoginEvents(q: Executor, query: LoginQuery): Promise<number> {
  const row = await one(q, sql<{ n: number | string }>`SELECT count(*) AS n FROM login_events e WHERE ${sql.join(loginConditions(query), sql` AND `)}`)
  return Number(row?.n ?? 0)
}

export interface DormantRecord {
  membershipId: string
  personId: string
  name: string
  email: string
  role: Role
  lastLoginAt: number
  addedAt: number
}

/**
 * Active members whose last sign-in is before `before` (0, never, included), or with `never` only
 * those who never signed in: oldest first, from memberships_last_login (account, last sign-in, person).
 */
export async function dormantMembers(
  q: Executor,
  query: { accountId: string; before: number; never: boolean; after?: { lastLoginAt: number; personId: string }; limit: number }
): Promise<{ rows: DormantRecord[]; total: number }> {
  const where = [sql`m.account_id = ${query.accountId}`, sql`m.status = 'active'`, query.never ? sql`m.last_login_at = 0` : sql`m.last_login_at < ${query.before}`]
  const page = query.after
    ? [...where, sql`m.last_login_at >= ${query.after.lastLoginAt} AND (m.last_login_at > ${query.after.lastLoginAt} OR m.person_id > ${query.after.personId})`]
    : where
  const [rows, total] = await Promise.all([
    all(
      q,
      sql<DormantRecord>`SELECT m.membership_id AS "membershipId", m.person_id AS "personId", p.name, p.email, m.role, m.last_login_at AS "lastLoginAt", m.created_at AS "addedAt"
        FROM memberships m JOIN persons p ON p.person_id = m.person_id
        WHERE ${sql.join(page, sql` AND `)} ORDER BY m.last_login_at, m.person_id LIMIT ${query.limit}`
    ),
    one(q, sql<{ n: number | string }>`SELECT count(*) AS n FROM memberships m WHERE ${sql.join(where, sql` AND `)}`)
  ])
  return { rows: rows.map((r) => ({ ...r, lastLoginAt: Number(r.lastLoginAt), addedAt: Number(r.addedAt) })), total: Number(total?.n ?? 0) }
}
