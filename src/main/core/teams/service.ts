import { AppError } from '../../../shared/contract/result'
import type { TeamDto } from '../../../shared/contract/teams'
import type { AuditEntry } from '../audit/ledger'
import type { CallContext } from '../context'
import { auditBase } from '../kernel/call'
import type { Executor } from '../store/port'
import { memberTarget, teamsOfMember, type MemberRecord } from '../users/members'
import { addTeamMember, findTeam, findTeamByName, findTeams, removeTeamMember, teamMemberCount, type TeamRecord } from './repository'

export type { TeamRecord }

export function teamTarget(team: Pick<TeamRecord, 'id' | 'name'>): AuditEntry['target'] {
  return { type: 'team', id: team.id, name: team.name }
}

/** The team, or NOT_FOUND. */
export async function getTeam(q: Executor, accountId: string, teamId: string): Promise<TeamRecord> {
  const team = await findTeam(q, accountId, teamId)
  if (!team) throw new AppError('NOT_FOUND', 'This team does not exist (any more).', { teamId })
  return team
}

/** Every id must be a team of the account; otherwise NOT_FOUND (nothing changes). */
export async function getTeams(q: Executor, accountId: string, teamIds: readonly string[]): Promise<TeamRecord[]> {
  const unique = [...new Set(teamIds)]
  if (unique.length === 0) return []
  const rows = await findTeams(q, accountId, unique)
  if (rows.length !== unique.length) {
    throw new AppError('NOT_FOUND', 'One of the chosen teams does not exist (any more); nothing was changed.', {
      missing: unique.filter((id) => !rows.some((r) => r.id === id))
    })
  }
  return rows
}

/** CONFLICT when another team of the account already has this name (ignoring case). */
export async function refuseTakenName(q: Executor, accountId: string, name: string, exceptId?: string): Promise<void> {
  const existing = await findTeamByName(q, accountId, name)
  if (existing && existing.id !== exceptId) throw new AppError('CONFLICT', `A team named "${existing.name}" already exists.`, { teamId: existing.id })
}

export async function teamDto(q: Executor, team: TeamRecord): Promise<TeamDto> {
  return { ...team, memberCount: await teamMemberCount(q, team.id) }
}

/**
 * Put `members` in `team` (inside the caller's transaction `t`). Returns the per-person audit
 * entries for those who were not in it yet.
 */
export async function addMembers(t: Executor, ctx: CallContext, team: TeamRecord, members: readonly MemberRecord[]): Promise<AuditEntry[]> {
  const entries: AuditEntry[] = []
  const base = auditBase(ctx)
  for (const member of members) {
    const before = (await teamsOfMember(t, member.membershipId)).map((x) => x.name)
    if (!(await addTeamMember(t, base.accountId!, team.id, member.membershipId, member.personId, ctx.now))) continue
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

export async function removeMembers(t: Executor, ctx: CallContext, team: TeamRecord, members: readonly MemberRecord[]): Promise<AuditEntry[]> {
  const entries: AuditEntry[] = []
  const base = auditBase(ctx)
  for (const member of members) {
    const before = (await teamsOfMember(t, member.membershipId)).map((x) => x.name)
    if (!(await removeTeamMember(t, team.id, member.membershipId))) continue
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
