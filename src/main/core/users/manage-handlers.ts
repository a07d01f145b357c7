import { AppError } from '../../../shared/contract/result'
import type { AgentPermission, AssignableRole, UserDetail } from '../../../shared/contract/users'
import type { AuditEntry } from '../audit/ledger'
import type { CallContext } from '../context'
import { accountOf, auditBase, bulkEvent, plural } from '../kernel/call'
import type { Executor, Kernel } from '../kernel/kernel'
import { addMembers, getTeam, getTeams, removeMembers } from '../teams/service'
import { addTeamMember, removeTeamMember } from '../teams/repository'
import { checkAvatar } from './avatar'
import {
  addMemberPermission,
  permissionsOfMember,
  removeMemberPermission,
  setMemberRole,
  setMemberStatus,
  setPersonAvatar,
  setPersonName,
  teamsOfMember
} from './members-repository'
import { assertSeats, endSessionsOf, getMember, getMembers, memberDetail, memberTarget, notifySessionChanged, roleLabel, seats, type MemberRecord } from './members'
import { agentPermissionsRefusal, clearedByRoleChange, deactivationRefusal, nameOf, reactivationRefusal, roleChangeRefusal, teamsEditRefusal } from './manage-service'
import { exportUsersCsv } from './export'

function refuse(refusal: AppError | null): void {
  if (refusal) throw refusal
}

/**
 * Write a role change and remove the agent permissions it clears (given the member's current
 * ones); returns those. The single-person edit and the bulk change both write roles through this.
 */
async function writeRole(t: Executor, member: MemberRecord, role: AssignableRole, current: readonly AgentPermission[]): Promise<AgentPermission[]> {
  const cleared = clearedByRoleChange(member.role, role, current)
  await setMemberRole(t, member.membershipId, role)
  for (const p of cleared) await removeMemberPermission(t, member.membershipId, p)
  return cleared
}

/** "Olivia changed Ada's role from Agent to Viewer[ and updated their name]; their agent permissions were cleared." */
function roleChangeSummary(actorName: string, member: MemberRecord, role: AssignableRole, cleared: readonly AgentPermission[], also = ''): string {
  return `${actorName} changed ${nameOf(member)}'s role from ${roleLabel(member.role)} to ${roleLabel(role)}${also}${cleared.length ? '; their agent permissions were cleared' : ''}.`
}

/** One person's role change (bulk), with the agent permissions it clears (written in before/after). */
async function changeRole(t: Executor, ctx: CallContext, member: MemberRecord, role: AssignableRole): Promise<AuditEntry> {
  const cleared = await writeRole(t, member, role, await permissionsOfMember(t, member.membershipId))
  const base = auditBase(ctx)
  return {
    ...base,
    action: 'member.role-changed',
    summary: roleChangeSummary(base.actor.name, member, role, cleared),
    target: memberTarget(member),
    before: cleared.length ? { role: member.role, permissions: cleared } : { role: member.role },
    after: cleared.length ? { role, permissions: [] } : { role }
  }
}

async function deactivate(t: Executor, ctx: CallContext, member: MemberRecord): Promise<AuditEntry | null> {
  refuse(deactivationRefusal(ctx.principal, member))
  if (member.status === 'deactivated') return null
  await setMemberStatus(t, member.membershipId, 'deactivated', ctx.now)
  const base = auditBase(ctx)
  return {
    ...base,
    action: 'member.deactivated',
    summary: `${base.actor.name} deactivated ${nameOf(member)}; their sessions ended and their seat was freed.`,
    target: memberTarget(member),
    before: { status: member.status },
    after: { status: 'deactivated' }
  }
}

/** Back to active (the seat is checked by the caller, once for a whole selection); null when already active. */
async function reactivate(t: Executor, ctx: CallContext, member: MemberRecord): Promise<AuditEntry | null> {
  refuse(reactivationRefusal(ctx.principal, member))
  if (member.status === 'active') return null
  await setMemberStatus(t, member.membershipId, 'active', null)
  const base = auditBase(ctx)
  return {
    ...base,
    action: 'member.reactivated',
    summary: `${base.actor.name} reactivated ${nameOf(member)}.`,
    target: memberTarget(member),
    before: { status: 'deactivated' },
    after: { status: 'active' }
  }
}

/**
 * Editing, deactivating and reactivating people, one at a time or in bulk. The rules live in
 * manage-service.ts: one Owner, who changes only by transfer; nobody changes their own role or
 * deactivates themselves; active + invited ≤ seats. Bulk operations check every person first and
 * change all or none, in one transaction.
 */
export function registerUserManagement(kernel: Kernel): void {
  kernel.handle('users:get', async (ctx, input) => {
    const q = kernel.store.db
    return memberDetail(q, await getMember(q, accountOf(ctx), input.membershipId), ctx.now, ctx)
  })

  kernel.handle('users:seats', (ctx) => seats(kernel.store.db, accountOf(ctx), ctx.now))

  kernel.handle('users:update', async (ctx, input) => {
    const accountId = accountOf(ctx)
    checkAvatar(input.avatar)
    const { detail, notify, personId } = await kernel.tx(async (t) => {
      const member = await getMember(t, accountId, input.membershipId)
      const before: Record<string, unknown> = {}
      const after: Record<string, unknown> = {}
      const changed: string[] = []
      const roleChanged = input.role !== undefined && input.role !== member.role
      const roleAfter = roleChanged ? input.role! : member.role
      if (roleChanged) refuse(roleChangeRefusal(ctx.principal, member))
      const currentPermissions = await permissionsOfMember(t, member.membershipId)
      // An Agent changed to another role loses the agent permissions (the screen says so before).
      const cleared = roleChanged ? clearedByRoleChange(member.role, input.role!, currentPermissions) : []
      let wantedPermissions = input.permissions !== undefined ? ([...new Set(input.permissions)].sort() as AgentPermission[]) : null
      if (wantedPermissions && wantedPermissions.length > 0 && wantedPermissions.join() !== currentPermissions.join()) {
        refuse(agentPermissionsRefusal(ctx.principal, member, roleAfter))
      }
      if (cleared.length > 0) wantedPermissions = []
      if (roleChanged) {
        await writeRole(t, member, input.role!, currentPermissions)
        before.role = member.role
        after.role = input.role
      }
      if (input.name !== undefined && input.name !== member.name) {
        await setPersonName(t, member.personId, input.name)
        before.name = member.name
        after.name = input.name
        changed.push('name')
      }
      if (input.avatar !== undefined && input.avatar !== member.avatar) {
        await setPersonAvatar(t, member.personId, input.avatar)
        before.avatar = member.avatar ? 'picture' : 'none'
        after.avatar = input.avatar ? 'new picture' : 'none'
        changed.push('picture')
      }
      if (input.teamIds !== undefined) {
        const current = await teamsOfMember(t, member.membershipId)
        const wanted = await getTeams(t, accountId, input.teamIds)
        const toAdd = wanted.filter((x) => !current.some((c) => c.id === x.id))
        const toRemove = current.filter((c) => !wanted.some((x) => x.id === c.id))
        if (toAdd.length + toRemove.length > 0) refuse(teamsEditRefusal(ctx.principal, member))
        for (const team of toAdd) await addTeamMember(t, accountId, team.id, member.membershipId, member.personId, ctx.now)
        for (const team of toRemove) await removeTeamMember(t, team.id, member.membershipId)
        if (toAdd.length + toRemove.length > 0) {
          before.teams = current.map((x) => x.name)
          after.teams = wanted.map((x) => x.name)
          changed.push('teams')
        }
      }
      let permissionsChanged = false
      if (wantedPermissions !== null) {
        const wanted = wantedPermissions
        for (const p of wanted) if (!currentPermissions.includes(p)) await addMemberPermission(t, accountId, member.membershipId, p, ctx.now)
        // What the role change cleared is already gone.
        for (const p of currentPermissions) if (!wanted.includes(p) && !cleared.includes(p)) await removeMemberPermission(t, member.membershipId, p)
        if (currentPermissions.join() !== wanted.join()) {
          before.permissions = currentPermissions
          after.permissions = wanted
          if (cleared.length === 0) changed.push('agent permissions')
          permissionsChanged = true
        }
      }
      if (!roleChanged && changed.length === 0) return { detail: await memberDetail(t, member, ctx.now, ctx), notify: false, personId: member.personId }
      const base = auditBase(ctx)
      const also = changed.length ? ` and updated their ${changed.join(', ')}` : ''
      await kernel.ledger.append(t, {
        ...base,
        action: roleChanged ? 'member.role-changed' : 'member.updated',
        summary: roleChanged
          ? roleChangeSummary(base.actor.name, member, input.role!, cleared, also)
          : `${base.actor.name} updated ${nameOf(member)}'s ${changed.join(', ')}.`,
        target: memberTarget(member),
        before,
        after
      })
      const detail: UserDetail = await memberDetail(t, await getMember(t, accountId, member.membershipId), ctx.now, ctx)
      if (cleared.length > 0) detail.clearedAgentPermissions = cleared
      return { detail, notify: roleChanged || permissionsChanged || 'name' in after, personId: member.personId }
    })
    // Their windows refresh their permissions (and the name they show) without a reload.
    if (notify) notifySessionChanged(kernel, personId, accountId)
    return detail
  })

  kernel.handle('users:deactivate', async (ctx, input) => {
    const accountId = accountOf(ctx)
    const member = await kernel.tx(async (t) => {
      const member = await getMember(t, accountId, input.membershipId)
      const entry = await deactivate(t, ctx, member)
      if (entry) await kernel.ledger.append(t, entry)
      return member
    })
    await endSessionsOf(kernel, member.personId, accountId, 'deactivated')
    const q = kernel.store.db
    return memberDetail(q, await getMember(q, accountId, member.membershipId), ctx.now, ctx)
  })

  kernel.handle('users:reactivate', async (ctx, input) => {
    const accountId = accountOf(ctx)
    return kernel.tx(async (t) => {
      const member = await getMember(t, accountId, input.membershipId)
      refuse(reactivationRefusal(ctx.principal, member))
      if (member.status === 'active') return memberDetail(t, member, ctx.now, ctx)
      await assertSeats(t, accountId, ctx.now, 1, 'reactivating')
      await kernel.ledger.append(t, (await reactivate(t, ctx, member))!)
      return memberDetail(t, await getMember(t, accountId, member.membershipId), ctx.now, ctx)
    })
  })

  // --- bulk -------------------------------------------------------------------------------

  kernel.handle('users:bulk-set-role', async (ctx, input) => {
    const accountId = accountOf(ctx)
    const changed = await kernel.tx(async (t) => {
      const selection = await getMembers(t, accountId, input.membershipIds)
      // Refused whole: no partial change when one person may not be changed.
      for (const member of selection) refuse(roleChangeRefusal(ctx.principal, member))
      const targets = selection.filter((m) => m.role !== input.role)
      const entries: AuditEntry[] = []
      for (const m of targets) entries.push(await changeRole(t, ctx, m, input.role))
      if (entries.length > 0) {
        await kernel.ledger.appendMany(t, [
          ...entries,
          bulkEvent(ctx, 'users.bulk-role-changed', `changed the role of ${plural(entries.length, 'person', 'people')} to ${roleLabel(input.role)}.`, entries, {
            role: input.role
          })
        ])
      }
      return { targets, unchanged: selection.length - targets.length }
    })
    for (const m of changed.targets) notifySessionChanged(kernel, m.personId, accountId)
    return { changed: changed.targets.length, unchanged: changed.unchanged }
  })

  for (const verb of ['add', 'remove'] as const) {
    kernel.handle(verb === 'add' ? 'users:bulk-add-team' : 'users:bulk-remove-team', async (ctx, input) => {
      const accountId = accountOf(ctx)
      return kernel.tx(async (t) => {
        const team = await getTeam(t, accountId, input.teamId)
        const selection = await getMembers(t, accountId, input.membershipIds)
        const entries = verb === 'add' ? await addMembers(t, ctx, team, selection) : await removeMembers(t, ctx, team, selection)
        if (entries.length > 0) {
          await kernel.ledger.appendMany(t, [
            ...entries,
            bulkEvent(
              ctx,
              verb === 'add' ? 'users.bulk-team-added' : 'users.bulk-team-removed',
              `${verb === 'add' ? 'added' : 'removed'} ${plural(entries.length, 'person', 'people')} ${verb === 'add' ? 'to' : 'from'} the team ${team.name}.`,
              entries,
              { team: team.name }
            )
          ])
        }
        return { changed: entries.length, unchanged: selection.length - entries.length }
      })
    })
  }

  kernel.handle('users:bulk-deactivate', async (ctx, input) => {
    const accountId = accountOf(ctx)
    const result = await kernel.tx(async (t) => {
      const selection = await getMembers(t, accountId, input.membershipIds)
      for (const member of selection) refuse(deactivationRefusal(ctx.principal, member))
      const targets = selection.filter((m) => m.status !== 'deactivated')
      const entries: AuditEntry[] = []
      for (const m of targets) entries.push((await deactivate(t, ctx, m))!)
      if (entries.length > 0) {
        await kernel.ledger.appendMany(t, [...entries, bulkEvent(ctx, 'users.bulk-deactivated', `deactivated ${plural(entries.length, 'person', 'people')}.`, entries, {})])
      }
      return { targets, unchanged: selection.length - targets.length }
    })
    for (const m of result.targets) await endSessionsOf(kernel, m.personId, accountId, 'deactivated')
    return { changed: result.targets.length, unchanged: result.unchanged }
  })

  kernel.handle('users:bulk-reactivate', async (ctx, input) => {
    const accountId = accountOf(ctx)
    return kernel.tx(async (t) => {
      const selection = await getMembers(t, accountId, input.membershipIds)
      // Refused whole: an invited person (resend instead) or a selection past the free seats.
      for (const member of selection) refuse(reactivationRefusal(ctx.principal, member))
      const targets = selection.filter((m) => m.status === 'deactivated')
      if (targets.length > 0) await assertSeats(t, accountId, ctx.now, targets.length, 'reactivating')
      const entries: AuditEntry[] = []
      for (const m of targets) entries.push((await reactivate(t, ctx, m))!)
      if (entries.length > 0) {
        await kernel.ledger.appendMany(t, [...entries, bulkEvent(ctx, 'users.bulk-reactivated', `reactivated ${plural(entries.length, 'person', 'people')}.`, entries, {})])
      }
      return { changed: targets.length, unchanged: selection.length - targets.length }
    })
  })

  kernel.handle('users:export', (ctx) => exportUsersCsv(kernel, ctx))
}
