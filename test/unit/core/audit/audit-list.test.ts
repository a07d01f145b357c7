import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AuditEventDto } from '../../../../src/shared/contract/audit'
import { seedDemo } from '../../../../src/main/core/demo/seed-demo'
import { isAuditAction, OWNER_ONLY_ACTIONS, type AuditAction } from '../../../../src/shared/audit-actions'
import { addMember, call, META, OWNER, openTestCore, setupAccount, signIn, testDb, type TestCore, type TestMember } from '../../../support/core'

interface Page {
  rows: AuditEventDto[]
  next: { time: number; seq: number } | null
}

describe('audit:list', () => {
  let t: TestCore
  let conn: string
  let accountId: string
  let admin: TestMember
  let ownerId: string

  const list = (input: Record<string, unknown>) => call<Page>(t.core, conn, 'audit:list', input)
  const walk = async (input: Record<string, unknown>, limit = 40) => {
    const rows: AuditEventDto[] = []
    let page = await list({ ...input, limit })
    rows.push(...page.rows)
    while (page.next !== null) {
      page = await list({ ...input, limit, after: page.next })
      rows.push(...page.rows)
    }
    return rows
  }
  const sqlSeqs = async (where = '1 = 1', params: unknown[] = []) =>
    (await testDb(t.core).all<{ seq: number }>(`SELECT seq FROM audit_events WHERE account_id = ? AND (${where}) ORDER BY time DESC, seq DESC`, accountId, ...params)).map((r) => Number(r.seq))

  beforeAll(async () => {
    t = await openTestCore()
    await setupAccount(t.core)
    const db = testDb(t.core)
    accountId = (await db.get<{ account_id: string }>('SELECT account_id FROM accounts'))!.account_id
    ownerId = (await db.get<{ person_id: string }>('SELECT person_id FROM persons WHERE email = ?', OWNER.email))!.person_id
    await seedDemo(t.core, { users: 40, events: 300, seed: 3 })
    admin = await addMember(t.core, { name: 'Ada Admin', email: 'ada@example.com', role: 'admin' })
    t.clock.advance(60_000)
    const adminConn = await signIn(t.core, admin.email, admin.password, { ...META, ip: '203.0.113.77', device: 'Edge 141 on Windows' })
    await call(t.core, adminConn, 'auth:sign-out')
    // A failed identity lock for an unknown email is logged without an account: never in this list.
    for (let i = 0; i < 5; i++) await t.core.dispatch(t.core.connect(META), 'auth:sign-in', { email: 'nobody@example.com', password: 'wrong-password' })
    t.clock.advance(60_000)
    conn = await signIn(t.core, OWNER.email, OWNER.password)
  })
  afterAll(async () => t.dispose())

  it('lists newest first; the first row is the sign-in that opened this session', async () => {
    const page = await list({ limit: 5 })
    expect(page.rows).toHaveLength(5)
    expect(page.rows.map((r) => r.seq)).toEqual((await sqlSeqs()).slice(0, 5))
    expect(page.rows[0]).toMatchObject({ action: 'auth.signed-in', actor: { kind: 'member', id: ownerId, name: OWNER.name, email: OWNER.email, role: 'owner' } })
    expect(page.next).toEqual({ time: page.rows[4]!.time, seq: page.rows[4]!.seq })
  })

  it('pages with `before` through every event of the account exactly once', async () => {
    const rows = await walk({})
    const expected = await sqlSeqs()
    expect(expected.length).toBeGreaterThan(300)
    expect(rows.map((r) => r.seq)).toEqual(expected)
    // The unknown-email lock (no account) is not among them.
    expect(rows.some((r) => r.action === 'auth.locked')).toBe(false)
    expect(await testDb(t.core).get("SELECT count(*) AS n FROM audit_events WHERE action = 'auth.locked' AND account_id IS NULL")).toEqual({ n: 1 })
  })

  it('ends paging with next = null, also when the last page is exactly full', async () => {
    const total = (await sqlSeqs()).length
    const all = await list({ limit: total })
    expect(all.rows).toHaveLength(total)
    // A full page cannot know it was the last: one more (empty) page ends it.
    const last = all.rows.at(-1)!
    expect(all.next).toEqual({ time: last.time, seq: last.seq })
    expect(await list({ limit: 10, after: all.next! })).toEqual({ rows: [], next: null })
    const third = all.rows.at(-3)!
    expect((await list({ limit: 10, after: { time: third.time, seq: third.seq } })).rows).toEqual(all.rows.slice(-2))
    expect((await list({ limit: 10, after: { time: third.time, seq: third.seq } })).next).toBeNull()
  })

  it('filters by action, across pages', async () => {
    for (const action of ['auth.signed-in', 'member.invited', 'member.role-changed', 'account.created']) {
      const rows = await walk({ filter: { actions: [action] } }, 25)
      expect(rows.map((r) => r.seq), action).toEqual(await sqlSeqs('action = ?', [action]))
      expect(rows.every((r) => r.action === action)).toBe(true)
    }
    expect(await list({ filter: { actions: ['no.such-action'] } })).toEqual({ rows: [], next: null })
  })

  it('filters by actor, and by actor and action together', async () => {
    const mine = await walk({ filter: { actorId: admin.personId } }, 1)
    expect(mine.map((r) => r.action)).toEqual(['auth.signed-out', 'auth.signed-in'])
    const ownerSignIns = await walk({ filter: { actorId: ownerId, actions: ['auth.signed-in'] } }, 7)
    expect(ownerSignIns.map((r) => r.seq)).toEqual(await sqlSeqs('actor_id = ? AND action = ?', [ownerId, 'auth.signed-in']))
    expect(ownerSignIns.length).toBeGreaterThan(0)
  })

  it('carries the actor as they were at the time (a snapshot), the target, IP, device and time', async () => {
    await testDb(t.core).run("UPDATE persons SET name = 'Ada Renamed' WHERE person_id = ?", admin.personId)
    await testDb(t.core).run("UPDATE memberships SET role = 'viewer' WHERE membership_id = ?", admin.membershipId)
    const [signedOut, signedIn] = await walk({ filter: { actorId: admin.personId } })
    expect(signedIn).toEqual({
      seq: expect.any(Number),
      time: expect.any(Number),
      actor: { kind: 'member', id: admin.personId, name: 'Ada Admin', email: 'ada@example.com', role: 'admin' },
      action: 'auth.signed-in',
      summary: 'Ada Admin signed in.',
      target: { type: 'member', id: admin.personId, name: 'Ada Admin' },
      before: null,
      after: null,
      ip: '203.0.113.77',
      device: 'Edge 141 on Windows'
    })
    expect(signedOut!.summary).toBe('Ada Admin signed out.')
    expect(signedOut!.time).toBeGreaterThanOrEqual(signedIn!.time)
  })

  it('returns the values before and after a change', async () => {
    const [created] = await walk({ filter: { actions: ['account.created'] } })
    expect(created).toMatchObject({
      actor: { kind: 'member', name: OWNER.name, role: 'owner' },
      target: { type: 'account', id: accountId, name: 'Acme Support' },
      before: null,
      after: { name: 'Acme Support', plan: 'paid', seats: 25 }
    })
    const roleChanges = await walk({ filter: { actions: ['member.role-changed'] } })
    expect(roleChanges.length).toBeGreaterThan(0)
    for (const change of roleChanges) {
      expect(change.before).toEqual({ role: expect.stringMatching(/^(owner|admin|agent|viewer)$/) })
      expect(change.after).toEqual({ role: expect.stringMatching(/^(admin|agent|viewer)$/) })
    }
  })

  it('lets a viewer read the log', async () => {
    const viewer = await addMember(t.core, { name: 'Vera Viewer', email: 'vera@example.com', role: 'viewer' })
    const viewerConn = await signIn(t.core, viewer.email, viewer.password)
    const page = await call<Page>(t.core, viewerConn, 'audit:list', { limit: 1 })
    expect(page.rows[0]).toMatchObject({ action: 'auth.signed-in', actor: { id: viewer.personId, role: 'viewer' } })
  })

  it('shows an action missing from the catalog to the Owner only: readers see just the codes the catalog gives them', async () => {
    const base = { accountId, ip: null, device: null, actor: { kind: 'system' as const, id: null, name: 'Gatehouse', email: null, role: null } }
    const unknown = 'billing.invoice-paid' as AuditAction
    expect(isAuditAction(unknown)).toBe(false)
    await t.core.tx((tx) => t.core.ledger.append(tx, { ...base, action: unknown, summary: 'An invoice was paid.', target: { type: 'account', id: accountId, name: null } }))
    const seq = Number((await testDb(t.core).get<{ seq: number }>('SELECT seq FROM audit_events WHERE action = ?', unknown))!.seq)
    expect((await list({ limit: 50 })).rows.map((r) => r.seq)).toContain(seq)
    expect((await list({ filter: { actions: [unknown] }, limit: 5 })).rows.map((r) => r.seq)).toEqual([seq])
    const adminConn = await signIn(t.core, admin.email, admin.password)
    const adminRows = (await call<Page>(t.core, adminConn, 'audit:list', { limit: 50 })).rows
    expect(adminRows.length).toBeGreaterThan(0)
    expect(adminRows.some((r) => r.seq === seq)).toBe(false)
    expect((await call<Page>(t.core, adminConn, 'audit:list', { filter: { actions: [unknown] }, limit: 5 })).rows).toEqual([])
  })

  it('hides the Owner-only actions of the catalog, and older traces of support sessions, from everyone but the Owner', async () => {
    const viewer = await addMember(t.core, { name: 'Vic Viewer', email: 'vic@example.com', role: 'viewer' })
    const support = { kind: 'support' as const, id: 'agent-1', name: 'Sam Support', email: 'sam@support.example', role: null }
    const base = { accountId, ip: null, device: null }
    await t.core.tx(async (tx) => {
      await t.core.ledger.appendMany(tx, [
        ...OWNER_ONLY_ACTIONS.map((action) => ({ ...base, actor: support, action, summary: `${action} by support`, target: { type: 'account', id: accountId, name: null } })),
        // Written before the support codes existed: a support agent signing out, a support agent locked.
        { ...base, actor: support, action: 'auth.signed-out' as const, summary: 'Sam Support signed out.', target: { type: 'member', id: 'agent-1', name: 'Sam Support' } },
        {
          ...base,
          actor: { kind: 'system' as const, id: null, name: 'Gatehouse', email: null, role: null },
          action: 'auth.locked' as const,
          summary: 'Sign-in locked for sam@support.example.',
          target: { type: 'support-agent', id: 'agent-1', name: 'sam@support.example' }
        }
      ])
    })
    const everything = await walk({}, 50)
    const lastSeq = everything[0]!.seq
    // The Owner reads all of it.
    expect(everything.filter((r) => r.actor.id === 'agent-1' || r.target.id === 'agent-1').length).toBe(OWNER_ONLY_ACTIONS.length + 2)
    const visible = everything.filter(
      (r) =>
        isAuditAction(r.action) &&
        !(OWNER_ONLY_ACTIONS as readonly string[]).includes(r.action) &&
        !(['auth.signed-out', 'auth.locked'].includes(r.action) && (r.actor.kind === 'support' || r.target.type === 'support-agent'))
    )
    for (const who of [admin, viewer]) {
      const connection = await signIn(t.core, who.email, who.password)
      const rows: typeof everything = []
      let page = await call<Page>(t.core, connection, 'audit:list', { limit: 50 })
      rows.push(...page.rows)
      while (page.next !== null) {
        page = await call<Page>(t.core, connection, 'audit:list', { limit: 50, after: page.next })
        rows.push(...page.rows)
      }
      expect(rows.some((r) => (OWNER_ONLY_ACTIONS as readonly string[]).includes(r.action)), who.email).toBe(false)
      expect(rows.some((r) => r.actor.kind === 'support' || r.target.type === 'support-agent'), who.email).toBe(false)
      // Nothing else is hidden (rows after the Owner's walk are the sign-ins of this test).
      expect(rows.filter((r) => r.seq <= lastSeq).map((r) => r.seq), who.email).toEqual(visible.map((r) => r.seq))
      for (const action of OWNER_ONLY_ACTIONS) expect((await call<Page>(t.core, connection, 'audit:list', { filter: { actions: [action] }, limit: 5 })).rows, action).toEqual([])
    }
  })
})
