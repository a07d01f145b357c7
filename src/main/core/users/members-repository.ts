import type { AgentPermission, AssignableRole, TeamRef } from '../../../shared/contract/users'
import type { Role } from '../../../shared/permissions'
import type { Executor } from '../store/port'
import { all, inList, one, run, sql } from '../store/sql'

/** One membership with its person, as stored. */
export interface MemberRecord {
  membershipId: string
  personId: string
  accountId: string
  name: string
  email: string
  role: Role
  status: 'active' | 'invited' | 'deactivated'
  inviteExpiresAt: number | null
  lastLoginAt: number
  createdAt: number
  deactivatedAt: number | null
  avatar: string | null
}

const MEMBER_COLUMNS = sql`m.membership_id AS "membershipId", m.person_id AS "personId", m.account_id AS "accountId", p.name, p.email,
  m.role, m.status, m.invite_expires_at AS "inviteExpiresAt", m.last_login_at AS "lastLoginAt", m.created_at AS "createdAt",
  m.deactivated_at AS "deactivatedAt", p.avatar`

export async function findMemberRow(q: Executor, accountId: string, membershipId: string): Promise<MemberRecord | undefined> {
  const row = await one(
    q,
    sql<MemberRecord>`SELECT ${MEMBER_COLUMNS} FROM memberships m JOIN persons p ON p.person_id = m.person_id
      WHERE m.account_id = ${accountId} AND m.membership_id = ${membershipId}`
  )
  return row
}

/**
 * Holds the account's row until the transaction ends, so that transactions that check the free
 * seats and then take some (invitations, reactivations, an import) or change the seats run one
 * after the other: PostgreSQL's default isolation would let two of them read the same free seats.
 * A no-op UPDATE locks the row on either store (SQLite's one writer already runs them in turn).
 */
export async function lockAccountSeats(q: Executor, accountId: string): Promise<void> {
  await run(q, sql`UPDATE accounts SET seats = seats WHERE account_id = ${accountId}`)
}

/** Membership ids bound in one statement (findMemberRows). */
export const MEMBER_IDS_PER_STATEMENT = 5_000

export async function findMemberRows(q: Executor, accountId: string, membershipIds: readonly string[]): Promise<MemberRecord[]> {
  const found: MemberRecord[] = []
  // In chunks: a statement binds at most 32,766 values on SQLite (65,535 on PostgreSQL), and a bulk
  // change ("Select all N matching") takes up to 50,000 people.
  for (let i = 0; i < membershipIds.length; i += MEMBER_IDS_PER_STATEMENT) {
    found.push(
      ...(await all(
        q,
        sql<MemberRecord>`SELECT ${MEMBER_COLUMNS} FROM memberships m JOIN persons p ON p.person_id = m.person_id
          WHERE m.account_id = ${accountId} AND m.membership_id IN ${inList(membershipIds.slice(i, i + MEMBER_IDS_PER_STATEMENT))}`
      ))
    )
  }
  return found
}

/** Teams of one membership, by name. */
export async function teamsOfMember(q: Executor, membershipId: string): Promise<TeamRef[]> {
  return all(
    q,
    sql<TeamRef>`SELECT t.team_id AS id, t.name FROM team_members tm JOIN teams t ON t.team_id = tm.team_id
      WHERE tm.membership_id = ${membershipId} ORDER BY t.name`
  )
}

/** Agent custom permissions of one membership, sorted. */
export async function permissionsOfMember(q: Executor, membershipId: string): Promise<AgentPermission[]> {
  const rows = await all(q, sql<{ permission: AgentPermission }>`SELECT permission FROM member_permissions WHERE membership_id = ${membershipId} ORDER BY permission`)
  return rows.map((r) => r.permission)
}

/** Trigger-kept totals per stored status. */
/** The current (open, latest) invitation of a membership. */
export async function currentInvitationOf(
  q: Executor,
  membershipId: string
): Promise<{ sentAt: number; expiresAt: number; invitedBy: string | null } | undefined> {
  const row = await one(
    q,
    sql<{ sentAt: number; expiresAt: number; invitedBy: string | null }>`SELECT i.created_at AS "sentAt", i.expires_at AS "expiresAt", p.name AS "invitedBy"
      FROM invitations i LEFT JOIN persons p ON p.person_id = i.created_by
      WHERE i.membership_id = ${membershipId} AND i.used_at IS NULL AND i.revoked_at IS NULL AND i.replaced_at IS NULL
      ORDER BY i.created_at DESC LIMIT 1`
  )
  return row && { sentAt: Number(row.sentAt), expiresAt: Number(row.expiresAt), invitedBy: row.invitedBy }
}

// --- writes (users management) ---------------------------------------------------------------

export async function setMemberRole(q: Executor, membershipId: string, role: AssignableRole): Promise<void> {
  await run(q, sql`UPDATE memberships SET role = ${role} WHERE membership_id = ${membershipId}`)
}

export async function setMemberStatus(q: Executor, membershipId: string, status: 'active' | 'deactivated', deactivatedAt: number | null): Promise<void> {
  await run(q, sql`UPDATE memberships SET status = ${status}, deactivated_at = ${deactivatedAt} WHERE membership_id = ${membershipId}`)
}

export async function setPersonName(q: Executor, personId: string, name: string): Promise<void> {
  await run(q, sql`UPDATE persons SET name = ${name} WHERE person_id = ${personId}`)
}

export async function setPersonAvatar(q: Executor, personId: string, avatar: string | null): Promise<void> {
  await run(q, sql`UPDATE persons SET avatar = ${avatar} WHERE person_id = ${personId}`)
}

export async function addMemberPermission(q: Executor, accountId: string, membershipId: string, permission: AgentPermission, now: number): Promise<void> {
  await run(
    q,
    sql`INSERT INTO member_permissions (account_id, membership_id, permission, granted_at) VALUES (${accountId}, ${membershipId}, ${permission}, ${now})
      ON CONFLICT DO NOTHING`
  )
}

export async function removeMemberPermission(q: Executor, membershipId: string, permission: AgentPermission): Promise<void> {
  await run(q, sql`DELETE FROM member_permissions WHERE membership_id = ${membershipId} AND permission = ${permission}`)
}

// --- export ------------------------------------------------------------------------------------

/** Every member of an account, by email, for the CSV export. */
export async function exportMembers(q: Executor, accountId: string): Promise<MemberRecord[]> {
  return all(
    q,
    sql<MemberRecord>`SELECT ${MEMBER_COLUMNS} FROM memberships m JOIN persons p ON p.person_id = m.person_id
      WHERE m.account_id = ${accountId} ORDER BY p.email`
  )
}

/** Team names of every member of an account (in name order), for the CSV export. */
export async function teamNamesByMember(q: Executor, accountId: string): Promise<Map<string, string[]>> {
  const rows = await all(
    q,
    sql<{ id: string; name: string }>`SELECT tm.membership_id AS id, t.name FROM team_members tm JOIN teams t ON t.team_id = tm.team_id
      WHERE tm.account_id = ${accountId} ORDER BY tm.membership_id, t.name`
  )
  const out = new Map<string, string[]>()
  for (const row of rows) {
    const list = out.get(row.id)
    if (list) list.push(row.name)
    else out.set(row.id, [row.name])
  }
  return out
}
