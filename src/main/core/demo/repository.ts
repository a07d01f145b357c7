import { createHash } from 'node:crypto'
import { INVITATION_VALID_DAYS } from '../../../shared/contract/users'
import type { Role } from '../../../shared/permissions'
import type { Executor } from '../store/port'
import { one, run, sql } from '../store/sql'

/** The demo seeder's own statements: its reads of the first account, and bulk inserts of people. */

/** Rows per INSERT statement (well under both stores' parameter limits). */
const ROWS_PER_STATEMENT = 500

export async function firstAccount(q: Executor): Promise<{ accountId: string; name: string } | undefined> {
  return one(q, sql<{ accountId: string; name: string }>`SELECT account_id AS "accountId", name FROM accounts ORDER BY created_at LIMIT 1`)
}

export async function ownerOf(q: Executor, accountId: string): Promise<{ personId: string; name: string; email: string } | undefined> {
  return one(
    q,
    sql<{ personId: string; name: string; email: string }>`
      SELECT p.person_id AS "personId", p.name, p.email FROM memberships m JOIN persons p ON p.person_id = m.person_id
      WHERE m.account_id = ${accountId} AND m.role = 'owner'`
  )
}

export async function countPersons(q: Executor): Promise<number> {
  return Number((await one(q, sql<{ n: number }>`SELECT count(*) AS n FROM persons`))?.n ?? 0)
}

export interface DemoPersonRow {
  personId: string
  membershipId: string
  accountId: string
  email: string
  name: string
  role: Role
  status: 'active' | 'invited' | 'deactivated'
  inviteExpiresAt: number | null
  lastLoginAt: number
  createdAt: number
  /** Who sent an invited person's invitation (a person id). */
  invitedBy: string | null
}

/** A demo invitation's stored token hash: nobody holds its link (it went out by email long ago); a resend makes a new one. */
function demoTokenHash(membershipId: string): Buffer {
  return createHash('sha256').update(`gatehouse demo invitation ${membershipId}`).digest()
}

/** People and their memberships of the account, a few hundred rows per statement. */
export async function insertDemoPeople(q: Executor, rows: readonly DemoPersonRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
    const chunk = rows.slice(i, i + ROWS_PER_STATEMENT)
    await run(
      q,
      sql`INSERT INTO persons (person_id, account_id, email, name, password_hash, created_at) VALUES ${sql.join(
        chunk.map((r) => sql`(${r.personId}, ${r.accountId}, ${r.email}, ${r.name}, NULL, ${r.createdAt})`)
      )}`
    )
    await run(
      q,
      sql`INSERT INTO memberships (membership_id, account_id, person_id, role, status, invite_expires_at, last_login_at, created_at) VALUES ${sql.join(
        chunk.map((r) => sql`(${r.membershipId}, ${r.accountId}, ${r.personId}, ${r.role}, ${r.status}, ${r.inviteExpiresAt}, ${r.lastLoginAt}, ${r.createdAt})`)
      )}`
    )
    // Invited people have the invitation they were sent, as people invited on screen do: the panel
    // shows it, and Resend and Revoke work on it.
    const invited = chunk.filter((r) => r.status === 'invited' && r.inviteExpiresAt !== null)
    if (invited.length === 0) continue
    await run(
      q,
      sql`INSERT INTO invitations (invitation_id, account_id, membership_id, email, token_hash, created_at, created_by, expires_at) VALUES ${sql.join(
        invited.map(
          (r) =>
            sql`(${`inv-${r.membershipId}`}, ${r.accountId}, ${r.membershipId}, ${r.email}, ${demoTokenHash(r.membershipId)}, ${r.inviteExpiresAt! - INVITATION_VALID_DAYS * 86_400_000}, ${r.invitedBy}, ${r.inviteExpiresAt})`
        )
      )}`
    )
  }
}

/** A real account this size has bought the seats its people use. */
export async function growSeatsToUse(q: Executor, accountId: string): Promise<void> {
  await run(
    q,
    sql`UPDATE accounts SET seats = (SELECT CASE WHEN count(*) > accounts.seats THEN count(*) ELSE accounts.seats END
          FROM memberships m WHERE m.account_id = accounts.account_id AND m.status IN ('active', 'invited'))
        WHERE account_id = ${accountId}`
  )
}
