import type { AgentPermission, AssignableRole } from '../../../shared/contract/users'
import type { Executor } from '../store/port'
import { all, inList, one, run, sql } from '../store/sql'

/** Every statement of the invitations feature: links (only their SHA-256), and the invitee's person and membership. */

export interface InvitationRow {
  invitationId: string
  accountId: string
  membershipId: string | null
  email: string
  expiresAt: number
  usedAt: number | null
  revokedAt: number | null
  replacedAt: number | null
}

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v))

/** The link with this token hash, in whatever state it is. */
export async function findInvitationByHash(q: Executor, hash: Buffer): Promise<InvitationRow | undefined> {
  const row = await one(
    q,
    sql<InvitationRow>`
      SELECT invitation_id AS "invitationId", account_id AS "accountId", membership_id AS "membershipId", email, expires_at AS "expiresAt",
             used_at AS "usedAt", revoked_at AS "revokedAt", replaced_at AS "replacedAt"
      FROM invitations WHERE token_hash = ${hash}`
  )
  if (!row) return undefined
  return { ...row, expiresAt: Number(row.expiresAt), usedAt: num(row.usedAt), revokedAt: num(row.revokedAt), replacedAt: num(row.replacedAt) }
}

/** The person with this email (compared ignoring case) and their membership of the account, if any: one indexed read. */
export async function lookupEmail(
  q: Executor,
  accountId: string,
  email: string
): Promise<{ personId: string; membershipId: string | null; status: string | null } | undefined> {
  return one(
    q,
    sql<{ personId: string; membershipId: string | null; status: string | null }>`
      SELECT p.person_id AS "personId", m.membership_id AS "membershipId", m.status
      FROM persons p LEFT JOIN memberships m ON m.person_id = p.person_id AND m.account_id = ${accountId} WHERE p.email = ${email}`
  )
}

/** `lookupEmail` for many emails at once, a few hundred per statement: rows keyed by the email as stored. */
export async function lookupEmails(
  q: Executor,
  accountId: string,
  emails: readonly string[]
): Promise<Array<{ email: string; personId: string; membershipId: string | null; status: string | null }>> {
  const found: Array<{ email: string; personId: string; membershipId: string | null; status: string | null }> = []
  for (let i = 0; i < emails.length; i += 500) {
    found.push(
      ...(await all(
        q,
        sql<{ email: string; personId: string; membershipId: string | null; status: string | null }>`
          SELECT p.email, p.person_id AS "personId", m.membership_id AS "membershipId", m.status
          FROM persons p LEFT JOIN memberships m ON m.person_id = p.person_id AND m.account_id = ${accountId}
          WHERE p.email IN ${inList(emails.slice(i, i + 500))}`
      ))
    )
  }
  return found
}

export async function findPersonIdByEmail(q: Executor, email: string): Promise<string | null> {
  return (await one(q, sql<{ personId: string }>`SELECT person_id AS "personId" FROM persons WHERE email = ${email}`))?.personId ?? null
}

/** Name and password hash of the person with this email (what the acceptance form needs). */
export async function findPersonByEmail(q: Executor, email: string): Promise<{ name: string; hash: string | null } | undefined> {
  return one(q, sql<{ name: string; hash: string | null }>`SELECT name, password_hash AS hash FROM persons WHERE email = ${email}`)
}

export async function findPasswordHash(q: Executor, personId: string): Promise<string | null> {
  return (await one(q, sql<{ hash: string | null }>`SELECT password_hash AS hash FROM persons WHERE person_id = ${personId}`))?.hash ?? null
}

export async function accountName(q: Executor, accountId: string): Promise<string | undefined> {
  return (await one(q, sql<{ name: string }>`SELECT name FROM accounts WHERE account_id = ${accountId}`))?.name
}

/** A person created for an invitation: no password until they accept. */
export async function insertInvitedPerson(q: Executor, p: { personId: string; accountId: string; email: string; name: string; now: number }): Promise<void> {
  await run(
    q,
    sql`INSERT INTO persons (person_id, account_id, email, name, password_hash, created_at) VALUES (${p.personId}, ${p.accountId}, ${p.email}, ${p.name}, NULL, ${p.now})`
  )
}

export async function insertInvitedMembership(
  q: Executor,
  m: { membershipId: string; accountId: string; personId: string; role: AssignableRole | 'owner'; expiresAt: number; now: number }
): Promise<void> {
  await run(
    q,
    sql`INSERT INTO memberships (membership_id, account_id, person_id, role, status, invite_expires_at, created_at)
        VALUES (${m.membershipId}, ${m.accountId}, ${m.personId}, ${m.role}, 'invited', ${m.expiresAt}, ${m.now})`
  )
}

/** The agent permissions an invitation grants with its membership. */
export async function insertPermissions(q: Executor, accountId: string, membershipId: string, permissions: readonly AgentPermission[], now: number): Promise<void> {
  if (permissions.length === 0) return
  await run(
    q,
    sql`INSERT INTO member_permissions (account_id, membership_id, permission, granted_at)
        VALUES ${sql.join(permissions.map((p) => sql`(${accountId}, ${membershipId}, ${p}, ${now})`))}
        ON CONFLICT DO NOTHING`
  )
}

export async function insertInvitation(
  q: Executor,
  i: { invitationId: string; accountId: string; membershipId: string; email: string; hash: Buffer; now: number; createdBy: string | null; expiresAt: number }
): Promise<void> {
  await run(
    q,
    sql`INSERT INTO invitations (invitation_id, account_id, membership_id, email, token_hash, created_at, created_by, expires_at)
        VALUES (${i.invitationId}, ${i.accountId}, ${i.membershipId}, ${i.email}, ${i.hash}, ${i.now}, ${i.createdBy}, ${i.expiresAt})`
  )
}

/** Every open link of a membership stops working (a resend). */
export async function replaceOpenInvitations(q: Executor, membershipId: string, now: number): Promise<void> {
  await run(
    q,
    sql`UPDATE invitations SET replaced_at = ${now}
        WHERE membership_id = ${membershipId} AND used_at IS NULL AND revoked_at IS NULL AND replaced_at IS NULL`
  )
}

export async function setInviteExpiry(q: Executor, membershipId: string, expiresAt: number): Promise<void> {
  await run(q, sql`UPDATE memberships SET invite_expires_at = ${expiresAt} WHERE membership_id = ${membershipId}`)
}

/** Revoke: the links stop working, the membership goes, and so does a person created only for it. */
export async function revokeInvitedMembership(q: Executor, membershipId: string, personId: string, now: number): Promise<void> {
  await run(q, sql`UPDATE invitations SET revoked_at = ${now} WHERE membership_id = ${membershipId} AND used_at IS NULL AND revoked_at IS NULL`)
  await run(q, sql`DELETE FROM memberships WHERE membership_id = ${membershipId}`)
  // A person created only for this invitation (no password, no other account) goes too.
  await run(
    q,
    sql`DELETE FROM persons WHERE person_id = ${personId} AND password_hash IS NULL
        AND NOT EXISTS (SELECT 1 FROM memberships WHERE person_id = ${personId})`
  )
}

/** Acceptance: the person's name and password (when they chose one), the membership active, the link used. */
export async function markAccepted(
  q: Executor,
  a: { personId: string; membershipId: string; invitationId: string; name: string; passwordHash: string | null; now: number }
): Promise<void> {
  if (a.passwordHash) await run(q, sql`UPDATE persons SET name = ${a.name}, password_hash = ${a.passwordHash} WHERE person_id = ${a.personId}`)
  await run(
    q,
    sql`UPDATE memberships SET status = 'active', invite_expires_at = NULL, last_login_at = ${a.now} WHERE membership_id = ${a.membershipId}`
  )
  await run(q, sql`UPDATE invitations SET used_at = ${a.now} WHERE invitation_id = ${a.invitationId}`)
}
