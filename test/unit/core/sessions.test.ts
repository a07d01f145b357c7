import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CHANNEL_NAMES, channels } from '../../../src/shared/contract'
import { ROLE_PERMISSIONS, type Permission } from '../../../src/shared/permissions'
import { loadMemberPrincipal } from '../../../src/main/core/auth/principals-repository'
import { addMember, call, META, OWNER, openTestCore, setupAccount, signIn, testDb, type TestCore, type TestMember } from '../../support/core'

const MINUTE = 60_000

describe('sessions', () => {
  let t: TestCore
  let admin: TestMember
  let n = 0
  const fresh = async (role: 'admin' | 'agent' | 'viewer' = 'admin'): Promise<TestMember> => {
    n += 1
    return addMember(t.core, { name: `Session Member ${n}`, email: `session${n}@example.com`, role })
  }
  const codeOf = async (connectionId: string, channel: string, input: unknown = {}) => {
    const result = await t.core.dispatch(connectionId, channel, input)
    return result.ok ? 'OK' : result.error.code
  }
  const ended = (connectionId: string) => t.events.filter((e) => e.connectionId === connectionId && e.event === 'session:ended').map((e) => e.payload)
  const sessionRows = (personId: string) =>
    testDb(t.core).all<{
      session_id: string
      started_at: number
      last_seen_at: number
      ended_at: number | null
      end_reason: string | null
      ip: string | null
      device: string | null
    }>('SELECT session_id, started_at, last_seen_at, ended_at, end_reason, ip, device FROM sessions WHERE person_id = ? ORDER BY started_at', personId)

  beforeAll(async () => {
    t = await openTestCore()
    await setupAccount(t.core)
    admin = await fresh('admin')
  })
  afterAll(() => t.dispose())

  it('ends a session after 30 minutes without calls: the next call is UNAUTHENTICATED and the window is told why', async () => {
    const conn = await signIn(t.core, admin.email, admin.password)
    const signedInAt = t.clock.now()
    t.clock.advance(30 * MINUTE - 1)
    expect(await codeOf(conn, 'users:list')).toBe('OK')
    t.clock.advance(30 * MINUTE)
    expect(ended(conn)).toEqual([])
    expect(await t.core.dispatch(conn, 'users:list', {})).toEqual({ ok: false, error: { code: 'UNAUTHENTICATED', message: 'Sign in to continue.' } })
    expect(ended(conn)).toEqual([{ reason: 'idle-timeout', message: 'You were signed out after 30 minutes without activity.' }])
    const lastSeen = signedInAt + 30 * MINUTE - 1
    expect((await sessionRows(admin.personId)).at(-1)).toMatchObject({ end_reason: 'idle-timeout', last_seen_at: lastSeen, ended_at: lastSeen + 30 * MINUTE, ip: META.ip, device: META.device })
    expect(await call(t.core, conn, 'auth:status')).toMatchObject({ session: null })
    // Told once, not on every later call.
    await codeOf(conn, 'users:list')
    expect(ended(conn)).toHaveLength(1)
  })

  it('ends idle sessions from tick() without any call, and leaves active ones', async () => {
    const idle = await signIn(t.core, admin.email, admin.password)
    t.clock.advance(20 * MINUTE)
    const active = await signIn(t.core, admin.email, admin.password)
    t.clock.advance(10 * MINUTE)
    await t.core.tick()
    expect(ended(idle)).toEqual([{ reason: 'idle-timeout', message: expect.stringContaining('30 minutes') }])
    expect(ended(active)).toEqual([])
    expect(await codeOf(active, 'users:list')).toBe('OK')
    expect(await codeOf(idle, 'users:list')).toBe('UNAUTHENTICATED')
  })

  it('keeps a session alive as long as calls keep coming', async () => {
    const conn = await signIn(t.core, admin.email, admin.password)
    for (let i = 0; i < 8; i++) {
      t.clock.advance(25 * MINUTE)
      await t.core.tick()
      expect(await codeOf(conn, i % 2 ? 'users:list' : 'audit:list'), `after ${(i + 1) * 25} minutes`).toBe('OK')
    }
    expect(ended(conn)).toEqual([])
  })

  it('ends a session exactly when 30 minutes pass without a call, whatever the pattern of calls and ticks (property)', async () => {
    const principal = (await loadMemberPrincipal(t.core.store.db, admin.membershipId))!
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ wait: fc.oneof(fc.integer({ min: 0, max: 40 * MINUTE }), fc.constantFrom(30 * MINUTE - 1, 30 * MINUTE)), tick: fc.boolean() }), {
          minLength: 1,
          maxLength: 12
        }),
        async (steps) => {
          const conn = t.core.connect(META)
          await t.core.sessions.start(conn, principal)
          // The model: only calls count as activity; ticks merely notice.
          let idleFor = 0
          let alive = true
          for (const step of steps) {
            t.clock.advance(step.wait)
            idleFor += step.wait
            if (idleFor >= 30 * MINUTE) alive = false
            if (step.tick) await t.core.tick()
            else {
              expect(await codeOf(conn, 'users:list')).toBe(alive ? 'OK' : 'UNAUTHENTICATED')
              if (alive) idleFor = 0
            }
          }
          await t.core.tick()
          expect(ended(conn)).toEqual(alive ? [] : [{ reason: 'idle-timeout', message: expect.any(String) }])
          await t.core.disconnect(conn)
        }
      ),
      { numRuns: 60 }
    )
  })

  it('follows the account idle timeout setting', async () => {
    await testDb(t.core).run('UPDATE accounts SET idle_timeout_minutes = 5')
    try {
      const conn = await signIn(t.core, admin.email, admin.password)
      expect(await call(t.core, conn, 'auth:status')).toMatchObject({ session: { idleTimeoutMinutes: 5 } })
      t.clock.advance(5 * MINUTE)
      expect(await codeOf(conn, 'users:list')).toBe('UNAUTHENTICATED')
      expect(ended(conn)).toEqual([{ reason: 'idle-timeout', message: 'You were signed out after 5 minutes without activity.' }])
    } finally {
      await testDb(t.core).run('UPDATE accounts SET idle_timeout_minutes = 30')
    }
  })

  it('keeps two connections as two sessions: signing out of one leaves the other', async () => {
    const m = await fresh('admin')
    const first = await signIn(t.core, m.email, m.password)
    // Rows are read in started_at order: PostgreSQL has no insertion order to break a tie.
    t.clock.advance(1)
    const second = await signIn(t.core, m.email, m.password, { transport: 'electron', ip: null, device: 'Gatehouse desktop on Linux' })
    const rows = await sessionRows(m.personId)
    expect(rows).toHaveLength(2)
    expect(rows[0]!.session_id).not.toBe(rows[1]!.session_id)
    expect(await call(t.core, first, 'auth:sign-out')).toEqual({ signedOut: true })
    expect(await codeOf(first, 'users:list')).toBe('UNAUTHENTICATED')
    expect(await codeOf(second, 'users:list')).toBe('OK')
    expect(await call(t.core, second, 'auth:status')).toMatchObject({ session: { principal: { email: m.email } } })
    // The window that signed out asked for it: no push. The other one hears that the audit log changed.
    expect(ended(first)).toEqual([])
    expect(t.events.filter((e) => e.connectionId === second && e.event === 'data:changed').at(-1)?.payload).toEqual({ topics: ['audit'] })
    expect((await sessionRows(m.personId)).map((r) => r.end_reason)).toEqual(['signed-out', null])
    expect(await testDb(t.core).get("SELECT count(*) AS n FROM audit_events WHERE action = 'auth.signed-out' AND actor_id = ?", m.personId)).toEqual({ n: 1 })
  })

  it('ends the session when its connection goes away', async () => {
    const m = await fresh('viewer')
    const conn = await signIn(t.core, m.email, m.password)
    await t.core.disconnect(conn)
    expect(await sessionRows(m.personId)).toMatchObject([{ end_reason: 'signed-out', ended_at: t.clock.now() }])
    expect(await t.core.dispatch(conn, 'auth:status', {})).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } })
  })

  it('replaces the session when someone else signs in on the same connection', async () => {
    const a = await fresh('viewer')
    const b = await fresh('agent')
    const conn = await signIn(t.core, a.email, a.password)
    await call(t.core, conn, 'auth:sign-in', { email: b.email, password: b.password })
    expect(await call(t.core, conn, 'auth:status')).toMatchObject({ session: { principal: { email: b.email, role: 'agent' } } })
    expect(await sessionRows(a.personId)).toMatchObject([{ end_reason: 'signed-out' }])
    expect(t.core.liveSessionCount()).toBeGreaterThan(0)
  })

  it('throws a deactivated member out on their next call, telling the window why', async () => {
    const m = await fresh('admin')
    const conn = await signIn(t.core, m.email, m.password)
    await testDb(t.core).run("UPDATE memberships SET status = 'deactivated' WHERE membership_id = ?", m.membershipId)
    expect(await codeOf(conn, 'users:list')).toBe('UNAUTHENTICATED')
    expect(ended(conn)).toEqual([{ reason: 'deactivated', message: 'Your access to this account was deactivated.' }])
    expect((await sessionRows(m.personId)).at(-1)).toMatchObject({ end_reason: 'deactivated' })
    expect(await t.core.dispatch(t.core.connect(META), 'auth:sign-in', { email: m.email, password: m.password })).toMatchObject({
      ok: false,
      error: { code: 'UNAUTHENTICATED', message: 'Your access to this account was deactivated.' }
    })
  })

  it('ends the session of a member whose membership was removed', async () => {
    const m = await fresh('viewer')
    const conn = await signIn(t.core, m.email, m.password)
    await testDb(t.core).run('DELETE FROM memberships WHERE membership_id = ?', m.membershipId)
    await t.core.tick()
    expect(ended(conn)).toEqual([{ reason: 'role-removed', message: expect.any(String) }])
    expect(await codeOf(conn, 'audit:list')).toBe('UNAUTHENTICATED')
  })

  it('applies a role change to the very next call', async () => {
    const m = await fresh('admin')
    const conn = await signIn(t.core, m.email, m.password)
    const permissions = async () => ((await call(t.core, conn, 'auth:status')) as { session: { permissions: string[]; principal: { role: string } } }).session
    expect(await permissions()).toMatchObject({ permissions: [...ROLE_PERMISSIONS.admin], principal: { role: 'admin' } })
    const setRole = (role: string) => testDb(t.core).run('UPDATE memberships SET role = ? WHERE membership_id = ?', role, m.membershipId)

    await setRole('viewer')
    expect(await permissions()).toMatchObject({ permissions: [...ROLE_PERMISSIONS.viewer], principal: { role: 'viewer' } })
    expect(await codeOf(conn, 'users:list')).toBe('OK')
    expect(await codeOf(conn, 'audit:list')).toBe('OK')

    await setRole('agent')
    expect(await permissions()).toMatchObject({ permissions: ['profile:self'], principal: { role: 'agent' } })
    expect(await t.core.dispatch(conn, 'users:list', {})).toEqual({ ok: false, error: { code: 'FORBIDDEN', message: 'Your role does not allow this.' } })
    expect(await codeOf(conn, 'audit:list')).toBe('FORBIDDEN')

    await setRole('admin')
    expect(await codeOf(conn, 'users:list')).toBe('OK')
    // The session itself survived every change.
    expect(ended(conn)).toEqual([])
  })

  it('lets each role call exactly the channels its permissions allow', async () => {
    const valid: Record<string, unknown> = { 'users:list': { limit: 1 }, 'audit:list': { limit: 1 } }
    const guarded = CHANNEL_NAMES.filter((c) => channels[c].access !== 'public' && channels[c].access !== 'session')
    expect(guarded.length).toBeGreaterThan(0)
    const ownerConn = await signIn(t.core, OWNER.email, OWNER.password)
    const m = await fresh('agent')
    const conn = await signIn(t.core, m.email, m.password)
    for (const role of ['owner', 'admin', 'agent', 'viewer'] as const) {
      if (role !== 'owner') await testDb(t.core).run('UPDATE memberships SET role = ? WHERE membership_id = ?', role, m.membershipId)
      const who = role === 'owner' ? ownerConn : conn
      for (const channel of guarded) {
        if (!(channel in valid)) continue
        const allowed = ROLE_PERMISSIONS[role].includes(channels[channel].access as Permission)
        expect(await codeOf(who, channel, valid[channel]), `${role} → ${channel}`).toBe(allowed ? 'OK' : 'FORBIDDEN')
      }
    }
  })

  it('refuses non-public channels before sign-in', async () => {
    const conn = t.core.connect(META)
    for (const [channel, input] of [
      ['users:list', {}],
      ['audit:list', {}],
      ['auth:sign-out', {}]
    ] as const) {
      expect(await t.core.dispatch(conn, channel, input), channel).toEqual({ ok: false, error: { code: 'UNAUTHENTICATED', message: 'Sign in to continue.' } })
    }
    expect(await codeOf(conn, 'auth:status')).toBe('OK')
    // A connection id the core never handed out.
    expect(await codeOf('not-a-connection', 'auth:status')).toBe('UNAUTHENTICATED')
  })

  it('ends every session with "core-stopped" when the core closes, and closes what a crashed run left open', async () => {
    const m = await fresh('viewer')
    const conn = await signIn(t.core, m.email, m.password)
    // What a crash would leave behind: a session row never ended.
    await testDb(t.core).run(
      "INSERT INTO sessions (session_id, account_id, principal_kind, person_id, started_at, last_seen_at) SELECT 'crashed', account_id, 'member', ?, 1, 2 FROM accounts",
      m.personId
    )
    const core = t.core
    const eventsBefore = t.events
    t = await t.reopen()
    expect(eventsBefore.filter((e) => e.connectionId === conn && e.event === 'session:ended').map((e) => e.payload)).toEqual([
      { reason: 'core-stopped', message: 'Gatehouse stopped; sign in again.' }
    ])
    expect(await core.dispatch(conn, 'auth:status', {})).toMatchObject({ ok: false, error: { code: 'INTERNAL', message: 'Gatehouse is shutting down.' } })
    const open = await testDb(t.core).get('SELECT count(*) AS n FROM sessions WHERE ended_at IS NULL')
    expect(open).toEqual({ n: 0 })
    expect(await testDb(t.core).get("SELECT end_reason, ended_at FROM sessions WHERE session_id = 'crashed'")).toEqual({ end_reason: 'core-stopped', ended_at: 2 })
    expect((await sessionRows(m.personId)).at(-1)).toMatchObject({ end_reason: 'core-stopped' })
  })
})
