import { DIALECT_SQL } from '../store/dialects'
import type { Dialect, Executor } from '../store/port'
import { all, one, run, sql } from '../store/sql'

/** The SQL of first-run setup and member sign-in (login events: login-events-repository.ts). */

export interface PersonLogin {
  personId: string
  name: string
  email: string
  passwordHash: string | null
}

export async function listAccounts(q: Executor): Promise<Array<{ id: string; name: string }>> {
  return all(q, sql<{ id: string; name: string }>`SELECT account_id AS id, name FROM accounts ORDER BY created_at`)
}

export async function countAccounts(q: Executor): Promise<number> {
  const row = await one(q, sql<{ n: number }>`SELECT count(*) AS n FROM accounts`)
  return Number(row?.n ?? 0)
}

/**
 * Serialise first-run setups across connections (PostgreSQL's pool): hold the ledger's state row,
 * which every setup appends to anyway, until commit; a second setup then sees the first account.
 */
export async function lockForSetup(q: Executor, dialect: Dialect): Promise<void> {
  await one(q, sql`SELECT ledger_id FROM ledger_state WHERE ledger_id = 1${DIALECT_SQL[dialect].forUpdate}`)
}

export async function findPersonByEmail(q: Executor, email: string): Promise<PersonLogin | undefined> {
  return one(
    q,
    sql<PersonLogin>`SELECT person_id AS "personId", name, email, password_hash AS "passwordHash" FROM persons WHERE email = ${email}`
  )
}

/** The membership a person signs in to: an active one first, then the oldest. */
export async function findSignInMembership(q: Executor, personId: string): Promise<{ membershipId: string; status: string } | undefined> {
  return one(
    q,
    sql<{ membershipId: string; status: string }>`
      SELECT membership_id AS "membershipId", status FROM memberships WHERE person_id = ${personId}
      ORDER BY CASE status WHEN 'active' THEN 0 ELSE 1 END, created_at LIMIT 1`
  )
}

export async function insertAccount(q: Executor, account: { accountId: string; name: string; plan: string; seats: number; now: number }): Promise<void> {
  await run(
    q,
    sql`INSERT INTO accounts (account_id, name, plan, seats, created_at)
        VALUES (${account.accountId}, ${account.name}, ${account.plan}, ${account.seats}, ${account.now})`
  )
}

export async function insertPerson(
  q: Executor,
  person: { personId: string; accountId: string; email: string; name: string; passwordHash: string; now: number }
): Promise<void> {
  await run(
    q,
    sql`INSERT INTO persons (person_id, account_id, email, name, password_hash, created_at)
        VALUES (${person.personId}, ${person.accountId}, ${person.email}, ${person.name}, ${person.passwordHash}, ${person.now})`
  )
}

export async function insertOwnerMembership(q: Executor, m: { membershipId: string; accountId: string; personId: string; now: number }): Promise<void> {
  await run(
    q,
    sql`INSERT INTO memberships (membership_id, account_id, person_id, role, status, last_login_at, created_at)
        VALUES (${m.membershipId}, ${m.accountId}, ${m.personId}, 'owner', 'active', ${m.now}, ${m.now})`
  )
}

export async function setLastLogin(q: Executor, membershipId: string, now: number): Promise<void> {
  await run(q, sql`UPDATE memberships SET last_login_at = ${now} WHERE membership_id = ${membershipId}`)
}

/** A person's stored password hash (password re-entry: profile, ownership transfer). */
export async function findPasswordHash(q: Executor, personId: string): Promise<string | null> {
  const row = await one(q, sql<{ hash: string | null }>`SELECT password_hash AS hash FROM persons WHERE person_id = ${personId}`)
  return row?.hash ?? null
}

export async function setPasswordHash(q: Executor, personId: string, hash: string): Promise<void> {
  await run(q, sql`UPDATE persons SET password_hash = ${hash} WHERE person_id = ${personId}`)
}
