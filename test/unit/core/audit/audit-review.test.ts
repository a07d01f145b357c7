import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AuditEventDto } from '../../../../src/shared/contract/audit'
import { AUDIT_ACTION_GROUPS, OWNER_ONLY_ACTIONS } from '../../../../src/shared/audit-actions'
import { seedDemo } from '../../../../src/main/core/demo/seed-demo'
import { addMember, call, META, OWNER, openTestCore, setupAccount, signIn, testDb, type TestCore, type TestMember } from '../../../support/core'

interface Page {
  rows: AuditEventDto[]
  next: { time: number; seq: number } | null
}
type Filter = Record<string, unknown>

const DAY = 86_400_000

/** Filters, search, totals and the chart's series of the audit log (issue 10 part 3), against SQL written out by hand. */
describe('audit review', () => {
  let t: TestCore
  let conn: string
  let accountId: string
  let admin: TestMember

  const list = (filter: Filter, limit = 30, after?: Page['next']) => call<Page>(t.core, conn, 'audit:list', { filter, limit, ...(after ? { after } : {}) })
  const walk = async (filter: Filter, limit = 30, connection = conn) => {
    const rows: AuditEventDto[] = []
    let page = await call<Page>(t.core, connection, 'audit:list', { filter, limit })
    rows.push(...page.rows)
    while (page.next !== null) {
      page = await call<Page>(t.core, connection, 'audit:list', { filter, limit, after: page.next })
      rows.push(...page.rows)
    }
    return rows
  }
  const expected = async (where: string, params: unknown[] = []) =>
    (
      await testDb(t.core).all<{ seq: number }>(`SELECT seq FROM audit_events WHERE account_id = ? AND (${where}) ORDER BY time DESC, seq DESC`, accountId, ...params)
    ).map((r) => Number(r.seq))
  const count = (filter: Filter, connection = conn) => call<{ count: number; exact: boolean }>(t.core, connection, 'audit:count', { filter })

  beforeAll(async () => {
    t = await openTestCore()
    await setupAccount(t.core)
    accountId = (await testDb(t.core).get<{ account_id: string }>('SELECT account_id FROM accounts'))!.account_id
    await seedDemo(t.core, { users: 60, events: 900, seed: 7 })
    admin = await addMember(t.core, { name: 'Ärger Überall', email: 'aerger@example.com', role: 'admin' })
    await call(t.core, await signIn(t.core, admin.email, admin.password, META), 'auth:sign-out')
    t.clock.advance(60_000)
    conn = await signIn(t.core, OWNER.email, OWNER.password)
  })
  afterAll(async () => t.dispose())

  it('reads newest first by time, though demo history was appended after newer events', async () => {
    const rows = await walk({}, 100)
    const times = rows.map((r) => r.time)
    expect(times).toEqual([...times].sort((a, b) => b - a))
    expect(rows.map((r) => r.seq)).toEqual(await expected('1 = 1'))
    // The account was created before the demo history was written, yet its event reads as newer.
    const created = rows.findIndex((r) => r.action === 'account.created')
    expect(created).toBeLessThan(rows.length - 1)
  })

  it('filters by a time range, an actor kind, a target, and several actions at once, across pages', async () => {
    const all = await walk({}, 200)
    const mid = all[Math.floor(all.length / 2)]!.time
    const from = mid - 30 * DAY
    const to = mid
    expect(await walk({ from, to }, 17)).toEqual(all.filter((r) => r.time >= from && r.time < to))
    expect((await walk({ actorKind: 'system' }, 5)).map((r) => r.seq)).toEqual(await expected("actor_kind = 'system'"))
    const person = all.find((r) => r.action === 'member.role-changed')!.target
    expect((await walk({ targetType: 'member', targetId: person.id }, 3)).map((r) => r.seq)).toEqual(await expected("target_type = 'member' AND target_id = ?", [person.id]))
    const users = AUDIT_ACTION_GROUPS.find((g) => g.group === 'Users')!.actions
    const group = await walk({ actions: users, from, to }, 9)
    expect(group.map((r) => r.seq)).toEqual(
      await expected(`action IN (${users.map(() => '?').join(', ')}) AND time >= ? AND time < ?`, [...users, from, to])
    )
    expect(group.length).toBeGreaterThan(10)
  })

  it('combines actor, action and a week', async () => {
    const changes = await walk({ actions: ['member.role-changed'] }, 500)
    const pick = changes[Math.floor(changes.length / 2)]!
    const from = pick.time - 3 * DAY
    const to = pick.time + 4 * DAY
    const rows = await walk({ actorId: pick.actor.id, actions: ['member.role-changed', 'member.updated'], from, to }, 2)
    expect(rows.map((r) => r.seq)).toEqual(
      await expected("actor_id = ? AND action IN ('member.role-changed', 'member.updated') AND time >= ? AND time < ?", [pick.actor.id, from, to])
    )
    expect(rows.map((r) => r.seq)).toContain(pick.seq)
  })

  it('searches the words of summary, names, emails, values and IP address, each as a word or the start of one', async () => {
    const all = await walk({}, 300)
    const someone = all.find((r) => r.action === 'member.invited')!
    const last = someone.target.name!.split(' ').at(-1)!
    const hits = await walk({ search: last }, 7)
    expect(hits.length).toBeGreaterThan(0)
    expect(hits.map((r) => r.seq)).toContain(someone.seq)
    const wordOf = (text: string | null) => (text ?? '').toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []
    const searchable = (r: AuditEventDto) =>
      [r.summary, r.actor.name, r.actor.email, r.target.name, JSON.stringify(r.before), JSON.stringify(r.after), r.ip].flatMap((x) => wordOf(x))
    const word = last.toLowerCase().match(/[\p{L}\p{N}]+/gu)!.at(-1)!
    // Every hit holds a word starting with the last word typed, and nothing that holds one is missed.
    expect(hits.map((r) => r.seq)).toEqual(all.filter((r) => searchable(r).some((w) => w.startsWith(word))).map((r) => r.seq))
    // Two words: both must match; the prefix narrows while typing; emails and IP addresses split into words.
    const two = await walk({ search: `${someone.actor.name} ${last.slice(0, 3)}` }, 50)
    expect(two.every((r) => searchable(r).some((w) => w.startsWith(last.slice(0, 3).toLowerCase())))).toBe(true)
    expect(two.map((r) => r.seq)).toContain(someone.seq)
    expect((await walk({ search: someone.after && (someone.after as { email: string }).email }, 50)).map((r) => r.seq)).toContain(someone.seq)
    const withIp = all.find((r) => r.ip)!
    expect((await walk({ search: withIp.ip! }, 50)).map((r) => r.seq)).toContain(withIp.seq)
  })

  it('folds case beyond ASCII and leaves accents as typed, alike on both stores', async () => {
    const mine = await walk({ search: 'ärger' })
    expect(mine.length).toBeGreaterThan(0)
    expect(mine.every((r) => r.target.name === 'Ärger Überall' || r.actor.name === 'Ärger Überall')).toBe(true)
    expect(await walk({ search: 'ÜBERALL' })).toEqual(mine)
    expect(await walk({ search: 'arger' })).toEqual([])
  })

  it('takes any text as words: query syntax of either store is only punctuation', async () => {
    for (const text of ['"', '*', 'OR', 'NEAR(a b)', "a' OR '1'='1", '!&|:*', 'signed -in', '\\', '(((']) {
      const result = await t.core.dispatch(conn, 'audit:list', { filter: { search: text }, limit: 5 })
      expect(result.ok, text).toBe(true)
    }
    expect(await list({ search: '***' })).toEqual({ rows: [], next: null })
  })

  it('pages a search through every match once, with a time range', async () => {
    const all = await walk({ search: 'signed' }, 400)
    expect(all.length).toBeGreaterThan(100)
    const mid = all[Math.floor(all.length / 2)]!.time
    const ranged = await walk({ search: 'signed', from: mid - 20 * DAY, to: mid }, 13)
    expect(ranged).toEqual(all.filter((r) => r.time >= mid - 20 * DAY && r.time < mid))
    expect(await walk({ search: 'signed', actions: ['auth.signed-out'] }, 11)).toEqual(all.filter((r) => r.action === 'auth.signed-out'))
  })

  it('counts exactly from the hourly counts, and by counting events otherwise', async () => {
    const total = Number((await testDb(t.core).get<{ n: number }>('SELECT count(*) AS n FROM audit_events WHERE account_id = ?', accountId))!.n)
    expect(await count({})).toEqual({ count: total, exact: true })
    const hourFrom = Math.floor((Date.now() - 200 * DAY) / 3_600_000) * 3_600_000
    for (const filter of [
      { actions: ['auth.signed-in', 'member.updated'] },
      { from: hourFrom, to: hourFrom + 90 * DAY },
      { actorKind: 'member', targetType: 'member' },
      { from: hourFrom + 1234, to: hourFrom + 40 * DAY - 77 },
      { search: 'signed' },
      { actorId: admin.personId }
    ]) {
      const rows = await walk(filter, 500)
      expect(await count(filter), JSON.stringify(filter)).toEqual({ count: rows.length, exact: true })
    }
  })

  it('keeps the hourly counts in step with every append', async () => {
    const before = (await count({})).count
    await signIn(t.core, admin.email, admin.password)
    expect((await count({})).count).toBe(before + 1)
    const sums = await testDb(t.core).get<{ a: number; b: number }>(
      "SELECT (SELECT sum(events) FROM audit_hourly) AS a, (SELECT count(*) FROM audit_events) AS b"
    )
    expect(Number(sums!.a)).toBe(Number(sums!.b))
  })

  it('gives the series per bin, summing to the total of the range', async () => {
    const now = Date.now()
    const bounds = Array.from({ length: 366 }, (_, i) => now - 365 * DAY + i * DAY)
    const { counts } = await call<{ counts: number[] }>(t.core, conn, 'audit:series', { filter: {}, bounds })
    expect(counts).toHaveLength(365)
    const start = Math.floor(bounds[0]! / 3_600_000) * 3_600_000
    const end = Math.ceil(bounds.at(-1)! / 3_600_000) * 3_600_000
    const inRange = (await walk({ from: start, to: end }, 500)).length
    expect(counts.reduce((a, b) => a + b, 0)).toBe(inRange)
    // A day's bin holds the events of its hours.
    const busiest = counts.indexOf(Math.max(...counts))
    const dayFrom = Math.ceil(bounds[busiest]! / 3_600_000) * 3_600_000
    const dayTo = Math.ceil(bounds[busiest + 1]! / 3_600_000) * 3_600_000
    expect(counts[busiest]).toBe((await walk({ from: dayFrom, to: dayTo }, 500)).length)
    // Filtered by a search, counted from the events.
    const searched = await call<{ counts: number[] }>(t.core, conn, 'audit:series', { filter: { search: 'signed' }, bounds })
    expect(searched.counts.reduce((a, b) => a + b, 0)).toBe((await walk({ search: 'signed', from: start, to: end }, 500)).length)
  })

  it('keeps Owner-only actions out of other readers’ pages, totals and series', async () => {
    const support = { kind: 'support' as const, id: 'agent-9', name: 'Sue Support', email: 'sue@support.example', role: null }
    await t.core.tx((tx) =>
      t.core.ledger.appendMany(
        tx,
        OWNER_ONLY_ACTIONS.map((action) => ({ accountId, actor: support, action, summary: `${action} by Sue`, target: { type: 'account', id: accountId, name: null }, ip: null, device: null }))
      )
    )
    const adminConn = await signIn(t.core, admin.email, admin.password)
    expect(await walk({ search: 'sue' }, 50, adminConn)).toEqual([])
    expect(await walk({ actorKind: 'support' }, 50, adminConn)).toEqual([])
    expect(await walk({ actions: [...OWNER_ONLY_ACTIONS] }, 50, adminConn)).toEqual([])
    expect((await walk({ search: 'sue' }, 50)).length).toBe(OWNER_ONLY_ACTIONS.length)
    const ownerTotal = (await count({})).count
    const adminTotal = (await count({}, adminConn)).count
    expect(ownerTotal - adminTotal).toBeGreaterThanOrEqual(OWNER_ONLY_ACTIONS.length)
    expect(adminTotal).toBe((await walk({}, 500, adminConn)).length)
    expect(await count({ actorKind: 'support' }, adminConn)).toEqual({ count: 0, exact: true })
    const bounds = [Date.now() - DAY, Date.now() + DAY]
    const series = await call<{ counts: number[] }>(t.core, adminConn, 'audit:series', { filter: { actorKind: 'support' }, bounds })
    expect(series.counts).toEqual([0])
  })

  it('refuses a malformed filter in words, and changes nothing', async () => {
    const before = (await count({})).count
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ filter: { from: 10, to: 5 }, limit: 5 }, /time range must end after it starts/i],
      [{ filter: { actions: [] }, limit: 5 }, /at least one action/i],
      [{ filter: { search: 'x'.repeat(201) }, limit: 5 }, /at most 200 characters/i],
      [{ filter: { actorKind: 'robot' }, limit: 5 }, /kind of actor/i],
      [{ filter: { colour: 'red' }, limit: 5 }, /filter/i]
    ]
    for (const [input, message] of cases) {
      const result = await t.core.dispatch(conn, 'audit:list', input)
      expect(result, JSON.stringify(input)).toMatchObject({ ok: false, error: { code: 'VALIDATION' } })
      expect(JSON.stringify(result)).toMatch(message)
    }
    const bad = await t.core.dispatch(conn, 'audit:series', { filter: {}, bounds: [5, 3] })
    expect(JSON.stringify(bad)).toMatch(/ascending time order/)
    expect((await count({})).count).toBe(before)
  })
})

describe('audit export', () => {
  let t: TestCore
  let conn: string
  let accountId: string

  beforeAll(async () => {
    t = await openTestCore()
    await setupAccount(t.core)
    accountId = (await testDb(t.core).get<{ account_id: string }>('SELECT account_id FROM accounts'))!.account_id
    await seedDemo(t.core, { users: 30, events: 400, seed: 5 })
    // A value a spreadsheet would run, and a summary with a comma, quotes and a line break.
    await t.core.tx((tx) =>
      t.core.ledger.append(tx, {
        accountId,
        actor: { kind: 'system', id: null, name: '=HYPERLINK("http://evil.example")', email: null, role: null },
        action: 'member.updated',
        summary: 'Renamed "Ann", then\nBob',
        target: { type: 'member', id: 'm-x', name: '+cmd' },
        before: { name: '@Ann' },
        after: { name: '-Bob' },
        ip: null,
        device: null
      })
    )
    t.clock.advance(60_000)
    conn = await signIn(t.core, OWNER.email, OWNER.password)
  })
  afterAll(async () => t.dispose())

  const exportAll = async (filter: Filter, format: 'csv' | 'jsonl', limit = 37) => {
    const start = await call<{ fileName: string; filter: Filter; total: { count: number; exact: boolean } }>(t.core, conn, 'audit:export-start', { filter, format })
    let text = ''
    let rows = 0
    let after: Page['next'] | undefined
    do {
      const page = await call<{ text: string; rows: number; next: Page['next'] }>(t.core, conn, 'audit:export-page', { filter: start.filter, format, limit, ...(after ? { after } : {}) })
      text += page.text
      rows += page.rows
      after = page.next
    } while (after)
    return { ...start, text, rows }
  }

  it('writes every event of the filter once, newest first, as the total counted; the export itself is audited', async () => {
    const out = await exportAll({}, 'jsonl')
    const seqs = (await testDb(t.core).all<{ seq: number }>('SELECT seq FROM audit_events WHERE account_id = ? ORDER BY time DESC, seq DESC', accountId)).map((r) => Number(r.seq))
    expect(out.fileName).toMatch(/^gatehouse-audit-\d{4}-\d{2}-\d{2}\.jsonl$/)
    expect(out.total).toEqual({ count: seqs.length, exact: true })
    const lines = out.text.trimEnd().split('\n').map((l) => JSON.parse(l) as { seq: number; time: string; timeMs: number; before: unknown })
    expect(lines.map((l) => l.seq)).toEqual(seqs)
    expect(lines[0]!.time).toBe(new Date(lines[0]!.timeMs).toISOString())
    const [exported] = (await call<Page>(t.core, conn, 'audit:list', { filter: { actions: ['audit.exported'] }, limit: 1 })).rows
    expect(exported).toMatchObject({ summary: `${OWNER.name} exported audit events as JSON Lines.`, after: { format: 'jsonl', filter: {} } })
    // Recorded before the range closed: the file holds its own export, first.
    expect(lines[0]!.seq).toBe(exported!.seq)
    // What is appended while the pages are read is not in the file.
    const start = await call<{ filter: Filter; total: { count: number } }>(t.core, conn, 'audit:export-start', { filter: {}, format: 'jsonl' })
    t.clock.advance(1000)
    await signIn(t.core, OWNER.email, OWNER.password)
    const first = await call<{ text: string }>(t.core, conn, 'audit:export-page', { filter: start.filter, format: 'jsonl', limit: 1 })
    expect((JSON.parse(first.text) as { action: string }).action).toBe('audit.exported')
    expect(start.total.count).toBe(seqs.length + 1)
  })

  it('writes CSV with a BOM, a header, CRLF, quoting, times in UTC and every formula-like cell neutralised', async () => {
    const out = await exportAll({ actorKind: 'system' }, 'csv', 2)
    expect(out.text.startsWith('\uFEFFseq,time_utc,actor_kind,actor_id,actor_name,actor_email,actor_role,action,summary,target_type,target_id,target_name,before,after,ip,device\r\n')).toBe(true)
    // Every text field quoted (the core's own codes need none); empty for none.
    expect(out.text).toContain(`,system,,"'=HYPERLINK(""http://evil.example"")",,,member.updated,"Renamed ""Ann"", then\nBob",member,"m-x","'+cmd","{""name"":""@Ann""}","{""name"":""-Bob""}",,\r\n`)
    expect(out.text).toMatch(/^\d+,\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z,system,/m)
    expect(out.rows).toBe(out.total.count)
  })

  it('is refused to a Viewer (no "Export data"), and an Agent even with it (no audit log), writing nothing', async () => {
    const before = Number((await testDb(t.core).get<{ n: number }>('SELECT count(*) AS n FROM audit_events'))!.n)
    const viewer = await addMember(t.core, { name: 'Vee Viewer', email: 'vee@example.com', role: 'viewer' })
    const agent = await addMember(t.core, { name: 'Aga Agent', email: 'aga@example.com', role: 'agent' })
    await testDb(t.core).run("INSERT INTO member_permissions (account_id, membership_id, permission, granted_at) VALUES (?, ?, 'export-data', 0)", accountId, agent.membershipId)
    for (const who of [viewer, agent]) {
      const c = await signIn(t.core, who.email, who.password)
      expect(await t.core.dispatch(c, 'audit:export-start', { filter: {}, format: 'csv' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } })
      expect(await t.core.dispatch(c, 'audit:export-page', { filter: {}, format: 'csv' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } })
    }
    // Only their two sign-ins were added.
    expect(Number((await testDb(t.core).get<{ n: number }>('SELECT count(*) AS n FROM audit_events'))!.n)).toBe(before + 2)
  })
})
