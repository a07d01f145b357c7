import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AuditEventDto, RetentionStatusDto, VerifyRunDto } from '../../src/shared/contract/audit'
import { ManualClock } from '../../src/main/core/clock'
import { accountIdOf, insertAgent, signInAgent } from './support-access-fixtures'
import { addMember, call, OWNER, openTestCore, rowCounts, setupAccount, signIn, testDb, type TestCore, type TestMember } from '../support/core'

const DAY = 86_400_000
type Page = { rows: AuditEventDto[]; next: unknown }

/** Retention: presets, a purge only of what a complete export holds, the ledger verifying after (issue 10 part 5). */
describe('audit retention and purge', () => {
  let t: TestCore
  let owner: string
  let admin: TestMember
  let viewer: TestMember
  const START = Date.UTC(2024, 0, 15, 9, 0, 0)

  const ownerWindow = async () => {
    if ((await t.core.dispatch(owner, 'users:seats', {})).ok) return owner
    owner = await signIn(t.core, OWNER.email, OWNER.password)
    return owner
  }
  const status = async (conn?: string) => call<RetentionStatusDto>(t.core, conn ?? (await ownerWindow()), 'audit:retention', {})
  /** A whole export as the screen runs it: start, then every page with the export's id. */
  const exportAll = async (conn: string) => {
    const started = await call<{ filter: object; exportId: string }>(t.core, conn, 'audit:export-start', { filter: {}, format: 'jsonl' })
    let after: unknown
    let lines = 0
    do {
      const page = await call<{ text: string; rows: number; next: unknown }>(t.core, conn, 'audit:export-page', {
        filter: started.filter,
        format: 'jsonl',
        limit: 3,
        exportId: started.exportId,
        ...(after ? { after } : {})
      })
      lines += page.rows
      after = page.next
    } while (after)
    return lines
  }

  beforeAll(async () => {
    t = await openTestCore(undefined, new ManualClock(START))
    await setupAccount(t.core)
    owner = await signIn(t.core, OWNER.email, OWNER.password)
    admin = await addMember(t.core, { name: 'Ada Admin', email: 'ada@example.com', role: 'admin' })
    viewer = await addMember(t.core, { name: 'Vera Viewer', email: 'vera@example.com', role: 'viewer' })
    // Two years ago: a rename of Vera (an event naming her) and sign-ins.
    const adaConn = await signIn(t.core, admin.email, admin.password)
    await call(t.core, adaConn, 'users:update', { membershipId: viewer.membershipId, name: 'Vera Oldname' })
    t.clock.advance(2 * 365 * DAY)
  })
  afterAll(async () => t.dispose())

  it('keeps everything forever until a period is chosen; a Viewer reads it but cannot change it', async () => {
    const s = await status()
    expect(s).toMatchObject({ retention: 'forever', cutoff: null, due: { events: 0, exported: 0, loginEvents: 0 }, lastExport: null, purged: 0 })
    const viewerConn = await signIn(t.core, viewer.email, viewer.password)
    expect((await status(viewerConn)).retention).toBe('forever')
    expect(await t.core.dispatch(viewerConn, 'audit:retention-set', { retention: '1y' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } })
    expect(await t.core.dispatch(viewerConn, 'audit:purge', { expected: { events: 0, loginEvents: 0 } })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } })
    expect(await t.core.dispatch(await ownerWindow(), 'audit:purge', { expected: { events: 0, loginEvents: 0 } })).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT', message: 'The account keeps its history forever: choose a retention period first.' }
    })
  })

  it('an Admin sets one year (audited); what is older shows as due, none of it exported yet', async () => {
    const adaConn = await signIn(t.core, admin.email, admin.password)
    const s = await call<RetentionStatusDto>(t.core, adaConn, 'audit:retention-set', { retention: '1y' })
    expect(s.retention).toBe('1y')
    expect(s.cutoff).toBe(Math.floor(t.core.clock.now() - 365.25 * DAY))
    expect(s.due.events).toBeGreaterThanOrEqual(4)
    expect(s.due.exported).toBe(0)
    expect(s.due.loginEvents).toBeGreaterThanOrEqual(3)
    const [event] = (await call<Page>(t.core, adaConn, 'audit:list', { filter: { actions: ['audit.retention-changed'] }, limit: 1 })).rows
    expect(event!.summary).toBe('Ada Admin set the retention of audit and login events to 1 year (was forever).')
  })

  it('refuses a purge whose preview is out of date, and changes nothing', async () => {
    const conn = await ownerWindow()
    const before = await rowCounts(t.core)
    const s = await status()
    expect(await t.core.dispatch(conn, 'audit:purge', { expected: { events: s.due.exported + 1, loginEvents: s.due.loginEvents } })).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT', message: 'What the purge would remove has changed since you reviewed it: review it again.' }
    })
    expect(await rowCounts(t.core)).toEqual(before)
  })

  it("an Admin's export is not complete (it leaves out the Owner's events); a finished Owner export is, with its tree head", async () => {
    const adaConn = await signIn(t.core, admin.email, admin.password)
    await exportAll(adaConn)
    expect((await status()).lastExport).toBeNull()
    // Started but not read to the end: not finished.
    const conn = await ownerWindow()
    await call(t.core, conn, 'audit:export-start', { filter: {}, format: 'csv' })
    expect((await status()).lastExport).toBeNull()
    const lines = await exportAll(conn)
    const s = await status()
    expect(lines).toBeGreaterThan(0)
    expect(s.lastExport).toMatchObject({ finishedAt: t.core.clock.now(), root: expect.stringMatching(/^[0-9a-f]{64}$/) as unknown as string })
    expect(s.due.exported).toBe(s.due.events)
  })

  it('purges the content of the exported events past the period and their login events, audited; the ledger still verifies', async () => {
    const conn = await ownerWindow()
    const s = await status()
    // The rename of two years ago (her later sign-in, inside the period, names her too and stays).
    const searchOld = async () => (await call<Page>(t.core, conn, 'audit:list', { filter: { search: 'Oldname', to: s.cutoff! }, limit: 10 })).rows
    expect((await searchOld()).length).toBeGreaterThan(0)
    const done = await call<{ events: number; loginEvents: number; status: RetentionStatusDto }>(t.core, conn, 'audit:purge', {
      expected: { events: s.due.exported, loginEvents: s.due.loginEvents }
    })
    expect(done).toMatchObject({ events: s.due.exported, loginEvents: s.due.loginEvents })
    expect(done.status.due).toEqual({ events: 0, exported: 0, loginEvents: 0 })
    expect(done.status.purged).toBe(s.due.exported)
    // Their words are gone from the search, their content from the rows; the sequence stays.
    expect(await searchOld()).toEqual([])
    const removed = await call<Page>(t.core, conn, 'audit:list', { filter: { search: 'content removed', to: s.cutoff! }, limit: 100 })
    expect(removed.rows).toHaveLength(s.due.exported)
    const old = (await call<Page>(t.core, conn, 'audit:list', { filter: { to: s.cutoff! }, limit: 100 })).rows
    expect(old).toHaveLength(s.due.exported)
    for (const row of old) {
      expect(row.summary).toMatch(/^Content removed on \d{4}-\d{2}-\d{2} under the 1 year retention period\.$/)
      expect(row).toMatchObject({ before: null, after: null, ip: null, device: null, target: { id: null, name: null } })
      expect(row.actor).toMatchObject({ id: null, name: '—', email: null })
    }
    expect(await testDb(t.core).get<{ n: number }>('SELECT count(*) AS n FROM login_events WHERE time < ?', s.cutoff)).toMatchObject({ n: 0 })
    const [event] = (await call<Page>(t.core, conn, 'audit:list', { filter: { actions: ['audit.purged'] }, limit: 1 })).rows
    expect(event!.summary).toContain(`${OWNER.name} purged ${s.due.exported} audit events and ${s.due.loginEvents} login events older than`)
    for (const mode of ['full', 'incremental'] as const) {
      const run = await call<VerifyRunDto>(t.core, conn, 'audit:verify', { mode })
      expect(run.outcome, run.message ?? '').toBe('passed')
    }
    expect(await t.core.dispatch(conn, 'audit:purge', { expected: { events: 0, loginEvents: 0 } })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } })
  })

  it('still names an altered event that was not purged', async () => {
    const conn = await ownerWindow()
    const row = (await testDb(t.core).get<{ seq: number }>("SELECT max(seq) AS seq FROM audit_events WHERE purged_at IS NULL AND action = 'audit.purged'"))!
    await testDb(t.core).run("UPDATE audit_events SET summary = 'nothing happened' WHERE seq = ?", row.seq)
    const run = await call<VerifyRunDto>(t.core, conn, 'audit:verify', { mode: 'full' })
    expect(run).toMatchObject({ outcome: 'failed', badSeq: Number(row.seq) })
  })

  it('refuses support agents whatever their scope', async () => {
    const conn = await ownerWindow()
    await call(t.core, conn, 'support-access:extend', { duration: 'day', scope: 'full', reason: 'Ticket 7' })
    const agent = await insertAgent(t.core, { email: 'sam@vendor.example', name: 'Sam Support' })
    const agentConn = await signInAgent(t.core, agent, await accountIdOf(t.core))
    expect((await call<RetentionStatusDto>(t.core, agentConn, 'audit:retention', {})).retention).toBe('1y')
    for (const [channel, input] of [
      ['audit:retention-set', { retention: 'forever' }],
      ['audit:purge', { expected: { events: 0, loginEvents: 0 } }]
    ] as const) {
      expect(await t.core.dispatch(agentConn, channel, input)).toMatchObject({
        ok: false,
        error: { code: 'FORBIDDEN', message: "Support agents cannot change the account's retention or purge its history." }
      })
    }
    expect((await status()).retention).toBe('1y')
  })
})
