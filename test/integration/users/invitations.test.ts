import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createHash } from 'node:crypto'
import type { InvitationDelivery } from '../../../src/shared/contract/users'
import { META, TEST_STORE, filesContaining, sqliteOf, testDb } from '../../support/core'
import { cheapHash } from '../support-access-fixtures'
import { accountTemplate, auditSince, expectError, expectOk, ledgerSize, quickMember, sessionOf, tokenOf, type FreshCore } from '../../support/users'

const DAY = 86_400_000
const PASSWORD = 'saffron-glacier-harvest-19'

describe('invitations', () => {
  let template: Awaited<ReturnType<typeof accountTemplate>>
  let t: FreshCore
  let owner: string

  beforeAll(async () => {
    template = await accountTemplate({ seats: 5 })
  })
  afterAll(() => template.dispose())
  beforeEach(async () => {
    t = await template.fresh()
    owner = t.owner
  })
  afterEach(() => t.dispose())
  /** Time moved past the idle timeout: the Owner opens a new window. */
  const ownerAgain = async () => (owner = await sessionOf(t.core, t.ownerMembershipId))

  const invite = async (emails: string[], extra: Record<string, unknown> = {}) =>
    expectOk<{ invited: InvitationDelivery[]; seats: { used: number; total: number } }>(
      await t.core.dispatch(owner, 'users:invite', { emails, role: 'agent', ...extra })
    )
  const accept = (token: string, name = 'New Person', password = PASSWORD) => {
    const connectionId = t.core.connect(META)
    return { connectionId, result: t.core.dispatch(connectionId, 'invitations:accept', { token, name, password }) }
  }

  it('without SMTP returns the link once, stores only its SHA-256, and lists the person as Invited', async () => {
    const { invited, seats } = await invite(['new.person@example.com'])
    expect(invited[0]).toMatchObject({ email: 'new.person@example.com', delivery: 'link', deliveryError: null })
    const token = tokenOf(invited[0]!.link)
    expect(Buffer.from(token, 'base64url')).toHaveLength(32)
    expect(seats).toMatchObject({ used: 2, total: 5 })
    const stored = (await testDb(t.core).get<{ token_hash: Buffer }>('SELECT token_hash FROM invitations'))!
    expect(Buffer.from(stored.token_hash).equals(createHash('sha256').update(token).digest())).toBe(true)
    // The files of the data folder (on PostgreSQL it holds only the key envelope).
    if (TEST_STORE === 'sqlite') sqliteOf(t.core).pragma('wal_checkpoint(TRUNCATE)')
    expect(filesContaining(t.dir, token)).toEqual([])
    const inspected = expectOk(await t.core.dispatch(t.core.connect(META), 'invitations:inspect', { token }))
    expect(inspected).toMatchObject({ email: 'new.person@example.com', state: 'pending', role: 'agent', accountName: 'Acme Support', choosesPassword: true })
  })

  it('accepting with name and password makes the person Active, signs in that window, and writes a login and an audit event', async () => {
    const { invited } = await invite(['Mixed.Case@Example.com'])
    const seq = await ledgerSize(t.core)
    const { connectionId, result } = accept(`gatehouse://invite/${tokenOf(invited[0]!.link)}`, 'Mia Mixed')
    const session = expectOk<{ principal: { name: string; role: string }; permissions: string[] }>(await result)
    expect(session.principal).toMatchObject({ name: 'Mia Mixed', role: 'agent' })
    expect(session.permissions).toEqual(['profile:self'])
    expectOk(await t.core.dispatch(connectionId, 'profile:get', {}))
    const login = await testDb(t.core).get("SELECT method, result, reason, email_tried FROM login_events WHERE reason = 'invitation accepted'")
    expect(login).toEqual({ method: 'invitation', result: 'success', reason: 'invitation accepted', email_tried: 'Mixed.Case@Example.com' })
    expect((await auditSince(t.core, seq)).map((e) => [e.action, e.before, e.after])).toEqual([
      ['member.joined', { status: 'invited', name: 'Mixed.Case' }, { status: 'active', name: 'Mia Mixed' }]
    ])
    // The new password signs in, emails compared ignoring case.
    expectOk(await t.core.dispatch(t.core.connect(META), 'auth:sign-in', { email: 'mixed.case@example.com', password: PASSWORD }))
  })

  it('is single use', async () => {
    const token = tokenOf((await invite(['once@example.com'])).invited[0]!.link)
    expectOk(await accept(token).result)
    expectError(await accept(token).result, 'CONFLICT', /already accepted/)
    expect(expectOk<{ state: string }>(await t.core.dispatch(t.core.connect(META), 'invitations:inspect', { token })).state).toBe('accepted')
  })

  it('expires after 7 days: shown as expired, cannot be accepted, frees the seat', async () => {
    const { invited } = await invite(['late@example.com'])
    const token = tokenOf(invited[0]!.link)
    t.clock.advance(7 * DAY - 1000)
    await ownerAgain()
    const listed = async () =>
      expectOk<{ rows: Array<{ email: string; status: string }>; seats: { used: number } }>(await t.core.dispatch(owner, 'users:list', { search: 'late@' }))
    expect((await listed()).rows[0]!.status).toBe('invited')
    t.clock.advance(1000)
    expect((await listed()).rows[0]!.status).toBe('expired')
    expect((await listed()).seats.used).toBe(1)
    expectError(await accept(token).result, 'CONFLICT', /expired/)
    expect(await testDb(t.core).get("SELECT status FROM memberships m JOIN persons p USING (person_id) WHERE p.email = 'late@example.com'")).toEqual({ status: 'invited' })
  })

  it('resend issues a new link and 7 new days; the old link stops working', async () => {
    const { invited } = await invite(['again@example.com'])
    const oldToken = tokenOf(invited[0]!.link)
    t.clock.advance(8 * DAY)
    await ownerAgain()
    const seq = await ledgerSize(t.core)
    const resent = expectOk<InvitationDelivery>(await t.core.dispatch(owner, 'users:resend-invitation', { membershipId: invited[0]!.membershipId }))
    const newToken = tokenOf(resent.link)
    expect(newToken).not.toBe(oldToken)
    expect(resent.expiresAt).toBe(t.clock.now() + 7 * DAY)
    expect((await auditSince(t.core, seq))[0]).toMatchObject({ action: 'member.invitation-resent', before: { status: 'expired' }, after: { status: 'invited', expiresAt: resent.expiresAt } })
    expectError(await accept(oldToken).result, 'CONFLICT', /newer invitation/)
    expect(expectOk<{ state: string }>(await t.core.dispatch(t.core.connect(META), 'invitations:inspect', { token: oldToken })).state).toBe('replaced')
    expectOk(await accept(newToken).result)
  })

  it('bulk resend gives each selected invitation a new link, all or none: someone who joined, or expired ones past the free seats, refuse the whole selection', async () => {
    // 5 seats: the Owner and three invited people; one more invitation expires and frees its seat.
    const { invited } = await invite(['one@example.com', 'two@example.com', 'three@example.com'])
    const oldTokens = invited.map((i) => tokenOf(i.link))
    const ids = invited.map((i) => i.membershipId)
    const joined = await quickMember(t.core, { role: 'agent' })
    const seq = await ledgerSize(t.core)
    expectError(await t.core.dispatch(owner, 'users:bulk-resend-invitations', { membershipIds: [...ids, joined.membershipId] }), 'CONFLICT', /Already joined.*Nothing was resent/)
    expect(await ledgerSize(t.core)).toBe(seq)
    const resent = expectOk<{ invited: InvitationDelivery[] }>(await t.core.dispatch(owner, 'users:bulk-resend-invitations', { membershipIds: ids }))
    expect(resent.invited.map((i) => i.email)).toEqual(['one@example.com', 'two@example.com', 'three@example.com'])
    for (const [i, token] of oldTokens.entries()) {
      expect(tokenOf(resent.invited[i]!.link)).not.toBe(token)
      expectError(await accept(token).result, 'CONFLICT', /newer invitation/)
    }
    const events = await auditSince(t.core, seq)
    expect(events.map((e) => e.action)).toEqual(['member.invitation-resent', 'member.invitation-resent', 'member.invitation-resent', 'users.invitations-resent'])
    expect(events[3]!.summary).toMatch(/resent 3 invitations/)

    // All expire, and the seats fill up (the Owner, the agent and three more): reviving them is refused whole.
    t.clock.advance(8 * DAY)
    await ownerAgain()
    for (let i = 0; i < 3; i++) await quickMember(t.core, { role: 'viewer' })
    const before = await ledgerSize(t.core)
    expectError(await t.core.dispatch(owner, 'users:bulk-resend-invitations', { membershipIds: ids }), 'LIMIT')
    expect(await ledgerSize(t.core)).toBe(before)
  })

  it('revoke voids the link and removes the invited person from the list; the audit log keeps the record', async () => {
    const { invited } = await invite(['gone@example.com'])
    const token = tokenOf(invited[0]!.link)
    expectOk(await t.core.dispatch(owner, 'users:revoke-invitation', { membershipId: invited[0]!.membershipId }))
    expectError(await accept(token).result, 'CONFLICT', /revoked/)
    expect(expectOk(await t.core.dispatch(t.core.connect(META), 'invitations:inspect', { token }))).toMatchObject({ state: 'revoked', role: null })
    expect(await testDb(t.core).get("SELECT count(*) AS n FROM persons WHERE email = 'gone@example.com'")).toEqual({ n: 0 })
    expect((await auditSince(t.core, 0)).filter((e) => e.action === 'member.invitation-revoked')[0]).toMatchObject({ before: { email: 'gone@example.com', status: 'invited' } })
    // Revoking someone who joined is refused; deactivation is the way.
    const member = await quickMember(t.core, { role: 'agent' })
    expectError(await t.core.dispatch(owner, 'users:revoke-invitation', { membershipId: member.membershipId }), 'CONFLICT', /deactivate/)
  })

  it('refuses a bad token, and applies the password rules on accept', async () => {
    expectError(await t.core.dispatch(t.core.connect(META), 'invitations:inspect', { token: 'A'.repeat(43) }), 'NOT_FOUND')
    expectError(await t.core.dispatch(t.core.connect(META), 'invitations:inspect', { token: 'not-a-token' }), 'VALIDATION')
    const token = tokenOf((await invite(['rules@example.com'])).invited[0]!.link)
    expectError(await accept(token, 'Rules', 'short').result, 'VALIDATION', /12 characters/)
    expectError(await accept(token, 'Rules', 'rules@example.com').result, 'VALIDATION')
    expectOk(await accept(token, 'Rules Person').result)
  })

  it('locks an existing person after five wrong passwords on an invitation link, even for the right one, and locks sign-in too', async () => {
    const token = tokenOf((await invite(['known@example.com'])).invited[0]!.link)
    // Someone who already has a Gatehouse password proves it instead of choosing one.
    await testDb(t.core).run('UPDATE persons SET password_hash = ? WHERE email = ?', cheapHash(PASSWORD), 'known@example.com')
    expect(expectOk(await t.core.dispatch(t.core.connect(META), 'invitations:inspect', { token }))).toMatchObject({ choosesPassword: false })
    for (let i = 1; i <= 4; i++) expectError(await accept(token, 'Known', `wrong-password-guess-${i}`).result, 'UNAUTHENTICATED', /already use/)
    expectError(await accept(token, 'Known', 'wrong-password-guess-5').result, 'LOCKED')
    expectError(await accept(token, 'Known', PASSWORD).result, 'LOCKED')
    expectError(await t.core.dispatch(t.core.connect(META), 'auth:sign-in', { email: 'known@example.com', password: PASSWORD }), 'LOCKED')
    const events = await testDb(t.core).all<{ result: string }>("SELECT result FROM login_events WHERE email_tried = 'known@example.com' ORDER BY login_event_id")
    expect(events.map((e) => e.result)).toEqual([...Array(5).fill('failure'), 'locked', 'locked'])
    expect((await testDb(t.core).get<{ status: string }>("SELECT status FROM memberships m JOIN persons p ON p.person_id = m.person_id WHERE p.email = 'known@example.com'"))!.status).toBe('invited')
    // Past the lock the right password accepts the invitation, and the count starts again.
    t.clock.advance(16 * 60_000)
    expectOk(await accept(token, 'Known', PASSWORD).result)
    expect(await testDb(t.core).get("SELECT email FROM identity_locks WHERE email = 'known@example.com'")).toBeUndefined()
  })

  it('refuses inviting past the seat limit with the figure, and inviting an existing member; nothing is written', async () => {
    await invite(['a@example.com', 'b@example.com'])
    const seq = await ledgerSize(t.core)
    expectError(
      await t.core.dispatch(owner, 'users:invite', { emails: ['c@example.com', 'd@example.com', 'e@example.com'], role: 'viewer' }),
      'LIMIT',
      /^3 of 5 seats used; inviting 3 people needs 1 more seat\.$/
    )
    expectError(await t.core.dispatch(owner, 'users:invite', { emails: ['x@example.com', 'A@EXAMPLE.COM'], role: 'viewer' }), 'CONFLICT', /A@EXAMPLE\.COM \(invited\)/)
    expectError(await t.core.dispatch(owner, 'users:invite', { emails: ['olivia@EXAMPLE.com'], role: 'admin' }), 'CONFLICT', /Already a member/)
    expectError(await t.core.dispatch(owner, 'users:invite', { emails: ['y@example.com'], role: 'owner' }), 'VALIDATION')
    expect(await ledgerSize(t.core)).toBe(seq)
    // Duplicates in one request count once.
    const ok = await invite(['dup@example.com', 'DUP@example.com'])
    expect(ok.invited).toHaveLength(1)
    expect(ok.seats.used).toBe(4)
  })

  it('invites with teams and agent permissions, audited with the values', async () => {
    const team = expectOk<{ id: string }>(await t.core.dispatch(owner, 'teams:create', { name: 'Support Tier 1' }))
    const seq = await ledgerSize(t.core)
    const { invited } = await invite(['teamed@example.com'], { teamIds: [team.id], permissions: ['export-data', 'view-analytics'] })
    const detail = expectOk<{ teams: Array<{ name: string }>; permissions: string[]; invitation: { state: string; invitedBy: string } }>(
      await t.core.dispatch(owner, 'users:get', { membershipId: invited[0]!.membershipId })
    )
    expect(detail.teams.map((x) => x.name)).toEqual(['Support Tier 1'])
    expect(detail.permissions).toEqual(['export-data', 'view-analytics'])
    expect(detail.invitation).toMatchObject({ state: 'pending', invitedBy: 'Olivia Owner' })
    const [event] = await auditSince(t.core, seq)
    expect(event).toMatchObject({ action: 'member.invited', after: { email: 'teamed@example.com', role: 'agent', teams: ['Support Tier 1'], permissions: ['export-data', 'view-analytics'] } })
    expect(JSON.stringify(event)).not.toContain(tokenOf(invited[0]!.link))
  })
})
