import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AppError } from '../../../../src/shared/contract/result'
import { verifyLedger } from '../../../../src/main/core/audit/verify'
import { seedDemo } from '../../../../src/main/core/demo/seed-demo'
import { openTestCore, setupAccount, testDb, type TestCore } from '../../../support/core'

const PEOPLE = `SELECT p.name, p.email, m.role, m.status, m.invite_expires_at, m.last_login_at
  FROM persons p JOIN memberships m ON m.person_id = p.person_id ORDER BY p.email`
const HISTORY = 'SELECT seq, time, actor_name, actor_role, action, summary, target_name, before_json, after_json, ip, device FROM audit_events ORDER BY seq'

describe('seedDemo', () => {
  let a: TestCore
  let b: TestCore
  const progress: Array<{ users: number; events: number }> = []

  beforeAll(async () => {
    a = await openTestCore()
    b = await openTestCore()
    await setupAccount(a.core)
    await setupAccount(b.core)
    const logins = async () => (await testDb(a.core).get<{ n: number }>('SELECT count(*) AS n FROM login_events'))!.n
    const before = await logins()
    const done = await seedDemo(a.core, { users: 300, events: 1500, seed: 11, progress: (p) => progress.push(p) })
    expect(done).toEqual({ users: 300, events: 1500, logins: expect.any(Number) as unknown as number })
    expect(await logins()).toBe(before + done.logins)
    await seedDemo(b.core, { users: 300, events: 1500, seed: 11 })
  })
  afterAll(async () => {
    await a.dispose()
    await b.dispose()
  })
  const db = (t: TestCore) => testDb(t.core)

  it('gives the same people, roles and statuses for the same seed', async () => {
    const people = await db(a).all(PEOPLE)
    expect(people).toHaveLength(301)
    expect(await db(b).all(PEOPLE)).toEqual(people)
  })

  it('gives the same audit history and login events for the same seed', async () => {
    expect(await db(b).all(HISTORY)).toEqual(await db(a).all(HISTORY))
    const logins = 'SELECT time, email_tried, result, reason, ip, device FROM login_events ORDER BY login_event_id'
    expect(await db(b).all(logins)).toEqual(await db(a).all(logins))
  })

  it('writes one audit event per person and the requested total, through the ledger, which verifies', async () => {
    expect(await db(a).get("SELECT count(*) AS n FROM audit_events WHERE action = 'member.invited'")).toEqual({ n: 300 })
    // Two from setup, then the 1,500 asked for.
    expect(await verifyLedger(a.core.store.db)).toMatchObject({ ok: true, count: 1502, unsignedTail: 0 })
    expect(await verifyLedger(b.core.store.db)).toMatchObject({ ok: true, count: 1502 })
    expect(await a.core.ledger.latestHead()).toMatchObject({ treeSize: 1502, reason: 'demo' })
  })

  it('makes a realistic mix: every role but a second owner, all three statuses, some expired invitations', async () => {
    const roles = await db(a).all<{ role: string; n: number }>('SELECT role, count(*) AS n FROM memberships GROUP BY role ORDER BY role')
    expect(roles.map((r) => r.role)).toEqual(['admin', 'agent', 'owner', 'viewer'])
    expect(roles.find((r) => r.role === 'owner')?.n).toBe(1)
    const statuses = await db(a).all('SELECT DISTINCT status FROM memberships ORDER BY status')
    expect(statuses).toEqual([{ status: 'active' }, { status: 'deactivated' }, { status: 'invited' }])
    const now = a.clock.now()
    expect((await db(a).get<{ n: number }>("SELECT count(*) AS n FROM memberships WHERE status = 'invited' AND invite_expires_at <= ?", now))!.n).toBeGreaterThan(0)
    // Nobody who was only invited has a last login.
    expect(await db(a).get("SELECT count(*) AS n FROM memberships WHERE status = 'invited' AND last_login_at <> 0")).toEqual({ n: 0 })
  })

  it('reports progress per batch', () => {
    expect(progress.at(-1)).toEqual({ users: 300, events: 1500 })
  })

  it('gives different people for a different seed', async () => {
    const c = await openTestCore()
    try {
      await setupAccount(c.core)
      await seedDemo(c.core, { users: 300, events: 300, seed: 12 })
      const emails = async (t: TestCore) => (await db(t).all<{ email: string }>("SELECT email FROM persons WHERE email LIKE '%-demo.example'")).map((r) => r.email)
      const ofA = new Set(await emails(a))
      const overlap = (await emails(c)).filter((e) => ofA.has(e))
      expect(overlap.length).toBeLessThan(10)
    } finally {
      await c.dispose()
    }
  })

  it('can run again on the same store: new people, no clashing emails, and the ledger still verifies', async () => {
    await seedDemo(a.core, { users: 100, events: 100, seed: 11 })
    expect(await db(a).get('SELECT count(*) AS n FROM persons')).toEqual({ n: 401 })
    expect(await verifyLedger(a.core.store.db)).toMatchObject({ ok: true, count: 1602 })
  })

  it('writes as many login events as asked: those beyond the audit events are wrong passwords alone, over the same year', async () => {
    const c = await openTestCore()
    try {
      await setupAccount(c.core)
      const audit = async () => (await db(c).get<{ n: number }>('SELECT count(*) AS n FROM audit_events'))!.n
      const before = await audit()
      await db(c).run('DELETE FROM login_events')
      const done = await seedDemo(c.core, { users: 50, events: 200, seed: 3, logins: 1000 })
      expect(done).toEqual({ users: 50, events: 200, logins: 1000 })
      expect(await audit()).toBe(before + 200)
      const logins = (await db(c).get<{ n: number; failed: number; lo: number; hi: number }>(
        "SELECT count(*) AS n, sum(CASE WHEN result = 'failure' AND reason = 'wrong password' THEN 1 ELSE 0 END) AS failed, min(time) AS lo, max(time) AS hi FROM login_events"
      ))!
      expect(logins.n).toBe(1000)
      expect(logins.failed).toBeGreaterThan(800)
      expect(logins.hi - logins.lo).toBeGreaterThan(360 * 86_400_000)
    } finally {
      await c.dispose()
    }
  })

  it('refuses a store without an account', async () => {
    const empty = await openTestCore()
    try {
      await expect(seedDemo(empty.core, { users: 1, events: 1, seed: 1 })).rejects.toThrow(AppError)
      await expect(seedDemo(empty.core, { users: 1, events: 1, seed: 1 })).rejects.toThrow(/gatehouse init/)
    } finally {
      await empty.dispose()
    }
  })
})
