import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { UserDetail } from '../../../src/shared/contract/users'
import { META, testDb } from '../../support/core'
import { accountTemplate, auditSince, expectError, expectOk, ledgerSize, MEMBER_PASSWORD, quickMember, sessionOf, type FreshCore } from '../../support/users'

describe('editing people: roles, deactivation, bulk operations, teams, personal settings', () => {
  let template: Awaited<ReturnType<typeof accountTemplate>>
  let t: FreshCore
  beforeAll(async () => {
    template = await accountTemplate({ seats: 10 })
  })
  afterAll(() => template.dispose())
  beforeEach(async () => {
    t = await template.fresh()
  })

  const eventsFor = (connectionId: string) => t.events.filter((e) => e.connectionId === connectionId).map((e) => ({ event: e.event, payload: e.payload }))
  const status = async (connectionId: string) =>
    expectOk<{ session: { permissions: string[]; principal: { role: string } } | null }>(await t.core.dispatch(connectionId, 'auth:status', {}))

  it('a role change reaches the person at once: session:changed to their windows, new permissions on the next call', async () => {
    const admin = await quickMember(t.core, { role: 'admin' })
    const agent = await quickMember(t.core, { role: 'agent' })
    const agentWindow = await sessionOf(t.core, agent.membershipId)
    expectError(await t.core.dispatch(agentWindow, 'users:list', {}), 'FORBIDDEN')
    const adminWindow = await sessionOf(t.core, admin.membershipId)
    const seq = await ledgerSize(t.core)
    const detail = expectOk<UserDetail>(await t.core.dispatch(adminWindow, 'users:update', { membershipId: agent.membershipId, role: 'admin' }))
    expect(detail.role).toBe('admin')
    expect(eventsFor(agentWindow)).toContainEqual({ event: 'session:changed', payload: {} })
    expect((await status(agentWindow)).session?.principal.role).toBe('admin')
    expect((await status(agentWindow)).session?.permissions).toContain('users:manage')
    expectOk(await t.core.dispatch(agentWindow, 'users:list', {}))
    expect((await auditSince(t.core, seq))).toMatchObject([{ action: 'member.role-changed', before: { role: 'agent' }, after: { role: 'admin' }, actorEmail: admin.email }])
  })

  it('nobody changes their own role or deactivates themselves; the Owner is never demoted or deactivated', async () => {
    const admin = await quickMember(t.core, { role: 'admin' })
    const w = await sessionOf(t.core, admin.membershipId)
    const seq = await ledgerSize(t.core)
    expectError(await t.core.dispatch(w, 'users:update', { membershipId: admin.membershipId, role: 'viewer' }), 'CONFLICT', /your own role/)
    expectError(await t.core.dispatch(w, 'users:deactivate', { membershipId: admin.membershipId }), 'CONFLICT', /yourself/)
    expectError(await t.core.dispatch(w, 'users:update', { membershipId: t.ownerMembershipId, role: 'admin' }), 'CONFLICT', /transferring ownership/)
    expectError(await t.core.dispatch(w, 'users:deactivate', { membershipId: t.ownerMembershipId }), 'CONFLICT', /Owner/)
    expectError(await t.core.dispatch(t.owner, 'users:update', { membershipId: t.ownerMembershipId, role: 'admin' }), 'CONFLICT')
    expect(await ledgerSize(t.core)).toBe(seq)
    // Editing your own name is fine.
    expect(expectOk<UserDetail>(await t.core.dispatch(w, 'users:update', { membershipId: admin.membershipId, name: 'Ada Admin' })).isSelf).toBe(true)
  })

  it('deactivation ends every session of that person at once, frees the seat, keeps history; reactivation restores access', async () => {
    const agent = await quickMember(t.core, { role: 'agent' })
    const windows = [await sessionOf(t.core, agent.membershipId), await sessionOf(t.core, agent.membershipId)]
    const before = expectOk<{ used: number }>(await t.core.dispatch(t.owner, 'users:seats', {}))
    const loginRows = async () => Number((await testDb(t.core).get<{ n: number }>('SELECT count(*) AS n FROM sessions WHERE person_id = ?', agent.personId))!.n)
    const sessionsBefore = await loginRows()
    const detail = expectOk<UserDetail>(await t.core.dispatch(t.owner, 'users:deactivate', { membershipId: agent.membershipId }))
    expect(detail).toMatchObject({ status: 'deactivated', deactivatedAt: t.clock.now() })
    for (const w of windows) {
      expect(eventsFor(w)).toContainEqual({ event: 'session:ended', payload: { reason: 'deactivated', message: 'Your access to this account was deactivated.' } })
      expectError(await t.core.dispatch(w, 'profile:get', {}), 'UNAUTHENTICATED')
    }
    expect(expectOk<{ used: number }>(await t.core.dispatch(t.owner, 'users:seats', {})).used).toBe(before.used - 1)
    expect(await loginRows()).toBe(sessionsBefore)
    expectError(await t.core.dispatch(t.core.connect(META), 'auth:sign-in', { email: agent.email, password: MEMBER_PASSWORD }), 'UNAUTHENTICATED', /deactivated/)
    expectOk(await t.core.dispatch(t.owner, 'users:reactivate', { membershipId: agent.membershipId }))
    expectOk(await t.core.dispatch(t.core.connect(META), 'auth:sign-in', { email: agent.email, password: MEMBER_PASSWORD }))
  })

  it('reactivation needs a free seat', async () => {
    const gone = await quickMember(t.core, { role: 'agent', status: 'deactivated' })
    for (let i = 0; i < 9; i++) await quickMember(t.core, { role: 'viewer' })
    expectError(await t.core.dispatch(t.owner, 'users:reactivate', { membershipId: gone.membershipId }), 'LIMIT', /^10 of 10 seats used; reactivating 1 person needs 1 more seat\.$/)
  })

  it('bulk role change is all or nothing: a selection holding the Owner or yourself is refused whole', async () => {
    const admin = await quickMember(t.core, { role: 'admin' })
    const a = await quickMember(t.core, { role: 'agent' })
    const b = await quickMember(t.core, { role: 'agent' })
    const v = await quickMember(t.core, { role: 'viewer' })
    const w = await sessionOf(t.core, admin.membershipId)
    const seq = await ledgerSize(t.core)
    expectError(await t.core.dispatch(w, 'users:bulk-set-role', { membershipIds: [a.membershipId, t.ownerMembershipId], role: 'viewer' }), 'CONFLICT', /Owner/)
    expectError(await t.core.dispatch(w, 'users:bulk-set-role', { membershipIds: [a.membershipId, admin.membershipId], role: 'viewer' }), 'CONFLICT', /your own role/)
    expectError(await t.core.dispatch(w, 'users:bulk-set-role', { membershipIds: [a.membershipId, 'no-such-member'], role: 'viewer' }), 'NOT_FOUND')
    expect(await ledgerSize(t.core)).toBe(seq)
    expect(await testDb(t.core).get("SELECT count(*) AS n FROM memberships WHERE role = 'viewer'")).toEqual({ n: 1 })
    const aWindow = await sessionOf(t.core, a.membershipId)
    expect(expectOk(await t.core.dispatch(w, 'users:bulk-set-role', { membershipIds: [a.membershipId, b.membershipId, v.membershipId], role: 'viewer' }))).toEqual({
      changed: 2,
      unchanged: 1
    })
    const events = (await auditSince(t.core, seq))
    expect(events.map((e) => e.action)).toEqual(['member.role-changed', 'member.role-changed', 'users.bulk-role-changed'])
    expect(events[2]!.after).toMatchObject({ role: 'viewer', count: 2 })
    expect(eventsFor(aWindow)).toContainEqual({ event: 'session:changed', payload: {} })
  })

  it('bulk deactivate ends sessions, refuses invited people and the caller, one audit event per person plus one for the operation', async () => {
    const a = await quickMember(t.core, { role: 'agent' })
    const b = await quickMember(t.core, { role: 'viewer' })
    const invited = await quickMember(t.core, { role: 'viewer', status: 'invited' })
    const aWindow = await sessionOf(t.core, a.membershipId)
    const seq = await ledgerSize(t.core)
    expectError(await t.core.dispatch(t.owner, 'users:bulk-deactivate', { membershipIds: [a.membershipId, invited.membershipId] }), 'CONFLICT', /revoke/)
    expect(eventsFor(aWindow)).toEqual([])
    expect(await ledgerSize(t.core)).toBe(seq)
    expect(expectOk(await t.core.dispatch(t.owner, 'users:bulk-deactivate', { membershipIds: [a.membershipId, b.membershipId] }))).toEqual({ changed: 2, unchanged: 0 })
    expect((await auditSince(t.core, seq)).map((e) => e.action)).toEqual(['member.deactivated', 'member.deactivated', 'users.bulk-deactivated'])
    expect(eventsFor(aWindow).map((e) => e.event)).toEqual(['session:ended'])
  })

  it('bulk reactivate is all or nothing: invited people and a selection past the free seats are refused whole', async () => {
    const a = await quickMember(t.core, { role: 'agent', status: 'deactivated' })
    const b = await quickMember(t.core, { role: 'viewer', status: 'deactivated' })
    const active = await quickMember(t.core, { role: 'agent' })
    const invited = await quickMember(t.core, { role: 'viewer', status: 'invited' })
    const seq = await ledgerSize(t.core)
    expectError(await t.core.dispatch(t.owner, 'users:bulk-reactivate', { membershipIds: [a.membershipId, invited.membershipId] }), 'CONFLICT', /resend/)
    expect(await ledgerSize(t.core)).toBe(seq)
    // Past the free seats: refused whole, with the figure.
    const use = expectOk<{ used: number; total: number }>(await t.core.dispatch(t.owner, 'users:seats', {}))
    await testDb(t.core).run('UPDATE accounts SET seats = ?', use.used + 1)
    expectError(await t.core.dispatch(t.owner, 'users:bulk-reactivate', { membershipIds: [a.membershipId, b.membershipId] }), 'LIMIT')
    expect(await ledgerSize(t.core)).toBe(seq)
    await testDb(t.core).run('UPDATE accounts SET seats = ?', use.total)
    expect(expectOk(await t.core.dispatch(t.owner, 'users:bulk-reactivate', { membershipIds: [a.membershipId, b.membershipId, active.membershipId] }))).toEqual({ changed: 2, unchanged: 1 })
    expect((await auditSince(t.core, seq)).map((e) => e.action)).toEqual(['member.reactivated', 'member.reactivated', 'users.bulk-reactivated'])
    expect(expectOk<{ status: string }>(await t.core.dispatch(t.owner, 'users:get', { membershipId: b.membershipId })).status).toBe('active')
  })

  it('teams: unique names ignoring case; members added from the team and from the person; delete keeps the members', async () => {
    const a = await quickMember(t.core, { role: 'agent', name: 'Anna Agent' })
    const b = await quickMember(t.core, { role: 'agent', name: 'Ben Agent' })
    const team = expectOk<{ id: string; memberCount: number }>(
      await t.core.dispatch(t.owner, 'teams:create', { name: 'Support Tier 1', description: 'First line', membershipIds: [a.membershipId] })
    )
    expect(team.memberCount).toBe(1)
    expectError(await t.core.dispatch(t.owner, 'teams:create', { name: 'support TIER 1' }), 'CONFLICT', /already exists/)
    expectError(await t.core.dispatch(t.owner, 'teams:create', { name: 'A;B' }), 'VALIDATION')
    const billing = expectOk<{ id: string }>(await t.core.dispatch(t.owner, 'teams:create', { name: 'Billing Team' }))
    // From the person's panel: the full list of teams.
    const detail = expectOk<UserDetail>(await t.core.dispatch(t.owner, 'users:update', { membershipId: b.membershipId, teamIds: [team.id, billing.id] }))
    expect(detail.teams.map((x) => x.name)).toEqual(['Billing Team', 'Support Tier 1'])
    const page = expectOk<{ rows: Array<{ name: string; teams: Array<{ name: string }> }>; total: number }>(
      await t.core.dispatch(t.owner, 'users:list', { teamId: team.id })
    )
    expect(page.rows.map((r) => r.name)).toEqual(['Anna Agent', 'Ben Agent'])
    expect(page.total).toBe(2)
    expect(page.rows[1]!.teams.map((x) => x.name)).toEqual(['Billing Team', 'Support Tier 1'])
    const seq = await ledgerSize(t.core)
    expect(expectOk(await t.core.dispatch(t.owner, 'teams:remove-members', { teamId: team.id, membershipIds: [a.membershipId, b.membershipId] }))).toMatchObject({
      changed: 2,
      team: { memberCount: 0 }
    })
    expect((await auditSince(t.core, seq)).map((e) => e.action)).toEqual(['member.team-removed', 'member.team-removed', 'team.members-removed'])
    expectOk(await t.core.dispatch(t.owner, 'teams:update', { teamId: team.id, name: 'Tier One' }))
    expect(expectOk(await t.core.dispatch(t.owner, 'teams:delete', { teamId: billing.id }))).toEqual({ deleted: true, membersKept: 1 })
    expect(expectOk<UserDetail>(await t.core.dispatch(t.owner, 'users:get', { membershipId: b.membershipId })).teams).toEqual([])
    const teams = expectOk<{ teams: Array<{ name: string; memberCount: number }> }>(await t.core.dispatch(t.owner, 'teams:list', {}))
    expect(teams.teams).toEqual([expect.objectContaining({ name: 'Tier One', memberCount: 0 })])
  })

  it('bulk add to / remove from a team is all or nothing', async () => {
    const a = await quickMember(t.core, { role: 'agent' })
    const team = expectOk<{ id: string }>(await t.core.dispatch(t.owner, 'teams:create', { name: 'VIP Support' }))
    const seq = await ledgerSize(t.core)
    expectError(await t.core.dispatch(t.owner, 'users:bulk-add-team', { membershipIds: [a.membershipId, 'missing-id'], teamId: team.id }), 'NOT_FOUND')
    expect(await ledgerSize(t.core)).toBe(seq)
    expect(await testDb(t.core).get('SELECT count(*) AS n FROM team_members')).toEqual({ n: 0 })
    expect(expectOk(await t.core.dispatch(t.owner, 'users:bulk-add-team', { membershipIds: [a.membershipId, t.ownerMembershipId], teamId: team.id }))).toEqual({
      changed: 2,
      unchanged: 0
    })
    expect((await auditSince(t.core, seq)).map((e) => e.action)).toEqual(['member.team-added', 'member.team-added', 'users.bulk-team-added'])
    expect(expectOk(await t.core.dispatch(t.owner, 'users:bulk-remove-team', { membershipIds: [a.membershipId], teamId: team.id }))).toEqual({ changed: 1, unchanged: 0 })
  })

  it('agent custom permissions: stored, shown, and "Export data" grants report export on the next call', async () => {
    const agent = await quickMember(t.core, { role: 'agent' })
    const w = await sessionOf(t.core, agent.membershipId)
    expect((await status(w)).session?.permissions).toEqual(['profile:self'])
    const seq = await ledgerSize(t.core)
    expectOk(await t.core.dispatch(t.owner, 'users:update', { membershipId: agent.membershipId, permissions: ['export-data', 'manage-macros'] }))
    expect((await auditSince(t.core, seq))[0]).toMatchObject({ action: 'member.updated', before: { permissions: [] }, after: { permissions: ['export-data', 'manage-macros'] } })
    expect(eventsFor(w)).toContainEqual({ event: 'session:changed', payload: {} })
    expect((await status(w)).session?.permissions).toEqual(['profile:self', 'reports:export'])
    expect(expectOk<{ permissions: string[] }>(await t.core.dispatch(w, 'profile:get', {})).permissions).toEqual(['export-data', 'manage-macros'])
    // Exporting the people list also needs seeing people, which agents do not.
    expectError(await t.core.dispatch(w, 'users:export', {}), 'FORBIDDEN')
    // As a Viewer the stored permission grants nothing.
    expectOk(await t.core.dispatch(t.owner, 'users:update', { membershipId: agent.membershipId, role: 'viewer' }))
    expect((await status(w)).session?.permissions).not.toContain('reports:export')
  })

  it('changing an Agent to another role clears their agent permissions: audited, reported, and announced by the capabilities', async () => {
    const agent = await quickMember(t.core, { role: 'agent' })
    expectOk(await t.core.dispatch(t.owner, 'users:update', { membershipId: agent.membershipId, permissions: ['export-data', 'view-analytics'] }))
    const before = expectOk<UserDetail>(await t.core.dispatch(t.owner, 'users:get', { membershipId: agent.membershipId }))
    expect(before.capabilities.editRole).toEqual({ allowed: true, reason: null, clearsAgentPermissions: ['export-data', 'view-analytics'] })
    expect(before.capabilities.editAgentPermissions).toEqual({ allowed: true, reason: null })
    const seq = await ledgerSize(t.core)
    const detail = expectOk<UserDetail>(await t.core.dispatch(t.owner, 'users:update', { membershipId: agent.membershipId, role: 'viewer' }))
    expect(detail).toMatchObject({ role: 'viewer', permissions: [], clearedAgentPermissions: ['export-data', 'view-analytics'] })
    expect(detail.capabilities.editAgentPermissions).toMatchObject({ allowed: false, reason: expect.stringMatching(/only to Agents/) })
    expect(detail.capabilities.editRole.clearsAgentPermissions).toEqual([])
    expect(await auditSince(t.core, seq)).toMatchObject([
      { action: 'member.role-changed', before: { role: 'agent', permissions: ['export-data', 'view-analytics'] }, after: { role: 'viewer', permissions: [] } }
    ])
    expect((await auditSince(t.core, seq))[0]!.summary).toMatch(/agent permissions were cleared/)
    // Non-agents hold no agent permissions: granting one is refused, clearing nothing is a no-op.
    expectError(await t.core.dispatch(t.owner, 'users:update', { membershipId: agent.membershipId, permissions: ['export-data'] }), 'CONFLICT', /only to Agents/)
    expectOk(await t.core.dispatch(t.owner, 'users:update', { membershipId: agent.membershipId, permissions: [] }))
    // Becoming an Agent again and getting permissions in the same change is fine.
    const again = expectOk<UserDetail>(await t.core.dispatch(t.owner, 'users:update', { membershipId: agent.membershipId, role: 'agent', permissions: ['manage-macros'] }))
    expect(again).toMatchObject({ role: 'agent', permissions: ['manage-macros'] })
    // Bulk role changes clear them the same way.
    expect(expectOk(await t.core.dispatch(t.owner, 'users:bulk-set-role', { membershipIds: [agent.membershipId], role: 'admin' }))).toEqual({ changed: 1, unchanged: 0 })
    expect(expectOk<UserDetail>(await t.core.dispatch(t.owner, 'users:get', { membershipId: agent.membershipId })).permissions).toEqual([])
  })

  it('capabilities come from the same rules the handlers enforce', async () => {
    const admin = await quickMember(t.core, { role: 'admin' })
    const viewer = await quickMember(t.core, { role: 'viewer' })
    const gone = await quickMember(t.core, { role: 'agent', status: 'deactivated' })
    const invited = await quickMember(t.core, { role: 'viewer', status: 'invited' })
    const get = async (window: string, membershipId: string) => expectOk<UserDetail>(await t.core.dispatch(window, 'users:get', { membershipId })).capabilities
    const adminWindow = await sessionOf(t.core, admin.membershipId)
    const viewerWindow = await sessionOf(t.core, viewer.membershipId)
    // Oneself: no role change, no deactivation; teams and name still editable.
    const self = await get(adminWindow, admin.membershipId)
    expect(self.editRole).toMatchObject({ allowed: false, reason: expect.stringMatching(/your own role/) })
    expect(self.deactivate).toMatchObject({ allowed: false, reason: expect.stringMatching(/yourself/) })
    expect(self.editTeams.allowed).toBe(true)
    expect(self.transferOwnership).toMatchObject({ allowed: false, reason: expect.stringMatching(/Only the Owner/) })
    // The Owner, seen by an Admin.
    const owner = await get(adminWindow, t.ownerMembershipId)
    expect(owner.editRole).toMatchObject({ allowed: false, reason: expect.stringMatching(/transferring ownership/) })
    expect(owner.deactivate).toMatchObject({ allowed: false, reason: expect.stringMatching(/Owner/) })
    // An active Admin, seen by the Owner: transfer allowed; a Viewer: refused with the core's message.
    expect((await get(t.owner, admin.membershipId)).transferOwnership).toEqual({ allowed: true, reason: null })
    expect((await get(t.owner, viewer.membershipId)).transferOwnership).toMatchObject({ allowed: false, reason: expect.stringMatching(/active Admin/) })
    // A deactivated person: reactivate (a seat is free), role change allowed (the core allows it), no deactivation.
    const deactivated = await get(t.owner, gone.membershipId)
    expect(deactivated.reactivate).toEqual({ allowed: true, reason: null })
    expect(deactivated.editRole.allowed).toBe(true)
    expect(deactivated.deactivate).toMatchObject({ allowed: false, reason: expect.stringMatching(/already deactivated/) })
    // An invited person: neither deactivate nor reactivate, as the handlers refuse.
    const pending = await get(t.owner, invited.membershipId)
    expect(pending.deactivate).toMatchObject({ allowed: false, reason: expect.stringMatching(/revoke the invitation/) })
    expect(pending.reactivate).toMatchObject({ allowed: false, reason: expect.stringMatching(/resend the invitation/) })
    expectError(await t.core.dispatch(t.owner, 'users:deactivate', { membershipId: invited.membershipId }), 'CONFLICT', /revoke the invitation/)
    // A Viewer may see people but change nothing.
    const seen = await get(viewerWindow, admin.membershipId)
    for (const c of [seen.editRole, seen.deactivate, seen.reactivate, seen.editAgentPermissions, seen.editTeams]) expect(c.allowed).toBe(false)
    // No free seat: reactivation is refused with the LIMIT message.
    for (let i = 0; i < 6; i++) await quickMember(t.core, { role: 'viewer' })
    const full = await get(t.owner, gone.membershipId)
    expect(full.reactivate).toMatchObject({ allowed: false, reason: expect.stringMatching(/seats used; reactivating 1 person/) })
    expectError(await t.core.dispatch(t.owner, 'users:reactivate', { membershipId: gone.membershipId }), 'LIMIT')
  })

  it('avatars over 256 KB are refused; smaller ones are stored and listed', async () => {
    const agent = await quickMember(t.core, { role: 'agent' })
    const small = `data:image/png;base64,${Buffer.alloc(10_000, 7).toString('base64')}`
    const big = `data:image/jpeg;base64,${Buffer.alloc(256 * 1024 + 3, 7).toString('base64')}`
    expectError(await t.core.dispatch(t.owner, 'users:update', { membershipId: agent.membershipId, avatar: big }), 'LIMIT', /257 KB/)
    expectError(await t.core.dispatch(t.owner, 'users:update', { membershipId: agent.membershipId, avatar: 'data:text/html;base64,AAAA' }), 'VALIDATION')
    expect(expectOk<UserDetail>(await t.core.dispatch(t.owner, 'users:update', { membershipId: agent.membershipId, avatar: small })).avatar).toBe(small)
    const w = await sessionOf(t.core, agent.membershipId)
    expectOk(await t.core.dispatch(w, 'profile:update', { avatar: null, theme: 'dark' }))
    expect(expectOk<{ avatar: string | null; theme: string }>(await t.core.dispatch(w, 'profile:get', {}))).toMatchObject({ avatar: null, theme: 'dark' })
  })

  it('changing the password needs the current one, follows the rules, and ends that person\'s other sessions', async () => {
    const agent = await quickMember(t.core, { role: 'agent' })
    const here = await sessionOf(t.core, agent.membershipId)
    const other = await sessionOf(t.core, agent.membershipId)
    const bystander = await sessionOf(t.core, t.ownerMembershipId)
    expectError(await t.core.dispatch(here, 'profile:change-password', { current: 'wrong-password-entirely', next: 'copper-lighthouse-orchard-58' }), 'VALIDATION', /current password/)
    expectError(await t.core.dispatch(here, 'profile:change-password', { current: MEMBER_PASSWORD, next: 'short' }), 'VALIDATION', /12 characters/)
    const seq = await ledgerSize(t.core)
    expect(expectOk(await t.core.dispatch(here, 'profile:change-password', { current: MEMBER_PASSWORD, next: 'copper-lighthouse-orchard-58' }))).toEqual({
      changed: true,
      otherSessionsEnded: 1
    })
    expect(eventsFor(other)).toContainEqual({ event: 'session:ended', payload: { reason: 'password-changed', message: expect.stringContaining('password was changed') } })
    expect(eventsFor(here).some((e) => e.event === 'session:ended')).toBe(false)
    expect(eventsFor(bystander).some((e) => e.event === 'session:ended')).toBe(false)
    expectOk(await t.core.dispatch(here, 'profile:get', {}))
    expect((await auditSince(t.core, seq)).map((e) => e.action)).toEqual(['profile.password-changed'])
    expectError(await t.core.dispatch(t.core.connect(META), 'auth:sign-in', { email: agent.email, password: MEMBER_PASSWORD }), 'UNAUTHENTICATED')
    expectOk(await t.core.dispatch(t.core.connect(META), 'auth:sign-in', { email: agent.email, password: 'copper-lighthouse-orchard-58' }))
  })

  it('ownership goes only to an active Admin after the password; the old Owner becomes Admin; both windows are told', async () => {
    const admin = await quickMember(t.core, { role: 'admin' })
    const agent = await quickMember(t.core, { role: 'agent' })
    const adminWindow = await sessionOf(t.core, admin.membershipId)
    expectError(await t.core.dispatch(t.owner, 'account:transfer-ownership', { toMembershipId: admin.membershipId, password: 'wrong-password-here' }), 'VALIDATION')
    expectError(await t.core.dispatch(t.owner, 'account:transfer-ownership', { toMembershipId: agent.membershipId, password: 'violet-harbour-lantern-42' }), 'CONFLICT', /active Admin/)
    const seq = await ledgerSize(t.core)
    expectOk(await t.core.dispatch(t.owner, 'account:transfer-ownership', { toMembershipId: admin.membershipId, password: 'violet-harbour-lantern-42' }))
    expect(await testDb(t.core).all("SELECT membership_id AS id FROM memberships WHERE role = 'owner'")).toEqual([{ id: admin.membershipId }])
    expect((await status(t.owner)).session?.principal.role).toBe('admin')
    expect(eventsFor(adminWindow)).toContainEqual({ event: 'session:changed', payload: {} })
    expect(eventsFor(t.owner)).toContainEqual({ event: 'session:changed', payload: {} })
    expect((await auditSince(t.core, seq)).map((e) => e.action)).toEqual(['account.ownership-transferred', 'member.role-changed', 'member.role-changed'])
    // The former Owner can now be demoted by the new one, but not the other way round.
    expectError(await t.core.dispatch(t.owner, 'users:update', { membershipId: admin.membershipId, role: 'viewer' }), 'CONFLICT')
    expectOk(await t.core.dispatch(adminWindow, 'users:update', { membershipId: t.ownerMembershipId, role: 'viewer' }))
  })
})
