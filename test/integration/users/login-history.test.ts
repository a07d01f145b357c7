import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { LoginHistoryDto } from '../../../src/shared/contract/login-history'
import { addMember, call, META, OWNER, openTestCore, setupAccount, signIn, testDb, type TestCore, type TestMember } from '../../support/core'

const DAY = 86_400_000

/** A person's login history in the user panel, unlock and sign out everywhere (issue 10 part 1). */
describe('login history per person', () => {
  let t: TestCore
  let owner: string
  let ada: TestMember
  let adaMembership: string

  const days = () => {
    const now = t.core.clock.now()
    const start = Math.floor(now / DAY) * DAY - 29 * DAY
    return Array.from({ length: 31 }, (_, i) => start + i * DAY)
  }
  // The Owner's window, signed in again when the clock has moved past the idle timeout.
  const ownerWindow = async () => {
    if ((await t.core.dispatch(owner, 'auth:status', {})).ok && (await t.core.dispatch(owner, 'users:seats', {})).ok) return owner
    owner = await signIn(t.core, OWNER.email, OWNER.password)
    return owner
  }
  const history = async (conn?: string) => call<LoginHistoryDto>(t.core, conn ?? (await ownerWindow()), 'users:login-history', { membershipId: adaMembership, bounds: days() })
  const wrong = (email: string, meta = META) => t.core.dispatch(t.core.connect(meta), 'auth:sign-in', { email, password: 'not-the-password' })

  beforeAll(async () => {
    t = await openTestCore()
    await setupAccount(t.core)
    owner = await signIn(t.core, OWNER.email, OWNER.password)
    ada = await addMember(t.core, { name: 'Ada Admin', email: 'ada@example.com', role: 'admin' })
    adaMembership = ada.membershipId
  })
  afterAll(async () => t.dispose())

  it('says never for a person who has not signed in', async () => {
    expect(await history()).toMatchObject({ email: 'ada@example.com', lastLogin: null, failedLast30: 0, addresses: [], devices: [], failures: [], lockedUntil: null, sessions: [] })
    expect((await history()).perDay).toEqual(new Array(30).fill(0))
  })

  it('counts sign-ins per day, and keeps addresses and devices with first and last seen', async () => {
    const first = t.core.clock.now()
    await signIn(t.core, ada.email, ada.password, { ...META, ip: '203.0.113.5', device: 'Firefox 140 on Linux' })
    t.clock.advance(2 * DAY)
    const laptop = await signIn(t.core, ada.email, ada.password, { ...META, ip: '203.0.113.5', device: 'Chrome 142 on macOS' })
    t.clock.advance(60_000)
    const phone = await signIn(t.core, ada.email, ada.password, { ...META, ip: '198.51.100.7', device: 'Safari 19 on iOS' })
    const h = await history()
    expect(h.perDay.reduce((a, b) => a + b, 0)).toBe(3)
    expect(h.perDay.at(-1)).toBe(2)
    expect(h.lastLogin).toBe(t.core.clock.now())
    expect(h.addresses).toEqual([
      { value: '198.51.100.7', firstSeen: t.core.clock.now(), lastSeen: t.core.clock.now(), signIns: 1 },
      { value: '203.0.113.5', firstSeen: first, lastSeen: t.core.clock.now() - 60_000, signIns: 2 }
    ])
    expect(h.devices.map((d) => d.value)).toEqual(['Safari 19 on iOS', 'Chrome 142 on macOS', 'Firefox 140 on Linux'])
    // The sessions still open: the first one was replaced by nothing, so three are live.
    expect(h.sessions.map((s) => s.device).sort()).toEqual(['Chrome 142 on macOS', 'Firefox 140 on Linux', 'Safari 19 on iOS'])
    void laptop
    void phone
  })

  it('lists failed attempts with their reasons, and the lockout after five, which an Admin can lift (audited)', async () => {
    for (let i = 0; i < 5; i++) await wrong(ada.email, { ...META, ip: '192.0.2.66', device: 'curl' })
    const locked = await history()
    expect(locked.failedLast30).toBe(5)
    expect(locked.failures).toHaveLength(5)
    expect(locked.failures[0]).toMatchObject({ ip: '192.0.2.66', device: 'curl', method: 'password' })
    expect(locked.lockedUntil).toBeGreaterThan(t.core.clock.now())
    // The right password is refused while locked.
    expect(await t.core.dispatch(t.core.connect(META), 'auth:sign-in', { email: ada.email, password: ada.password })).toMatchObject({ ok: false, error: { code: 'LOCKED' } })

    expect(await call(t.core, await ownerWindow(), 'users:unlock', { membershipId: adaMembership })).toEqual({ wasLocked: true })
    expect((await history()).lockedUntil).toBeNull()
    const [event] = (await call<{ rows: Array<{ action: string; summary: string; before: unknown }> }>(t.core, await ownerWindow(), 'audit:list', { filter: { actions: ['member.unlocked'] }, limit: 1 })).rows
    expect(event).toMatchObject({ summary: `${OWNER.name} unlocked sign-in for Ada Admin.`, before: { lockedUntil: locked.lockedUntil } })
    // Unlocked means the count starts again: one more wrong password does not lock at once.
    await wrong(ada.email)
    expect((await history()).lockedUntil).toBeNull()
    await signIn(t.core, ada.email, ada.password)
    expect(await call(t.core, await ownerWindow(), 'users:unlock', { membershipId: adaMembership })).toEqual({ wasLocked: false })
  })

  it('signs a person out everywhere: every window is told why at once, and it is audited', async () => {
    const before = (await history()).sessions.length
    expect(before).toBeGreaterThanOrEqual(3)
    const result = await call<{ ended: number }>(t.core, await ownerWindow(), 'users:sign-out-everywhere', { membershipId: adaMembership })
    expect(result.ended).toBe(before)
    const ended = t.events.filter((e) => e.event === 'session:ended' && (e.payload as { reason: string }).reason === 'signed-out-everywhere')
    expect(ended).toHaveLength(before)
    expect((ended[0]!.payload as { message: string }).message).toBe('An administrator signed you out on every device; sign in again.')
    expect((await history()).sessions).toEqual([])
    const [event] = (await call<{ rows: Array<{ summary: string }> }>(t.core, await ownerWindow(), 'audit:list', { filter: { actions: ['member.signed-out-everywhere'] }, limit: 1 })).rows
    expect(event!.summary).toBe(`${OWNER.name} signed Ada Admin out everywhere; ${before} sessions ended.`)
    const rows = await testDb(t.core).all<{ end_reason: string }>("SELECT end_reason FROM sessions WHERE person_id = ? AND end_reason = 'signed-out-everywhere'", ada.personId)
    expect(rows).toHaveLength(before)
  })

  it('lets a Viewer read it but not act; an Admin cannot sign the Owner out', async () => {
    const viewer = await addMember(t.core, { name: 'Vi Viewer', email: 'vi@example.com', role: 'viewer' })
    const viewerConn = await signIn(t.core, viewer.email, viewer.password)
    expect((await history(viewerConn)).email).toBe('ada@example.com')
    for (const channel of ['users:unlock', 'users:sign-out-everywhere'] as const) {
      expect(await t.core.dispatch(viewerConn, channel, { membershipId: adaMembership })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } })
    }
    const adaConn = await signIn(t.core, ada.email, ada.password)
    const ownerMembership = (await testDb(t.core).get<{ membership_id: string }>("SELECT membership_id FROM memberships WHERE role = 'owner'"))!.membership_id
    expect(await t.core.dispatch(adaConn, 'users:sign-out-everywhere', { membershipId: ownerMembership })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN', message: 'Only the Owner can sign the Owner out everywhere.' }
    })
    expect(await t.core.dispatch(await ownerWindow(), 'users:login-history', { membershipId: 'no-such-person', bounds: days() })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } })
  })
})
