import { randomUUID } from 'node:crypto'
import { AppError } from '../../../shared/contract/result'
import type { Core } from '../core'
import { accountOf, auditBase, membersOf, plural } from '../users/members'
import { teamsOf, type TeamRecord } from './service'

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE'
}

function teamTarget(team: Pick<TeamRecord, 'id' | 'name'>) {
  return { type: 'team', id: team.id, name: team.name }
}

/** Teams: names unique per account ignoring case; deleting a team keeps its members in the account. */
export function registerTeams(core: Core): void {
  const db = core.db
  const teams = teamsOf(core)
  const members = membersOf(core)
  const listAll = db.prepare(`
    SELECT t.team_id AS id, t.name, t.description, t.created_at AS createdAt, t.member_count AS memberCount
    FROM teams t WHERE t.account_id = ? ORDER BY t.name`)

  const refuseTaken = (accountId: string, name: string, exceptId?: string) => {
    const existing = teams.findByName(accountId, name)
    if (existing && existing.id !== exceptId) throw new AppError('CONFLICT', `A team named "${existing.name}" already exists.`, { teamId: existing.id })
  }

  core.handle('teams:list', (ctx, input) => {
    const rows = listAll.all(accountOf(ctx)) as Array<{ id: string; name: string; description: string; createdAt: number; memberCount: number }>
    const search = input?.search?.toLowerCase()
    return { teams: search ? rows.filter((t) => t.name.toLowerCase().includes(search) || t.description.toLowerCase().includes(search)) : rows }
  })

  core.handle('teams:create', (ctx, input) => {
    const accountId = accountOf(ctx)
    const team: TeamRecord = { id: randomUUID(), name: input.name, description: input.description, createdAt: ctx.now }
    try {
      core.tx(() => {
        refuseTaken(accountId, input.name)
        const people = members.getMany(accountId, input.membershipIds)
        db.prepare('INSERT INTO teams (team_id, account_id, name, description, created_at) VALUES (?, ?, ?, ?, ?)').run(
          team.id,
          accountId,
          team.name,
          team.description,
          team.createdAt
        )
        const base = auditBase(ctx)
        const added = teams.addMembers(ctx, team, people)
        core.ledger.appendMany([
          {
            ...base,
            action: 'team.created',
            summary: `${base.actor.name} created the team ${team.name}${people.length ? ` with ${plural(people.length, 'member')}` : ''}.`,
            target: teamTarget(team),
            after: { name: team.name, description: team.description, members: people.length }
          },
          ...added
        ])
      })
    } catch (error) {
      if (isUniqueViolation(error)) throw new AppError('CONFLICT', `A team named "${input.name}" already exists.`)
      throw error
    }
    core.broadcast(accountId, ['teams', 'users', 'audit'])
    return teams.dto(team)
  })

  core.handle('teams:update', (ctx, input) => {
    const accountId = accountOf(ctx)
    const updated = core.tx(() => {
      const team = teams.get(accountId, input.teamId)
      const next = { ...team, name: input.name ?? team.name, description: input.description ?? team.description }
      const before: Record<string, string> = {}
      const after: Record<string, string> = {}
      if (next.name !== team.name) {
        refuseTaken(accountId, next.name, team.id)
        before.name = team.name
        after.name = next.name
      }
      if (next.description !== team.description) {
        before.description = team.description
        after.description = next.description
      }
      if (Object.keys(after).length === 0) return team
      db.prepare('UPDATE teams SET name = ?, description = ? WHERE team_id = ?').run(next.name, next.description, team.id)
      const base = auditBase(ctx)
      core.ledger.append({
        ...base,
        action: 'team.updated',
        summary:
          after.name !== undefined
            ? `${base.actor.name} renamed the team ${team.name} to ${next.name}.`
            : `${base.actor.name} changed the description of the team ${team.name}.`,
        target: teamTarget(next),
        before,
        after
      })
      return next
    })
    core.broadcast(accountId, ['teams', 'users', 'audit'])
    return teams.dto(updated)
  })

  core.handle('teams:delete', (ctx, input) => {
    const accountId = accountOf(ctx)
    const kept = core.tx(() => {
      const team = teams.get(accountId, input.teamId)
      const dto = teams.dto(team)
      db.prepare('DELETE FROM teams WHERE team_id = ?').run(team.id)
      const base = auditBase(ctx)
      core.ledger.append({
        ...base,
        action: 'team.deleted',
        summary: `${base.actor.name} deleted the team ${team.name}; its ${plural(dto.memberCount, 'member')} stay in the account.`,
        target: teamTarget(team),
        before: { name: team.name, description: team.description, members: dto.memberCount }
      })
      return dto.memberCount
    })
    core.broadcast(accountId, ['teams', 'users', 'audit'])
    return { deleted: true as const, membersKept: kept }
  })

  for (const verb of ['add', 'remove'] as const) {
    core.handle(verb === 'add' ? 'teams:add-members' : 'teams:remove-members', (ctx, input) => {
      const accountId = accountOf(ctx)
      const result = core.tx(() => {
        const team = teams.get(accountId, input.teamId)
        const people = members.getMany(accountId, input.membershipIds)
        const entries = verb === 'add' ? teams.addMembers(ctx, team, people) : teams.removeMembers(ctx, team, people)
        if (entries.length > 0) {
          const base = auditBase(ctx)
          core.ledger.appendMany([
            ...entries,
            {
              ...base,
              action: verb === 'add' ? 'team.members-added' : 'team.members-removed',
              summary: `${base.actor.name} ${verb === 'add' ? 'added' : 'removed'} ${plural(entries.length, 'person', 'people')} ${verb === 'add' ? 'to' : 'from'} the team ${team.name}.`,
              target: teamTarget(team),
              after: { count: entries.length, people: entries.map((e) => e.target.name) }
            }
          ])
        }
        return { team: teams.dto(team), changed: entries.length, unchanged: people.length - entries.length }
      })
      if (result.changed > 0) core.broadcast(accountId, ['teams', 'users', 'audit'])
      return result
    })
  }
}
