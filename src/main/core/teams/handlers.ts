import { randomUUID } from 'node:crypto'
import { AppError } from '../../../shared/contract/result'
import type { Kernel } from '../kernel/kernel'
import { accountOf, auditBase, plural } from '../kernel/call'
import { isUniqueViolation } from '../store/sql'
import { getMembers } from '../users/members'
import { deleteTeam, insertTeam, listTeams, updateTeam, type TeamRecord } from './repository'
import { addMembers, getTeam, refuseTakenName, removeMembers, teamDto, teamTarget } from './service'

/** Teams: names unique per account ignoring case; deleting a team keeps its members in the account. */
export function registerTeams(kernel: Kernel): void {
  kernel.handle('teams:list', async (ctx, input) => {
    const rows = await listTeams(kernel.store.db, accountOf(ctx))
    const search = input?.search?.toLowerCase()
    return { teams: search ? rows.filter((t) => t.name.toLowerCase().includes(search) || t.description.toLowerCase().includes(search)) : rows }
  })

  kernel.handle('teams:create', async (ctx, input) => {
    const accountId = accountOf(ctx)
    const team: TeamRecord = { id: randomUUID(), name: input.name, description: input.description, createdAt: ctx.now }
    try {
      return await kernel.tx(async (t) => {
        await refuseTakenName(t, accountId, input.name)
        const people = await getMembers(t, accountId, input.membershipIds)
        await insertTeam(t, accountId, team)
        const base = auditBase(ctx)
        const added = await addMembers(t, ctx, team, people)
        await kernel.ledger.appendMany(t, [
          {
            ...base,
            action: 'team.created',
            summary: `${base.actor.name} created the team ${team.name}${people.length ? ` with ${plural(people.length, 'member')}` : ''}.`,
            target: teamTarget(team),
            after: { name: team.name, description: team.description, members: people.length }
          },
          ...added
        ])
        return teamDto(t, team)
      })
    } catch (error) {
      if (isUniqueViolation(error)) throw new AppError('CONFLICT', `A team named "${input.name}" already exists.`)
      throw error
    }
  })

  kernel.handle('teams:update', async (ctx, input) => {
    const accountId = accountOf(ctx)
    return kernel.tx(async (t) => {
      const team = await getTeam(t, accountId, input.teamId)
      const next = { ...team, name: input.name ?? team.name, description: input.description ?? team.description }
      const before: Record<string, string> = {}
      const after: Record<string, string> = {}
      if (next.name !== team.name) {
        await refuseTakenName(t, accountId, next.name, team.id)
        before.name = team.name
        after.name = next.name
      }
      if (next.description !== team.description) {
        before.description = team.description
        after.description = next.description
      }
      if (Object.keys(after).length === 0) return teamDto(t, team)
      await updateTeam(t, team.id, next.name, next.description)
      const base = auditBase(ctx)
      await kernel.ledger.append(t, {
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
      return teamDto(t, next)
    })
  })

  kernel.handle('teams:delete', async (ctx, input) => {
    const accountId = accountOf(ctx)
    const kept = await kernel.tx(async (t) => {
      const team = await getTeam(t, accountId, input.teamId)
      const dto = await teamDto(t, team)
      await deleteTeam(t, team.id)
      const base = auditBase(ctx)
      await kernel.ledger.append(t, {
        ...base,
        action: 'team.deleted',
        summary: `${base.actor.name} deleted the team ${team.name}; its ${plural(dto.memberCount, 'member')} stay in the account.`,
        target: teamTarget(team),
        before: { name: team.name, description: team.description, members: dto.memberCount }
      })
      return dto.memberCount
    })
    return { deleted: true as const, membersKept: kept }
  })

  for (const verb of ['add', 'remove'] as const) {
    kernel.handle(verb === 'add' ? 'teams:add-members' : 'teams:remove-members', async (ctx, input) => {
      const accountId = accountOf(ctx)
      return kernel.tx(async (t) => {
        const team = await getTeam(t, accountId, input.teamId)
        const people = await getMembers(t, accountId, input.membershipIds)
        const entries = verb === 'add' ? await addMembers(t, ctx, team, people) : await removeMembers(t, ctx, team, people)
        if (entries.length > 0) {
          const base = auditBase(ctx)
          await kernel.ledger.appendMany(t, [
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
        return { team: await teamDto(t, team), changed: entries.length, unchanged: people.length - entries.length }
      })
    })
  }
}
