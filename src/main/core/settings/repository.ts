import type { Executor } from '../store/port'
import { one, run, sql } from '../store/sql'

/** The SQL of Settings → Account (the mail server's is in mail/smtp-repository.ts). */

export interface AccountFacts {
  id: string
  name: string
  plan: 'trial' | 'paid'
  idleTimeoutMinutes: number
  createdAt: number
}

export async function findAccountFacts(q: Executor, accountId: string): Promise<AccountFacts | undefined> {
  const row = await one(
    q,
    sql<AccountFacts>`SELECT account_id AS id, name, plan, idle_timeout_minutes AS "idleTimeoutMinutes", created_at AS "createdAt"
      FROM accounts WHERE account_id = ${accountId}`
  )
  return row && { ...row, idleTimeoutMinutes: Number(row.idleTimeoutMinutes), createdAt: Number(row.createdAt) }
}

export async function findAccountOwner(q: Executor, accountId: string): Promise<{ membershipId: string; name: string; email: string } | undefined> {
  return one(
    q,
    sql<{ membershipId: string; name: string; email: string }>`
      SELECT m.membership_id AS "membershipId", p.name, p.email FROM memberships m JOIN persons p ON p.person_id = m.person_id
      WHERE m.account_id = ${accountId} AND m.role = 'owner'`
  )
}

/** The Owner's edit of the account (only the fields given). */
export async function updateAccount(q: Executor, accountId: string, change: { name?: string; seats?: number; idleTimeoutMinutes?: number }): Promise<void> {
  const sets = []
  if (change.name !== undefined) sets.push(sql`name = ${change.name}`)
  if (change.seats !== undefined) sets.push(sql`seats = ${change.seats}`)
  if (change.idleTimeoutMinutes !== undefined) sets.push(sql`idle_timeout_minutes = ${change.idleTimeoutMinutes}`)
  if (sets.length > 0) await run(q, sql`UPDATE accounts SET ${sql.join(sets, sql`, `)} WHERE account_id = ${accountId}`)
}

/** The two role writes of an ownership transfer (the demotion first: at most one Owner per account). */
export async function setOwnershipRole(q: Executor, membershipId: string, role: 'owner' | 'admin'): Promise<void> {
  await run(q, sql`UPDATE memberships SET role = ${role} WHERE membership_id = ${membershipId}`)
}
