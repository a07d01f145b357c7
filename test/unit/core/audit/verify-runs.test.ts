import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { VerifyRunDto } from '../../../../src/shared/contract/audit'
import { seedDemo } from '../../../../src/main/core/demo/seed-demo'
import { addMember, call, OWNER, openTestCore, setupAccount, signIn, testDb, type TestCore } from '../../../support/core'

interface Status {
  last: VerifyRunDto | null
  lastFull: VerifyRunDto | null
  lastIncremental: VerifyRunDto | null
}

/** "Verify integrity" from the screen (issue 10 part 4): full and incremental runs, recorded. */
describe('audit:verify', () => {
  let t: TestCore
  let conn: string

  beforeAll(async () => {
    t = await openTestCore()
    await setupAccount(t.core)
    await seedDemo(t.core, { users: 20, events: 300, seed: 9 })
    conn = await signIn(t.core, OWNER.email, OWNER.password)
  })
  afterAll(async () => t.dispose())

  const size = async () => Number((await testDb(t.core).get<{ n: number }>('SELECT tree_size AS n FROM ledger_state'))!.n)

  it('has nothing to continue from before a full pass, and says so', async () => {
    expect(await call<Status>(t.core, conn, 'audit:verify-status', {})).toEqual({ last: null, lastFull: null, lastIncremental: null })
    const result = await t.core.dispatch(conn, 'audit:verify', { mode: 'incremental' })
    expect(result).toMatchObject({ ok: false, error: { code: 'CONFLICT', message: expect.stringMatching(/run a full verify first/) } })
  })

  it('a full run recomputes every event and keeps the signed head it ended at', async () => {
    const run = await call<VerifyRunDto>(t.core, conn, 'audit:verify', { mode: 'full' })
    expect(run).toMatchObject({ mode: 'full', outcome: 'passed', events: await size(), message: null, badSeq: null, by: OWNER.name })
    expect(run.head!.root).toMatch(/^[0-9a-f]{64}$/)
    expect((await call<Status>(t.core, conn, 'audit:verify-status', {})).lastFull).toEqual(run)
  })

  it('an incremental run checks only what was appended since, with the newer signed head', async () => {
    // It starts at the signed head the full run ended at (events after it were not yet signed).
    const from = (await call<Status>(t.core, conn, 'audit:verify-status', {})).lastFull!.head!.size
    for (let i = 0; i < 3; i++) await signIn(t.core, OWNER.email, OWNER.password)
    await t.core.ledger.signHead('test')
    const run = await call<VerifyRunDto>(t.core, conn, 'audit:verify', { mode: 'incremental' })
    expect(run).toMatchObject({ mode: 'incremental', outcome: 'passed' })
    expect(run.events).toBe((await size()) - from)
    expect(run.events).toBeGreaterThanOrEqual(3)
    expect(run.head!.size).toBe(await size())
    const status = await call<Status>(t.core, conn, 'audit:verify-status', {})
    expect(status.lastIncremental).toEqual(run)
    expect(status.last).toEqual(run)
  })

  it('names the first altered event, records the failure, and keeps the earlier passes', async () => {
    const passed = await call<Status>(t.core, conn, 'audit:verify-status', {})
    const db = testDb(t.core)
    const original = (await db.get<{ summary: string }>('SELECT summary FROM audit_events WHERE seq = 42'))!.summary
    await db.run("UPDATE audit_events SET summary = 'Nothing happened.' WHERE seq = 42")
    try {
      const run = await call<VerifyRunDto>(t.core, conn, 'audit:verify', { mode: 'full' })
      expect(run).toMatchObject({ mode: 'full', outcome: 'failed', badSeq: 42, head: null })
      expect(run.message).toMatch(/42/)
      const status = await call<Status>(t.core, conn, 'audit:verify-status', {})
      expect(status.last).toEqual(run)
      expect(status.lastFull).toEqual(passed.lastFull)
    } finally {
      // Put it back, or the rest of the suite's store is damaged.
      await db.run('UPDATE audit_events SET summary = ? WHERE seq = 42', original)
    }
  })

  it('is for every reader of the audit log: a Viewer runs it too, and sees the runs of others', async () => {
    const viewer = await addMember(t.core, { name: 'Val Viewer', email: 'val@example.com', role: 'viewer' })
    const viewerConn = await signIn(t.core, viewer.email, viewer.password)
    const status = await call<Status>(t.core, viewerConn, 'audit:verify-status', {})
    expect(status.lastFull?.by).toBe(OWNER.name)
    expect(await call<{ cancelled: boolean }>(t.core, viewerConn, 'audit:verify-cancel', {})).toEqual({ cancelled: false })
  })
})
