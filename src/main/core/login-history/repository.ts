import type { Executor } from '../store/port'
import { all, inList, sql } from '../store/sql'

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
