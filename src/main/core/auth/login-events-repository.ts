import type { Executor } from '../store/port'
import { inList, one, run, sql } from '../store/sql'
import { LOGIN_METHODS } from '../../../shared/contract/login-history'

/**
 * The one place that writes login events, and the identity locks the lockout rule keeps beside
 * them. Every sign-in path (members, invitations accepted, support agents) records through here.
 */

export type PrincipalKind = 'member' | 'support'
/**
 * 'reauth': a signed-in member entering their password again before a sensitive change (migration
 * 0007); 'invitation': accepting an invitation (migration 0020). The list lives in the contract.
 */
export type LoginMethod = (typeof LOGIN_METHODS)[number]
export type LoginResult = 'success' | 'failure' | 'locked'

/** One row of login_events, as written. */
export interface LoginEvent {
  /** Null when no account is known (an unknown email). */
  accountId: string | null
  time: number
  /** The person (or, for a support agent, the agent id); null when unknown. */
  personId: string | null
  kind: PrincipalKind
  /** The email typed in. */
  email: string
  method: LoginMethod
  result: LoginResult
  reason: string | null
  ip: string | null
  device: string | null
  /** SSO only: the identity provider the sign-in went through (its label); absent or null otherwise. */
  provider?: string | null
}

/** Write one login event (pass the transaction handle when inside one); returns its id. */
export async function recordLoginEvent(q: Executor, event: LoginEvent): Promise<number> {
  const row = await one(
    q,
    sql<{ id: number }>`
      INSERT INTO login_events (account_id, time, person_id, principal_kind, email_tried, method, result, reason, ip, device, provider)
      VALUES (${event.accountId}, ${event.time}, ${event.personId}, ${event.kind}, ${event.email}, ${event.method}, ${event.result},
              ${event.reason}, ${event.ip}, ${event.device}, ${event.provider ?? null})
      RETURNING login_event_id AS id`
  )
  return Number(row!.id)
}

export interface IdentityLock {
  lockedUntil: number
  setByEvent: number
}

/** The lock of an identity key (see lockout.ts `identityKey`), if any. */
export async function findIdentityLock(q: Executor, key: string): Promise<IdentityLock | undefined> {
  const row = await one(
    q,
    sql<{ lockedUntil: number; setByEvent: number }>`
      SELECT locked_until AS "lockedUntil", set_by_event AS "setByEvent" FROM identity_locks WHERE email = ${key}`
  )
  return row ? { lockedUntil: Number(row.lockedUntil), setByEvent: Number(row.setByEvent) } : undefined
}

/**
 * Failures of an identity inside the window, after `after` (the failure that set the last lock)
 * and after its last success; reasons in `notAGuess` never count. `last` is the newest one's id.
 */
export async function countRecentFailures(
  q: Executor,
  filter: { email: string; kind: PrincipalKind; windowStart: number; after: number; notAGuess: readonly string[] }
): Promise<{ n: number; last: number }> {
  const row = await one(
    q,
    sql<{ n: number; last: number | null }>`
      SELECT count(*) AS n, max(login_event_id) AS last FROM login_events
      WHERE email_tried = ${filter.email} AND principal_kind = ${filter.kind} AND result = 'failure'
        AND time > ${filter.windowStart} AND login_event_id > ${filter.after}
        AND coalesce(reason, '') NOT IN ${inList(filter.notAGuess)}
        AND login_event_id > (SELECT coalesce(max(login_event_id), 0) FROM login_events
                              WHERE email_tried = ${filter.email} AND principal_kind = ${filter.kind} AND result = 'success')`
  )
  return { n: Number(row?.n ?? 0), last: Number(row?.last ?? 0) }
}

/** Set (or move) the lock of an identity key. */
export async function upsertIdentityLock(q: Executor, key: string, accountId: string | null, lockedUntil: number, setByEvent: number): Promise<void> {
  await run(
    q,
    sql`
      INSERT INTO identity_locks (email, account_id, locked_until, set_by_event) VALUES (${key}, ${accountId}, ${lockedUntil}, ${setByEvent})
      ON CONFLICT (email) DO UPDATE SET locked_until = excluded.locked_until, account_id = excluded.account_id, set_by_event = excluded.set_by_event`
  )
}

/** Clear the lock of an identity key. */
export async function clearIdentityLock(q: Executor, key: string): Promise<void> {
  await run(q, sql`DELETE FROM identity_locks WHERE email = ${key}`)
}

/** Write many login events at once (the demo seeder's bulk history): multi-row inserts of a few hundred rows. */
export async function recordLoginEvents(q: Executor, events: readonly LoginEvent[]): Promise<void> {
  for (let i = 0; i < events.length; i += 500) {
    const rows = events.slice(i, i + 500).map(
      (e) => sql`(${e.accountId}, ${e.time}, ${e.personId}, ${e.kind}, ${e.email}, ${e.method}, ${e.result}, ${e.reason}, ${e.ip}, ${e.device})`
    )
    await run(
      q,
      sql`INSERT INTO login_events (account_id, time, person_id, principal_kind, email_tried, method, result, reason, ip, device) VALUES ${sql.join(rows)}`
    )
  }
}
