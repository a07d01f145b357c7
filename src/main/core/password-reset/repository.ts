import type { Executor } from '../store/port'
import { one, run, sql } from '../store/sql'

/** Every statement of password reset links (only their SHA-256 is stored). */

export interface PasswordResetRow {
  resetId: string
  accountId: string
  membershipId: string
  personId: string
  expiresAt: number
  usedAt: number | null
  replacedAt: number | null
}

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v))

export async function findResetByHash(q: Executor, hash: Buffer): Promise<PasswordResetRow | undefined> {
  const row = await one(
    q,
    sql<PasswordResetRow>`SELECT reset_id AS "resetId", account_id AS "accountId", membership_id AS "membershipId", person_id AS "personId",
        expires_at AS "expiresAt", used_at AS "usedAt", replaced_at AS "replacedAt"
      FROM password_resets WHERE token_hash = ${hash}`
  )
  if (!row) return undefined
  return { ...row, expiresAt: Number(row.expiresAt), usedAt: num(row.usedAt), replacedAt: num(row.replacedAt) }
}

/** Every open link of the person (in any account) stops working: a newer one, or a password just chosen, replaces them. */
export async function replaceOpenResets(q: Executor, personId: string, now: number): Promise<void> {
  await run(q, sql`UPDATE password_resets SET replaced_at = ${now} WHERE person_id = ${personId} AND used_at IS NULL AND replaced_at IS NULL`)
}

export async function insertReset(
  q: Executor,
  row: { resetId: string; accountId: string; membershipId: string; personId: string; hash: Buffer; now: number; createdBy: string | null; expiresAt: number }
): Promise<void> {
  await run(
    q,
    sql`INSERT INTO password_resets (reset_id, account_id, membership_id, person_id, token_hash, created_at, created_by, expires_at)
      VALUES (${row.resetId}, ${row.accountId}, ${row.membershipId}, ${row.personId}, ${row.hash}, ${row.now}, ${row.createdBy}, ${row.expiresAt})`
  )
}

export async function markUsed(q: Executor, resetId: string, now: number): Promise<void> {
  await run(q, sql`UPDATE password_resets SET used_at = ${now} WHERE reset_id = ${resetId}`)
}
