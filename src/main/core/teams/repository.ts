import type { Executor } from '../store/port'
import { all, inList, one, run, sql } from '../store/sql'

export interface TeamRecord {
  id: string
  name: string
  description: string
  createdAt: number
}

export interface TeamListRow extends TeamRecord {
  memberCount: number
}

const TEAM_COLUMNS = sql`team_id AS id, name, description, created_at AS "createdAt"`

export async function findTeam(q: Executor, accountId: string, teamId: string): Promise<TeamRecord | undefined> {
  return one(q, sql<TeamRecord>`SELECT ${TEAM_COLUMNS} FROM teams WHERE account_id = ${accountId} AND team_id = ${teamId}`)
}

/** Teams of an account among `teamIds`, by name. */
export async function findTeams(q: Executor, accountId: string, teamIds: readonly string[]): Promise<TeamRecord[]> {
  if (teamIds.length === 0) return []
  return all(q, sql<TeamRecord>`SELECT ${TEAM_COLUMNS} FROM teams WHERE account_id = ${accountId} AND team_id IN ${inList(teamIds)} ORDER BY name`)
}

/** Case-insensitive (NOCASE on SQLite, CITEXT on PostgreSQL). */
export async function findTeamByName(q: Executor, accountId: string, name: string): Promise<TeamRecord | undefined> {
  return one(q, sql<TeamRecord>`SELECT ${TEAM_COLUMNS} FROM teams WHERE account_id = ${accountId} AND name = ${name}`)
}

/** Every team of an account (the CSV import matches team names against them). */
export async function allTeams(q: Executor, accountId: string): Promise<TeamRecord[]> {
  return all(q, sql<TeamRecord>`SELECT ${TEAM_COLUMNS} FROM teams WHERE account_id = ${accountId} ORDER BY name`)
}

/** Every team of an account with its (trigger-kept) member count, by name. */
export async function listTeams(q: Executor, accountId: string): Promise<TeamListRow[]> {
  const rows = await all(
    q,
    sql<TeamListRow>`SELECT team_id AS id, name, description, created_at AS "createdAt", member_count AS "memberCount"
      FROM teams WHERE account_id = ${accountId} ORDER BY name`
  )
  return rows.map((r) => ({ ...r, memberCount: Number(r.memberCount) }))
}

export async function teamMemberCount(q: Executor, teamId: string): Promise<number> {
  const row = await one(q, sql<{ n: number }>`SELECT member_count AS n FROM teams WHERE team_id = ${teamId}`)
  return Number(row?.n ?? 0)
}

export async function insertTeam(q: Executor, accountId: string, team: TeamRecord): Promise<void> {
  await run(
    q,
    sql`INSERT INTO teams (team_id, account_id, name, description, created_at) VALUES (${team.id}, ${accountId}, ${team.name}, ${team.description}, ${team.createdAt})`
  )
}

export async function updateTeam(q: Executor, teamId: string, name: string, description: string): Promise<void> {
  await run(q, sql`UPDATE teams SET name = ${name}, description = ${description} WHERE team_id = ${teamId}`)
}

export async function deleteTeam(q: Executor, teamId: string): Promise<void> {
  await run(q, sql`DELETE FROM teams WHERE team_id = ${teamId}`)
}

/**
 * THE one place that writes team membership (teams, users, CSV import, invitations all call it).
 * Returns true when the person was added, false when they were already in the team.
 */
export async function addTeamMember(q: Executor, accountId: string, teamId: string, membershipId: string, personId: string, now: number): Promise<boolean> {
  const changed = await run(
    q,
    sql`INSERT INTO team_members (account_id, team_id, membership_id, person_id, added_at) VALUES (${accountId}, ${teamId}, ${membershipId}, ${personId}, ${now})
      ON CONFLICT DO NOTHING`
  )
  return changed > 0
}

/** Returns true when the person was in the team and was removed. */
export async function removeTeamMember(q: Executor, teamId: string, membershipId: string): Promise<boolean> {
  return (await run(q, sql`DELETE FROM team_members WHERE team_id = ${teamId} AND membership_id = ${membershipId}`)) > 0
}

export interface TeamMemberRow {
  accountId: string
  teamId: string
  membershipId: string
  personId: string
  now: number
}

/** Many memberships at once (the demo seeder): multi-row inserts of a few hundred rows; already-members are skipped. */
export async function addTeamMembers(q: Executor, rows: readonly TeamMemberRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 500) {
    const values = rows.slice(i, i + 500).map((r) => sql`(${r.accountId}, ${r.teamId}, ${r.membershipId}, ${r.personId}, ${r.now})`)
    await run(q, sql`INSERT INTO team_members (account_id, team_id, membership_id, person_id, added_at) VALUES ${sql.join(values)} ON CONFLICT DO NOTHING`)
  }
}
