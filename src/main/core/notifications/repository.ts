import type { NotificationKind } from '../../../shared/contract/notifications'
import type { Role } from '../../../shared/permissions'
import type { Executor } from '../store/port'
import { all, one, run, sql } from '../store/sql'

/** The kinds a person turned off or on again (kinds without a row are on). */
export async function storedPreferences(q: Executor, personId: string): Promise<Map<NotificationKind, boolean>> {
  const rows = await all(q, sql<{ kind: NotificationKind; enabled: number }>`SELECT kind, enabled FROM notification_preferences WHERE person_id = ${personId}`)
  return new Map(rows.map((r) => [r.kind, Number(r.enabled) === 1]))
}

export async function savePreference(q: Executor, row: { accountId: string; personId: string; kind: NotificationKind; enabled: boolean; now: number }): Promise<void> {
  await run(
    q,
    sql`INSERT INTO notification_preferences (account_id, person_id, kind, enabled, updated_at)
      VALUES (${row.accountId}, ${row.personId}, ${row.kind}, ${row.enabled ? 1 : 0}, ${row.now})
      ON CONFLICT (person_id, kind) DO UPDATE SET enabled = excluded.enabled, updated_at = excluded.updated_at`
  )
}

/** A person who may get a notification: their address, role in the account and whether they are active. */
export interface Recipient {
  personId: string
  name: string
  email: string
  role: Role
  status: 'active' | 'invited' | 'deactivated'
}

export async function recipientByPerson(q: Executor, accountId: string, personId: string): Promise<Recipient | undefined> {
  return one(
    q,
    sql<Recipient>`SELECT p.person_id AS "personId", p.name, p.email, m.role, m.status FROM persons p
      JOIN memberships m ON m.person_id = p.person_id AND m.account_id = ${accountId} WHERE p.person_id = ${personId}`
  )
}

export async function accountOwner(q: Executor, accountId: string): Promise<Recipient | undefined> {
  return one(
    q,
    sql<Recipient>`SELECT p.person_id AS "personId", p.name, p.email, m.role, m.status FROM memberships m
      JOIN persons p ON p.person_id = m.person_id WHERE m.account_id = ${accountId} AND m.role = 'owner'`
  )
}

export async function accountName(q: Executor, accountId: string): Promise<string | undefined> {
  return (await one(q, sql<{ name: string }>`SELECT name FROM accounts WHERE account_id = ${accountId}`))?.name
}
