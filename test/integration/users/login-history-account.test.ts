import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DormantRowDto, LoginEventRowDto } from '../../../src/shared/contract/login-history'
import { addMember, call, META, OWNER, openTestCore, setupAccount, signIn, testDb, type TestCore, type TestMember } from '../../support/core'

const DAY = 86_400_000
type Page = { rows: LoginEventRowDto[]; next: { time: number; id: number } | null }
type Dormant = { rows: DormantRowDto[]; next: { lastLoginAt: number; personId: string } | null; total: number }

/** Login history across the account: every attempt with filters and paging, dormant members, export (issue 10 part 2). */
describe('login history across the account', () => {
  let t: TestCore
  let owner: string
  let ada: TestMember
  let ben: TestMember
  let accountId: string

  const ownerWindow = async () => {
    if ((await t.core.dispatch(owner, 'users:seats', {})).ok) return owner
    owner = await signIn(t.core, OWNER.email, OWNER.password)
    return owner
  }
  const list = async (input: unknown, conn?: string) => call<Page>(t.core, conn ?? (await ownerWindow()), 'login-history:list', input)
  const wrong = (email: string, meta = META) => t.core.dispatch(t.core.connect(meta), 'auth:sign-in', { email, password: 'not-the-password' })

  beforeAll(async () => {
    t = await openTestCore()
    await setupAccount(t.core)
    owner = await signIn(t.core, OWNER.email, OWNER.password)
    accountId = (await testDb(t.core).get<{ account_id: string }>('SELECT account_id FROM accounts'))!.account_id
    ada = await addMember(t.core, { name: 'Ada Admin', email: 'ada@example.com', role: 'admin' })
    ben = await addMember(t.core, { name: 'Ben Viewer', email: 'ben@example.com', role: 'viewer' })
    t.clock.advance(DAY)
    await signIn(t.core, ada.email, ada.password, { ...META, ip: '203.0.113.5', device: 'Firefox 140 on Linux' })
    t.clock.advance(60_000)
    await wrong(ben.email, { ...META, ip: '192.0.2.66', device: 'curl' })
    t.clock.advance(60_000)
    await signIn(t.core, ben.email, ben.password, { ...META, ip: '198.51.100.7', device: 'Safari 19 on iOS' })
    // A support agent's own sign-in into this account (written as the support sign-in writes it).
    await testDb(t.core).run(
      `INSERT INTO support_agents (agent_id, account_id, email, name, password_hash, created_at) VALUES ('agent-1', NULL, 'sam@vendor.example', 'Sam Support', 'x', 0)`
    )
    await testDb(t.core).run(
      `INSERT INTO login_events (account_id, time, person_id, principal_kind, email_tried, method, result, ip, device) VALUES (?, ?, 'agent-1', 'support', 'sam@vendor.example', 'support', 'success', '10.9.9.9', 'Edge')`,
      accountId,
      t.core.clock.now() + 1
    )
    t.clock.advance(60_000)
  })
  afterAll(async () => t.dispose())

  it('lists every attempt newest first, with the person, method, result and reason, address and device', async () => {
    const { rows, next } = await list({})
    expect(next).toBeNull()
    expect(rows.map((r) => [r.email, r.method, r.result])).toEqual([
      ['olivia@example.com', 'password', 'success'],
      ['sam@vendor.example', 'support', 'success'],
      ['ben@example.com', 'password', 'success'],
      ['ben@example.com', 'password', 'failure'],
      ['ada@example.com', 'password', 'success'],
      ['olivia@example.com', 'password', 'success'],
      ['olivia@example.com', 'password', 'success']
    ])
    expect(rows[3]).toMatchObject({ kind: 'member', membershipId: ben.membershipId, name: 'Ben Viewer', reason: 'wrong password', ip: '192.0.2.66', device: 'curl', provider: null })
    expect(rows[1]).toMatchObject({ kind: 'support', membershipId: null, name: 'Sam Support' })
  })

  it('filters by time range, person, email tried, method, result and address, combined, and pages by keyset', async () => {
    const all = (await list({})).rows
    expect((await list({ filter: { membershipId: ben.membershipId } })).rows.map((r) => r.result)).toEqual(['success', 'failure'])
    expect((await list({ filter: { email: 'BEN@example.com', result: 'failure' } })).rows).toHaveLength(1)
    expect((await list({ filter: { ip: '203.0.113.5' } })).rows.map((r) => r.name)).toEqual(['Ada Admin'])
    expect((await list({ filter: { method: 'support' } })).rows.map((r) => r.name)).toEqual(['Sam Support'])
    expect((await list({ filter: { method: 'sso' } })).rows).toEqual([])
    const ada1 = all.find((r) => r.email === 'ada@example.com')!
    expect((await list({ filter: { from: ada1.time, to: ada1.time + 1 } })).rows.map((r) => r.id)).toEqual([ada1.id])
    expect((await list({ filter: { result: 'failure', membershipId: ben.membershipId, ip: '192.0.2.66', from: 0 } })).rows).toHaveLength(1)
    // Two at a time: the pages join up to the whole list, without a gap or a repeat.
    const paged: LoginEventRowDto[] = []
    let after: Page['next'] | undefined
    do {
      const page = await list({ limit: 2, ...(after ? { after } : {}) })
      paged.push(...page.rows)
      after = page.next
    } while (after)
    expect(paged.map((r) => r.id)).toEqual(all.map((r) => r.id))
    expect(await t.core.dispatch(await ownerWindow(), 'login-history:list', { filter: { membershipId: 'nobody' } })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } })
  })

  it("shows support agents' sign-ins to the Owner only; an Agent sees none of it", async () => {
    const adaConn = await signIn(t.core, ada.email, ada.password)
    const seen = (await list({}, adaConn)).rows
    expect(seen.some((r) => r.kind === 'support')).toBe(false)
    expect((await list({ filter: { method: 'support' } }, adaConn)).rows).toEqual([])
    const agent = await addMember(t.core, { name: 'Al Agent', email: 'al@example.com', role: 'agent' })
    const agentConn = await signIn(t.core, agent.email, agent.password)
    for (const [channel, input] of [
      ['login-history:list', {}],
      ['login-history:dormant', { period: '30' }],
      ['login-history:export-start', { format: 'csv' }]
    ] as const) {
      expect(await t.core.dispatch(agentConn, channel, input)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } })
    }
  })

  it('filters on the method invitation (accepting one is recorded so: invitations.test.ts)', async () => {
    await testDb(t.core).run(
      `INSERT INTO login_events (account_id, time, person_id, principal_kind, email_tried, method, result) VALUES (?, ?, ?, 'member', ?, 'invitation', 'success')`,
      accountId,
      t.core.clock.now(),
      ben.personId,
      ben.email
    )
    expect((await list({ filter: { method: 'invitation' } })).rows.map((r) => r.name)).toEqual(['Ben Viewer'])
  })

  it('lists dormant members oldest sign-in first, with those who never signed in, and an Admin deactivates them in bulk', async () => {
    const cara = await addMember(t.core, { name: 'Cara Never', email: 'cara@example.com', role: 'viewer' })
    await addMember(t.core, { name: 'Dan Gone', email: 'dan@example.com', role: 'viewer', status: 'deactivated' })
    const dormant = (period: string) => call<Dormant>(t.core, owner, 'login-history:dormant', { period })
    await ownerWindow()
    // Nobody has gone 30 days yet; Cara (and Al, the agent above) never signed in.
    expect((await dormant('never')).rows.map((r) => r.name).sort()).toEqual(['Cara Never'])
    t.clock.advance(31 * DAY)
    await ownerWindow()
    const d30 = await dormant('30')
    // Never first, then the oldest sign-in (Ada and Al signed in again above); the Owner signed in
    // just now; deactivated people are not listed.
    // Ada and Al signed in at the same instant of the test clock: their order is the tie-break's.
    expect(d30.rows.map((r) => r.name).slice(0, 2)).toEqual(['Cara Never', 'Ben Viewer'])
    expect(d30.rows.map((r) => r.name).slice(2).sort()).toEqual(['Ada Admin', 'Al Agent'])
    const times = d30.rows.map((r) => r.lastLoginAt ?? -1)
    expect(times).toEqual([...times].sort((a, b) => a - b))
    expect(d30.total).toBe(4)
    expect(d30.rows[0]).toMatchObject({ membershipId: cara.membershipId, lastLoginAt: null, role: 'viewer' })
    expect((await dormant('60')).total).toBe(1)
    const page = await call<Dormant>(t.core, owner, 'login-history:dormant', { period: '30', limit: 1 })
    const rest = await call<Dormant>(t.core, owner, 'login-history:dormant', { period: '30', limit: 10, after: page.next })
    expect([...page.rows, ...rest.rows].map((r) => r.membershipId)).toEqual(d30.rows.map((r) => r.membershipId))

    const viewer = await signIn(t.core, ben.email, ben.password)
    expect((await call<Dormant>(t.core, viewer, 'login-history:dormant', { period: '30' })).total).toBe(d30.total - 1)
    expect(await t.core.dispatch(viewer, 'users:bulk-deactivate', { membershipIds: [cara.membershipId] })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } })
    const adaConn = await signIn(t.core, ada.email, ada.password)
    await call(t.core, adaConn, 'users:bulk-deactivate', { membershipIds: [cara.membershipId] })
    expect((await dormant('never')).rows).toEqual([])
  })

  it('exports the filter as CSV (formulas neutralised, UTC) and JSON Lines, page by page, and audits the export', async () => {
    const evil = '=HYPERLINK("http://x")@example.com'
    // Not an email the sign-in form takes, but an email tried is whatever reached the store.
    await testDb(t.core).run(
      `INSERT INTO login_events (account_id, time, person_id, principal_kind, email_tried, method, result, reason) VALUES (?, ?, NULL, 'member', ?, 'password', 'failure', 'unknown email')`,
      accountId,
      t.core.clock.now(),
      evil
    )
    const conn = await ownerWindow()
    const started = await call<{ fileName: string; filter: { to: number }; total: { count: number; exact: boolean } }>(t.core, conn, 'login-history:export-start', {
      filter: { result: 'failure' },
      format: 'csv'
    })
    expect(started.fileName).toMatch(/^gatehouse-login-history-\d{4}-\d{2}-\d{2}\.csv$/)
    expect(started.total).toEqual({ count: 2, exact: true })
    const first = await call<{ text: string; rows: number; next: unknown }>(t.core, conn, 'login-history:export-page', { filter: started.filter, format: 'csv', limit: 1 })
    expect(first.text.startsWith('\uFEFFtime_utc,kind,name,email,method,provider,result,reason,ip,device\r\n')).toBe(true)
    expect(first.text).toContain(`,"'=HYPERLINK(""http://x"")@example.com",password,,failure,unknown email,`)
    expect(first.text).toMatch(/^\uFEFF.*\r\n\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z,member,,/)
    const second = await call<{ text: string; rows: number; next: unknown }>(t.core, conn, 'login-history:export-page', { filter: started.filter, format: 'csv', limit: 1, after: first.next })
    expect(second.text).toContain('Ben Viewer')
    expect(second.text.startsWith('\uFEFF')).toBe(false)
    const lines = (await call<{ text: string }>(t.core, conn, 'login-history:export-page', { filter: started.filter, format: 'jsonl' })).text.trim().split('\n')
    expect(lines.map((l) => (JSON.parse(l) as LoginEventRowDto).email)).toEqual([evil, ben.email])
    const [event] = (await call<{ rows: Array<{ summary: string; after: unknown }> }>(t.core, conn, 'audit:list', { filter: { actions: ['login-history.exported'] }, limit: 1 })).rows
    expect(event).toMatchObject({ summary: `${OWNER.name} exported the login history as CSV.`, after: { format: 'csv', filter: { result: 'failure' } } })
  })
})
