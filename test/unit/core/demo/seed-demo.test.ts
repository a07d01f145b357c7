import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AppError } from '../../../../src/shared/contract/result'
import { verifyLedger } from '../../../../src/main/core/audit/ledger'
import { seedDemo } from '../../../../src/main/core/demo/seed-demo'
import { openTestCore, setupAccount, type TestCore } from '../../../support/core'

const PEOPLE = `SELECT p.name, p.email, m.role, m.status, m.invite_expires_at, m.last_login_at
  FROM persons p JOIN memberships m ON m.person_id = p.person_id ORDER BY p.email`
const HISTORY = 'SELECT seq, time, actor_name, actor_role, action, summary, target_name, before_json, after_json, ip, device FROM audit_events ORDER BY seq'

describe('seedDemo', () => {
  let a: TestCore
  let b: TestCore
  const progress: Array<{ users: number; events: number }> = []

  beforeAll(async () => {
    a = openTestCore()
    b = openTestCore()
    await setupAccount(a.core)
    await setupAccount(b.core)
    expect(seedDemo(a.core, { users: 300, events: 1500, seed: 11, progress: (p) => progress.push(p) })).toEqual({ users: 300, events: 1500 })
    seedDemo(b.core, { users: 300, events: 1500, seed: 11 })
  })
  afterAll(() => {
    a.dispose()
    b.dispose()
  })

  it('gives the same people, roles and statuses for the same seed', () => {
    const people = a.core.db.prepare(PEOPLE).all()
    expect(people).toHaveLength(301)
    expect(b.core.db.prepare(PEOPLE).all()).toEqual(people)
  })

  it('gives the same audit history and login events for the same seed', () => {
    expect(b.core.db.prepare(HISTORY).all()).toEqual(a.core.db.prepare(HISTORY).all())
    const logins = 'SELECT time, email_tried, result, reason, ip, device FROM login_events ORDER BY login_event_id'
    expect(b.core.db.prepare(logins).all()).toEqual(a.core.db.prepare(logins).all())
  })

  it('writes one audit event per person and the requested total, through the ledger, which verifies', () => {
    expect(a.core.db.prepare("SELECT count(*) AS n FROM audit_events WHERE action = 'member.invited'").get()).toEqual({ n: 300 })
    // Two from setup, then the 1,500 asked for.
    expect(verifyLedger(a.core.db)).toMatchObject({ ok: true, count: 1502, unsignedTail: 0 })
    expect(verifyLedger(b.core.db)).toMatchObject({ ok: true, count: 1502 })
    expect(a.core.ledger.latestHead()).toMatchObject({ treeSize: 1502, reason: 'demo' })
  })

  it('makes a realistic mix: every role but a second owner, all three statuses, some expired invitations', () => {
    const roles = a.core.db.prepare('SELECT role, count(*) AS n FROM memberships GROUP BY role ORDER BY role').all() as Array<{ role: string; n: number }>
    expect(roles.map((r) => r.role)).toEqual(['admin', 'agent', 'owner', 'viewer'])
    expect(roles.find((r) => r.role === 'owner')?.n).toBe(1)
    const statuses = a.core.db.prepare('SELECT DISTINCT status FROM memberships ORDER BY status').all()
    expect(statuses).toEqual([{ status: 'active' }, { status: 'deactivated' }, { status: 'invited' }])
    const now = a.clock.now()
    expect((a.core.db.prepare("SELECT count(*) AS n FROM memberships WHERE status = 'invited' AND invite_expires_at <= ?").get(now) as { n: number }).n).toBeGreaterThan(0)
    // Nobody who was only invited has a last login.
    expect(a.core.db.prepare("SELECT count(*) AS n FROM memberships WHERE status = 'invited' AND last_login_at <> 0").get()).toEqual({ n: 0 })
  })

  it('reports progress per batch', () => {
    expect(progress.at(-1)).toEqual({ users: 300, events: 1500 })
  })

  it('gives different people for a different seed', async () => {
    const c = openTestCore()
    try {
      await setupAccount(c.core)
      seedDemo(c.core, { users: 300, events: 300, seed: 12 })
      const emails = (db: TestCore) => (db.core.db.prepare("SELECT email FROM persons WHERE email LIKE '%-demo.example'").all() as Array<{ email: string }>).map((r) => r.email)
      const overlap = emails(c).filter((e) => new Set(emails(a)).has(e))
      expect(overlap.length).toBeLessThan(10)
    } finally {
      c.dispose()
    }
  })

  it('can run again on the same store: new people, no clashing emails, and the ledger still verifies', () => {
    seedDemo(a.core, { users: 100, events: 100, seed: 11 })
    expect(a.core.db.prepare('SELECT count(*) AS n FROM persons').get()).toEqual({ n: 401 })
    expect(verifyLedger(a.core.db)).toMatchObject({ ok: true, count: 1602 })
  })

  it('refuses a store without an account', () => {
    const empty = openTestCore()
    try {
      expect(() => seedDemo(empty.core, { users: 1, events: 1, seed: 1 })).toThrow(AppError)
      expect(() => seedDemo(empty.core, { users: 1, events: 1, seed: 1 })).toThrow(/gatehouse init/)
    } finally {
      empty.dispose()
    }
  })
})
