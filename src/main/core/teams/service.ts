import { AppError } from '../../../shared/contract/result'
import type { TeamDto } from '../../../shared/contract/teams'
import type { AuditEntry } from '../audit/ledger'
import type { Core } from '../core'
import type { CallContext } from '../context'
import { auditBase, memberTarget, membersOf, type MemberRecord } from '../users/members'

export interface TeamRecord {
  id: string
  name: string
  description: string
  createdAt: number
}

/** Team rows and memberships; every write returns the audit entries its caller appends in the same transaction. */
export class Teams {
  private readonly byId
  private readonly byIds
  private readonly byName
  private readonly memberCount
  private readonly insertMember
  private readonly deleteMember

  constructor(private readonly core: Core) {
    const db = core.db
    this.byId = db.prepare('SELECT team_id AS id, name, description, created_at AS createdAt FROM teams WHERE account_id = ? AND team_id = ?')
    this.byIds = db.prepare(
      'SELECT team_id AS id, name, description, created_at AS createdAt FROM teams WHERE account_id = ? AND team_id IN (SELECT value FROM json_each(?)) ORDER BY name'
    )
    this.byName = db.prepare('SELECT team_id AS id, name, description, created_at AS createdAt FROM teams WHERE account_id = ? AND name = ?')
    this.memberCount = db.prepare('SELECT member_count AS n FROM teams WHERE team_id = ?')
    this.insertMember = db.prepare('INSERT OR IGNORE INTO team_members (account_id, team_id, membership_id, person_id, added_at) VALUES (?, ?, ?, ?, ?)')
    this.deleteMember = db.prepare('DELETE FROM team_members WHERE team_id = ? AND membership_id = ?')
  }

  get(accountId: string, teamId: string): TeamRecord {
    const team = this.byId.get(accountId, teamId) as TeamRecord | undefined
    if (!team) throw new AppError('NOT_FOUND', 'This team does not exist (any more).', { teamId })
    return team
  }

  getMany(accountId: string, teamIds: readonly string[]): TeamRecord[] {
    const unique = [...new Set(teamIds)]
    if (unique.length === 0) return []
    const rows = this.byIds.all(accountId, JSON.stringify(unique)) as TeamRecord[]
    if (rows.length !== unique.length) {
      throw new AppError('NOT_FOUND', 'One of the chosen teams does not exist (any more); nothing was changed.', {
        missing: unique.filter((id) => !rows.some((r) => r.id === id))
      })
    }
    return rows
  }

  /** Case-insensitive (the column is NOCASE). */
  findByName(accountId: string, name: string): TeamRecord | undefined {
    return this.byName.get(accountId, name) as TeamRecord | undefined
  }

  dto(team: TeamRecord): TeamDto {
    return { ...team, memberCount: (this.memberCount.get(team.id) as { n: number }).n }
  }

  /**
   * Put `members` in `team` (inside the caller's transaction). Returns the per-person audit entries
   * for those who were not in it yet.
   */
  addMembers(ctx: CallContext, team: TeamRecord, members: readonly MemberRecord[]): AuditEntry[] {
    const entries: AuditEntry[] = []
    const base = auditBase(ctx)
    const people = membersOf(this.core)
    for (const member of members) {
      const before = people.teamsOf(member.membershipId).map((t) => t.name)
      if (this.insertMember.run(base.accountId, team.id, member.membershipId, member.personId, ctx.now).changes === 0) continue
      entries.push({
        ...base,
        action: 'member.team-added',
        summary: `${base.actor.name} added ${member.name || member.email} to the team ${team.name}.`,
        target: memberTarget(member),
        before: { teams: before },
        after: { teams: [...before, team.name].sort((a, b) => a.localeCompare(b)) }
      })
    }
    return entries
  }

  removeMembers(ctx: CallContext, team: TeamRecord, members: readonly MemberRecord[]): AuditEntry[] {
    const entries: AuditEntry[] = []
    const base = auditBase(ctx)
    const people = membersOf(this.core)
    for (const member of members) {
      const before = people.teamsOf(member.membershipId).map((t) => t.name)
      if (this.deleteMember.run(team.id, member.membershipId).changes === 0) continue
      entries.push({
        ...base,
        action: 'member.team-removed',
        summary: `${base.actor.name} removed ${member.name || member.email} from the team ${team.name}.`,
        target: memberTarget(member),
        before: { teams: before },
        after: { teams: before.filter((n) => n !== team.name) }
      })
    }
    return entries
  }
}

const teamsByCore = new WeakMap<Core, Teams>()

export function teamsOf(core: Core): Teams {
  let teams = teamsByCore.get(core)
  if (!teams) teamsByCore.set(core, (teams = new Teams(core)))
  return teams
}
