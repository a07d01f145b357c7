import type { ActiveSession } from '../context'
import type { ConnectionMeta } from '../host'
import type { Executor } from '../store/port'
import { run, sql } from '../store/sql'

/** The session records (login history); live sessions themselves are the core's, in memory. */
export async function insertSession(q: Executor, session: ActiveSession, meta: ConnectionMeta): Promise<void> {
  await run(
    q,
    sql`INSERT INTO sessions (session_id, account_id, principal_kind, person_id, started_at, last_seen_at, ip, device)
        VALUES (${session.sessionId}, ${session.accountId}, ${session.kind}, ${session.personId}, ${session.startedAt}, ${session.lastSeenAt}, ${meta.ip}, ${meta.device})`
  )
}

export async function recordSessionEnd(q: Executor, session: ActiveSession, reason: string, at: number): Promise<void> {
  await run(
    q,
    sql`UPDATE sessions SET ended_at = ${at}, last_seen_at = ${session.lastSeenAt}, end_reason = ${reason}
        WHERE session_id = ${session.sessionId} AND ended_at IS NULL`
  )
}

/** Sessions cannot outlive the process that held them: close what a previous run left open. */
export async function closeLeftOpenSessions(q: Executor): Promise<void> {
  await run(q, sql`UPDATE sessions SET ended_at = last_seen_at, end_reason = 'core-stopped' WHERE ended_at IS NULL`)
}
