import { AppError } from '../../../shared/contract/result'
import type { AgentPermission, AssignableRole } from '../../../shared/contract/users'
import type { AuditEntry } from '../audit/ledger'
import type { Core } from '../core'
import { hasPermission } from '../core'
import type { CallContext } from '../context'
import { toCsv } from '../csv/csv'
import { teamsOf } from '../teams/service'
import { checkAvatar } from './avatar'
import {
  accountOf,
  auditBase,
  effectiveStatus,
  endSessionsOf,
  memberTarget,
  membersOf,
  notifySessionChanged,
  plural,
  roleLabel,
  selfMembershipId,
  type MemberRecord
} from './members'

function nameOf(member: Pick<MemberRecord, 'name' | 'email'>): string {
  return member.name || member.email
}

/** The first few names of a bulk selection, for the operation's own audit event. */
function sample(entries: readonly AuditEntry[]): string[] {
  return entries.slice(0, 100).map((e) => e.target.name ?? '')
}

/**
 * Editing, deactivating and reactivating people, one at a time or in bulk. The invariants live
 * here: one Owner, who changes only by transfer; nobody changes their own role or deactivates
 * themselves; active + invited ≤ seats. Bulk operations check every person first and change all
 * or none, in one transaction.
 */
export function registerUserManagement(core: Core): void {
  const db = core.db
  const members = membersOf(core)
  const teams = teamsOf(core)
  const setRole = db.prepare('UPDATE memberships SET role = ? WHERE membership_id = ?')
  const setStatus = db.prepare('UPDATE memberships SET status = ?, deactivated_at = ? WHERE membership_id = ?')
  const setName = db.prepare('UPDATE persons SET name = ? WHERE person_id = ?')
  const setAvatar = db.prepare('UPDATE persons SET avatar = ? WHERE person_id = ?')
  const addPermission = db.prepare('INSERT OR IGNORE INTO member_permissions (account_id, membership_id, permission, granted_at) VALUES (?, ?, ?, ?)')
  const removePermission = db.prepare('DELETE FROM member_permissions WHERE membership_id = ? AND permission = ?')
  const addTeam = db.prepare('INSERT OR IGNORE INTO team_members (account_id, team_id, membership_id, person_id, added_at) VALUES (?, ?, ?, ?, ?)')
  const removeTeam = db.prepare('DELETE FROM team_members WHERE team_id = ? AND membership_id = ?')

  const refuseRoleChange = (ctx: CallContext, member: MemberRecord): void => {
    if (member.membershipId === selfMembershipId(ctx)) throw new AppError('CONFLICT', 'You cannot change your own role; ask another administrator.')
    if (member.role === 'owner') {
      throw new AppError('CONFLICT', `${nameOf(member)} is the Owner: the Owner's role changes only by transferring ownership.`, { membershipId: member.membershipId })
    }
  }

  const refuseDeactivation = (ctx: CallContext, member: MemberRecord): void => {
    if (member.membershipId === selfMembershipId(ctx)) throw new AppError('CONFLICT', 'You cannot deactivate yourself.')
    if (member.role === 'owner') {
      throw new AppError('CONFLICT', `${nameOf(member)} is the Owner and cannot be deactivated; transfer ownership first.`, { membershipId: member.membershipId })
    }
    if (member.status === 'invited') {
      throw new AppError('CONFLICT', `${nameOf(member)} has not joined yet: revoke the invitation instead.`, { membershipId: member.membershipId })
    }
  }

  const roleEntry = (ctx: CallContext, member: MemberRecord, role: AssignableRole): AuditEntry => {
    const base = auditBase(ctx)
    return {
      ...base,
      action: 'member.role-changed',
      summary: `${base.actor.name} changed ${nameOf(member)}'s role from ${roleLabel(member.role)} to ${roleLabel(role)}.`,
      target: memberTarget(member),
      before: { role: member.role },
      after: { role }
    }
  }

  const deactivate = (ctx: CallContext, member: MemberRecord): AuditEntry | null => {
    refuseDeactivation(ctx, member)
    if (member.status === 'deactivated') return null
    setStatus.run('deactivated', ctx.now, member.membershipId)
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

  core.handle('users:get', (ctx, input) => {
    return members.detail(members.get(accountOf(ctx), input.membershipId), ctx.now, selfMembershipId(ctx))
  })

  core.handle('users:seats', (ctx) => members.seats(accountOf(ctx), ctx.now))

  core.handle('users:update', (ctx, input) => {
    const accountId = accountOf(ctx)
    checkAvatar(input.avatar)
    const { member, notify } = core.tx(() => {
      const member = members.get(accountId, input.membershipId)
      const before: Record<string, unknown> = {}
      const after: Record<string, unknown> = {}
      const changed: string[] = []
      const roleChanged = input.role !== undefined && input.role !== member.role
      if (roleChanged) {
        refuseRoleChange(ctx, member)
        setRole.run(input.role, member.membershipId)
        before.role = member.role
        after.role = input.role
      }
      if (input.name !== undefined && input.name !== member.name) {
        setName.run(input.name, member.personId)
        before.name = member.name
        after.name = input.name
        changed.push('name')
      }
      if (input.avatar !== undefined && input.avatar !== member.avatar) {
        setAvatar.run(input.avatar, member.personId)
        before.avatar = member.avatar ? 'picture' : 'none'
        after.avatar = input.avatar ? 'new picture' : 'none'
        changed.push('picture')
      }
      if (input.teamIds !== undefined) {
        const current = members.teamsOf(member.membershipId)
        const wanted = teams.getMany(accountId, input.teamIds)
        const toAdd = wanted.filter((t) => !current.some((c) => c.id === t.id))
        const toRemove = current.filter((c) => !wanted.some((t) => t.id === c.id))
        for (const team of toAdd) addTeam.run(accountId, team.id, member.membershipId, member.personId, ctx.now)
        for (const team of toRemove) removeTeam.run(team.id, member.membershipId)
        if (toAdd.length + toRemove.length > 0) {
          before.teams = current.map((t) => t.name)
          after.teams = wanted.map((t) => t.name)
          changed.push('teams')
        }
      }
      let permissionsChanged = false
      if (input.permissions !== undefined) {
        const current = members.permissionsOf(member.membershipId)
        const wanted = [...new Set(input.permissions)].sort() as AgentPermission[]
        for (const p of wanted) if (!current.includes(p)) addPermission.run(accountId, member.membershipId, p, ctx.now)
        for (const p of current) if (!wanted.includes(p)) removePermission.run(member.membershipId, p)
        if (current.join() !== wanted.join()) {
          before.permissions = current
          after.permissions = wanted
          changed.push('agent permissions')
          permissionsChanged = true
        }
      }
      if (!roleChanged && changed.length === 0) return { member, notify: false }
      const base = auditBase(ctx)
      const also = changed.length ? ` and updated their ${changed.join(', ')}` : ''
      core.ledger.append({
        ...base,
        action: roleChanged ? 'member.role-changed' : 'member.updated',
        summary: roleChanged
          ? `${base.actor.name} changed ${nameOf(member)}'s role from ${roleLabel(member.role)} to ${roleLabel(input.role!)}${also}.`
          : `${base.actor.name} updated ${nameOf(member)}'s ${changed.join(', ')}.`,
        target: memberTarget(member),
        before,
        after
      })
      return { member: members.get(accountId, member.membershipId), notify: roleChanged || permissionsChanged || 'name' in after }
    })
    // Their windows refresh their permissions (and the name they show) without a reload.
    if (notify) notifySessionChanged(core, member.personId, accountId)
    core.broadcast(accountId, ['users', 'teams', 'audit'])
    return members.detail(member, ctx.now, selfMembershipId(ctx))
  })

  core.handle('users:deactivate', (ctx, input) => {
    const accountId = accountOf(ctx)
    const member = core.tx(() => {
      const member = members.get(accountId, input.membershipId)
      const entry = deactivate(ctx, member)
      if (entry) core.ledger.append(entry)
      return member
    })
    endSessionsOf(core, member.personId, accountId, 'deactivated')
    core.broadcast(accountId, ['users', 'audit'])
    return members.detail(members.get(accountId, member.membershipId), ctx.now, selfMembershipId(ctx))
  })

  core.handle('users:reactivate', (ctx, input) => {
    const accountId = accountOf(ctx)
    const member = core.tx(() => {
      const member = members.get(accountId, input.membershipId)
      if (member.status === 'invited') throw new AppError('CONFLICT', `${nameOf(member)} has not joined yet; resend the invitation instead.`)
      if (member.status === 'active') return member
      members.assertSeats(accountId, ctx.now, 1, 'reactivating')
      setStatus.run('active', null, member.membershipId)
      const base = auditBase(ctx)
      core.ledger.append({
        ...base,
        action: 'member.reactivated',
        summary: `${base.actor.name} reactivated ${nameOf(member)}.`,
        target: memberTarget(member),
        before: { status: 'deactivated' },
        after: { status: 'active' }
      })
      return member
    })
    core.broadcast(accountId, ['users', 'audit'])
    return members.detail(members.get(accountId, member.membershipId), ctx.now, selfMembershipId(ctx))
  })

  // --- bulk -------------------------------------------------------------------------------

  const bulkEvent = (ctx: CallContext, action: string, summary: string, entries: AuditEntry[], after: Record<string, unknown>): AuditEntry => {
    const base = auditBase(ctx)
    return {
      ...base,
      action,
      summary: `${base.actor.name} ${summary}`,
      target: { type: 'members', id: null, name: plural(entries.length, 'person', 'people') },
      after: { ...after, count: entries.length, people: sample(entries) }
    }
  }

  core.handle('users:bulk-set-role', (ctx, input) => {
    const accountId = accountOf(ctx)
    const changed = core.tx(() => {
      const selection = members.getMany(accountId, input.membershipIds)
      // Refused whole: no partial change when one person may not be changed.
      for (const member of selection) refuseRoleChange(ctx, member)
      const targets = selection.filter((m) => m.role !== input.role)
      const entries = targets.map((m) => roleEntry(ctx, m, input.role))
      for (const m of targets) setRole.run(input.role, m.membershipId)
      if (entries.length > 0) {
        core.ledger.appendMany([
          ...entries,
          bulkEvent(ctx, 'users.bulk-role-changed', `changed the role of ${plural(entries.length, 'person', 'people')} to ${roleLabel(input.role)}.`, entries, {
            role: input.role
          })
        ])
      }
      return { targets, unchanged: selection.length - targets.length }
    })
    for (const m of changed.targets) notifySessionChanged(core, m.personId, accountId)
    if (changed.targets.length) core.broadcast(accountId, ['users', 'audit'])
    return { changed: changed.targets.length, unchanged: changed.unchanged }
  })

  for (const verb of ['add', 'remove'] as const) {
    core.handle(verb === 'add' ? 'users:bulk-add-team' : 'users:bulk-remove-team', (ctx, input) => {
      const accountId = accountOf(ctx)
      const result = core.tx(() => {
        const team = teams.get(accountId, input.teamId)
        const selection = members.getMany(accountId, input.membershipIds)
        const entries = verb === 'add' ? teams.addMembers(ctx, team, selection) : teams.removeMembers(ctx, team, selection)
        if (entries.length > 0) {
          core.ledger.appendMany([
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
      if (result.changed) core.broadcast(accountId, ['users', 'teams', 'audit'])
      return result
    })
  }

  core.handle('users:bulk-deactivate', (ctx, input) => {
    const accountId = accountOf(ctx)
    const result = core.tx(() => {
      const selection = members.getMany(accountId, input.membershipIds)
      for (const member of selection) refuseDeactivation(ctx, member)
      const targets = selection.filter((m) => m.status !== 'deactivated')
      const entries = targets.map((m) => deactivate(ctx, m)!)
      if (entries.length > 0) {
        core.ledger.appendMany([
          ...entries,
          bulkEvent(ctx, 'users.bulk-deactivated', `deactivated ${plural(entries.length, 'person', 'people')}.`, entries, {})
        ])
      }
      return { targets, unchanged: selection.length - targets.length }
    })
    for (const m of result.targets) endSessionsOf(core, m.personId, accountId, 'deactivated')
    if (result.targets.length) core.broadcast(accountId, ['users', 'audit'])
    return { changed: result.targets.length, unchanged: result.unchanged }
  })

  // --- export -----------------------------------------------------------------------------

  core.handle('users:export', (ctx) => {
    const principal = ctx.principal!
    // An agent's "Export data" permission covers reports, not the people list agents cannot see.
    if (!hasPermission(principal, 'users:read')) throw new AppError('FORBIDDEN', 'Your role does not allow this.')
    const accountId = principal.accountId
    const teamNames = new Map<string, string>()
    for (const row of db
      .prepare(
        `SELECT tm.membership_id AS id, group_concat(t.name, ';' ORDER BY t.name) AS names FROM team_members tm JOIN teams t ON t.team_id = tm.team_id
         WHERE tm.account_id = ? GROUP BY tm.membership_id`
      )
      .iterate(accountId) as IterableIterator<{ id: string; names: string }>) {
      teamNames.set(row.id, row.names)
    }
    const iso = (ms: number | null) => (ms ? new Date(ms).toISOString() : '')
    const rows: Array<Array<string | number | null>> = []
    for (const m of db
      .prepare(
        `SELECT m.membership_id AS membershipId, p.name, p.email, m.role, m.status, m.invite_expires_at AS inviteExpiresAt,
                m.last_login_at AS lastLoginAt, m.created_at AS createdAt, m.deactivated_at AS deactivatedAt
         FROM memberships m JOIN persons p ON p.person_id = m.person_id WHERE m.account_id = ? ORDER BY p.email`
      )
      .iterate(accountId) as IterableIterator<MemberRecord>) {
      rows.push([
        m.email,
        m.name,
        m.role,
        effectiveStatus(m, ctx.now),
        teamNames.get(m.membershipId) ?? '',
        iso(m.lastLoginAt),
        iso(m.createdAt),
        iso(m.status === 'deactivated' ? m.deactivatedAt : null)
      ])
    }
    const csv = toCsv(['email', 'name', 'role', 'status', 'teams', 'last_login', 'created', 'deactivated'], rows)
    core.tx(() => {
      const base = auditBase(ctx)
      core.ledger.append({
        ...base,
        action: 'users.exported',
        summary: `${base.actor.name} exported ${plural(rows.length, 'person', 'people')} as CSV.`,
        target: { type: 'members', id: null, name: plural(rows.length, 'person', 'people') },
        after: { rows: rows.length, format: 'csv' }
      })
    })
    core.broadcast(accountId, ['audit'])
    const day = new Date(ctx.now).toISOString().slice(0, 10)
    return { csv, rows: rows.length, fileName: `gatehouse-users-${day}.csv` }
  })
}
