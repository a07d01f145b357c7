import { randomUUID } from 'node:crypto'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { USER_SORTS, USER_STATUSES } from '../../../../src/shared/contract/users'
import { seedDemo } from '../../../../src/main/core/demo/seed-demo'
import { findMemberRows } from '../../../../src/main/core/users/members-repository'
import { addMember, call, OWNER, openTestCore, setupAccount, signIn, testDb, type TestCore } from '../../../support/core'

interface Row {
  id: string
  personId: string
  name: string
  email: string
  role: string
  status: string
  lastLoginAt: number | null
}
interface Page {
  rows: Row[]
  next: { value: string | number | null; id: string } | null
  total: number | null
  totalCapped?: boolean
  counts: Record<string, number> | null
  countsCapped?: boolean
}

const DAY = 86_400_000

describe('users:list', () => {
  let t: TestCore
  let conn: string
  let accountId: string

  const list = (input: Record<string, unknown>) => call<Page>(t.core, conn, 'users:list', input)
  /** Follow `next` to the end; returns every row in order and the first page. */
  const walk = async (input: Record<string, unknown>) => {
    const first = await list({ ...input, limit: 50 })
    const rows = [...first.rows]
    let page = first
    let pages = 1
    while (page.next) {
      page = await list({ ...input, limit: 50, after: page.next })
      expect(page.total).toBeNull()
      expect(page.counts).toBeNull()
      expect(page.rows.length).toBeLessThanOrEqual(50)
      rows.push(...page.rows)
      pages += 1
      if (pages > 100) throw new Error('paging does not end')
    }
    return { rows, first, pages }
  }
  /** Members of the account matching `where` (`?` parameters after the account id). */
  const sqlCount = async (where: string, ...params: unknown[]) =>
    Number(
      (await testDb(t.core).get<{ n: number }>(`SELECT count(*) AS n FROM memberships m JOIN persons p ON p.person_id = m.person_id WHERE m.account_id = ? AND (${where})`, accountId, ...params))!.n
    )
  /** The shown status in SQL; takes `now` as its one parameter. */
  const STATUS_SQL = "CASE WHEN m.status = 'invited' AND m.invite_expires_at <= ? THEN 'expired' ELSE m.status END"

  beforeAll(async () => {
    t = await openTestCore()
    ;({ connectionId: conn } = await setupAccount(t.core))
    const db = testDb(t.core)
    accountId = (await db.get<{ account_id: string }>('SELECT account_id FROM accounts'))!.account_id
    await seedDemo(t.core, { users: 600, events: 600, seed: 42 })
    // Names and emails with LIKE's wildcard characters and a backslash in them.
    await addMember(t.core, { name: 'Percy 100% Sure', email: 'percy@wild.example', role: 'viewer' })
    await addMember(t.core, { name: 'Una Score', email: 'una_score@wild.example', role: 'viewer' })
    await addMember(t.core, { name: 'Bart Back\\Slash', email: 'bart@wild.example', role: 'viewer' })
    // Someone in another account: never listed here.
    await db.run("INSERT INTO accounts (account_id, name, plan, seats, created_at) VALUES ('other-account', 'Other Co', 'paid', 5, ?)", t.clock.now() + 1)
    const personId = randomUUID()
    await db.run("INSERT INTO persons (person_id, account_id, email, name, created_at) VALUES (?, 'other-account', 'outsider@other.example', 'Olivia Outsider', 0)", personId)
    await db.run("INSERT INTO memberships (membership_id, account_id, person_id, role, status, created_at) VALUES (?, 'other-account', ?, 'owner', 'active', 0)", randomUUID(), personId)
  })
  afterAll(async () => t.dispose())

  it('returns every member exactly once across pages, for every sort and direction', async () => {
    const expected = await sqlCount('1 = 1')
    expect(expected).toBe(604)
    for (const sort of USER_SORTS) {
      for (const direction of ['asc', 'desc'] as const) {
        const { rows, first, pages } = await walk({ sort, direction })
        const label = `${sort} ${direction}`
        expect(first.total, label).toBe(expected)
        expect(rows.length, label).toBe(expected)
        expect(new Set(rows.map((r) => r.id)).size, label).toBe(expected)
        expect(pages, label).toBe(Math.ceil(expected / 50))
        // In the order the SQL ordering (with the columns' NOCASE collation) defines.
        const column = { name: 'p.name', email: 'p.email', lastLogin: 'm.last_login_at' }[sort]
        const order = direction.toUpperCase()
        const ids = (
          await testDb(t.core).all<{ id: string }>(
            `SELECT m.membership_id AS id FROM memberships m JOIN persons p ON p.person_id = m.person_id WHERE m.account_id = ? ORDER BY ${column} ${order}, p.person_id ${order}`,
            accountId
          )
        ).map((r) => r.id)
        expect(rows.map((r) => r.id), label).toEqual(ids)
      }
    }
  })

  it('sorts by last login with "never" as null, after everyone who has signed in (ascending: first)', async () => {
    const { rows } = await walk({ sort: 'lastLogin', direction: 'desc' })
    const firstNever = rows.findIndex((r) => r.lastLoginAt === null)
    expect(firstNever).toBeGreaterThan(0)
    expect(rows.slice(firstNever).every((r) => r.lastLoginAt === null)).toBe(true)
    const times = rows.slice(0, firstNever).map((r) => r.lastLoginAt!)
    expect(times).toEqual([...times].sort((a, b) => b - a))
  })

  it('searches name and email, ignoring case', async () => {
    const someone = (await testDb(t.core).get<{ name: string; email: string }>(
      "SELECT p.name, p.email FROM persons p WHERE p.email LIKE '%-demo.example' ORDER BY p.email LIMIT 1 OFFSET 17"
    ))!
    const lastName = someone.name.split(' ').at(-1)!
    for (const term of [lastName.toUpperCase(), lastName.toLowerCase(), `  ${lastName}  `]) {
      const { rows, first } = await walk({ search: term })
      const needle = term.trim().toLowerCase()
      expect(rows.length).toBe(first.total)
      expect(rows.length).toBe(await sqlCount('lower(p.name) LIKE ? OR lower(p.email) LIKE ?', `%${needle}%`, `%${needle}%`))
      expect(rows.some((r) => r.email === someone.email)).toBe(true)
      for (const row of rows) expect(`${row.name} ${row.email}`.toLowerCase()).toContain(needle)
    }
    // By email only: the demo domain matches every demo person and no one else.
    const domain = someone.email.split('@')[1]!
    // Counted up to 200 ("200+"); the walk still reaches every one of the 600.
    const byDomain = await list({ search: domain.toUpperCase() })
    expect({ total: byDomain.total, capped: byDomain.totalCapped }).toEqual({ total: 200, capped: true })
    expect((await walk({ search: domain.toUpperCase() })).rows.length).toBe(600)
    // The owner, by a fragment of the email.
    expect((await list({ search: 'OLIVIA@EXAMPLE' })).rows.map((r) => r.email)).toEqual([OWNER.email])
  })

  it('takes % and _ and \\ in a search literally', async () => {
    expect((await list({ search: '%' })).rows.map((r) => r.name)).toEqual(['Percy 100% Sure'])
    expect((await list({ search: '100%' })).rows.map((r) => r.name)).toEqual(['Percy 100% Sure'])
    expect((await list({ search: '_' })).rows.map((r) => r.email)).toEqual(['una_score@wild.example'])
    expect((await list({ search: '\\' })).rows.map((r) => r.name)).toEqual(['Bart Back\\Slash'])
    expect((await list({ search: 'zzzz-nobody' })).rows).toEqual([])
    expect((await list({ search: 'zzzz-nobody' })).total).toBe(0)
  })

  it('filters by status, with totals and per-status counts that agree with SQL', async () => {
    const first = await list({})
    const counts: Record<string, number> = {}
    for (const status of USER_STATUSES) counts[status] = await sqlCount(`${STATUS_SQL} = ?`, t.clock.now(), status)
    expect(first.counts).toEqual(counts)
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(first.total)
    expect(counts.expired).toBeGreaterThan(0)
    expect(counts.invited).toBeGreaterThan(0)
    expect(counts.deactivated).toBeGreaterThan(0)
    for (const status of USER_STATUSES) {
      const { rows, first: page } = await walk({ status, sort: 'lastLogin', direction: 'desc' })
      expect(page.total, status).toBe(counts[status])
      expect(rows.length, status).toBe(counts[status])
      expect(new Set(rows.map((r) => r.status)), status).toEqual(new Set([status]))
      // The chips' counts are account-wide: they do not move with the status filter.
      expect(page.counts).toEqual(counts)
    }
  })

  it('shows an invitation past its expiry as "expired", and one still valid as "invited"', async () => {
    const late = await addMember(t.core, { name: 'Late Larry', email: 'late@wild.example', role: 'agent', status: 'invited' })
    const fresh = await addMember(t.core, { name: 'Fresh Fiona', email: 'fresh@wild.example', role: 'agent', status: 'invited' })
    const setExpiry = (membershipId: string, at: number) => testDb(t.core).run('UPDATE memberships SET invite_expires_at = ? WHERE membership_id = ?', at, membershipId)
    await setExpiry(late.membershipId, t.clock.now() - 1)
    await setExpiry(fresh.membershipId, t.clock.now() + 7 * DAY)
    const statusOf = async (email: string) => (await list({ search: email })).rows[0]?.status
    expect(await statusOf('late@wild.example')).toBe('expired')
    expect(await statusOf('fresh@wild.example')).toBe('invited')
    expect((await walk({ status: 'expired' })).rows.some((r) => r.email === 'late@wild.example')).toBe(true)
    expect((await walk({ status: 'invited' })).rows.some((r) => r.email === 'late@wild.example')).toBe(false)
    // A week later (signed in again after the idle timeout) the fresh one has expired too, with no write.
    t.clock.advance(7 * DAY)
    conn = await signIn(t.core, OWNER.email, OWNER.password)
    expect(await statusOf('fresh@wild.example')).toBe('expired')
  })

  it('filters by role and combines filters with search and paging', async () => {
    for (const role of ['owner', 'admin', 'agent', 'viewer']) {
      const { rows, first } = await walk({ role })
      expect(first.total, role).toBe(await sqlCount('m.role = ?', role))
      expect(rows.every((r) => r.role === role)).toBe(true)
    }
    const { rows, first } = await walk({ role: 'agent', status: 'active', search: '.', sort: 'email', direction: 'desc' })
    const exact = await sqlCount("m.role = 'agent' AND m.status = 'active' AND (p.name LIKE '%.%' OR p.email LIKE '%.%')")
    // A term most people contain is counted only up to the cap ("200+"); paging still reaches every match.
    expect(exact).toBeGreaterThan(200)
    expect(first.total).toBe(200)
    expect(first.totalCapped).toBe(true)
    expect(rows.length).toBe(exact)
  })

  it('never lists members of another account', async () => {
    expect((await list({ search: 'outsider' })).total).toBe(0)
    expect((await walk({})).rows.some((r) => r.email === 'outsider@other.example')).toBe(false)
  })

  it('reports "never" as a null last login and shows no password material', async () => {
    const { rows } = await walk({})
    const pending = rows.filter((r) => r.status === 'invited' || r.status === 'expired')
    expect(pending.length).toBeGreaterThan(0)
    // Invited people have never signed in.
    expect(pending.every((r) => r.lastLoginAt === null)).toBe(true)
    expect(Object.keys(rows[0]!)).toEqual(expect.arrayContaining(['id', 'personId', 'name', 'email', 'role', 'status', 'lastLoginAt', 'createdAt']))
    expect(Object.keys(rows[0]!).filter((k) => /password|hash/i.test(k))).toEqual([])
    expect(JSON.stringify(rows)).not.toContain('scrypt$')
  })

  /** Per-status counts of the account's members matching `where`, as the chips show them. */
  const sqlStatusCounts = async (where: string, ...params: unknown[]) => {
    const counts: Record<string, number> = {}
    for (const status of USER_STATUSES) counts[status] = await sqlCount(`(${where}) AND ${STATUS_SQL} = ?`, ...params, t.clock.now(), status)
    return counts
  }

  it('counts the status chips under the role, team and search filters (never under the status filter)', async () => {
    const now = t.clock.now()
    const byRole = await sqlStatusCounts('m.role = ?', 'agent')
    for (const status of [undefined, 'active', 'deactivated'] as const) {
      const page = await list({ role: 'agent', status })
      expect(page.counts, String(status)).toEqual(byRole)
      expect(page.countsCapped).toBe(false)
      expect(page.total).toBe(status ? byRole[status] : Object.values(byRole).reduce((a, b) => a + b, 0))
    }
    const team = (await testDb(t.core).get<{ team_id: string }>('SELECT team_id FROM teams WHERE account_id = ? AND member_count > 0 ORDER BY member_count DESC, team_id LIMIT 1', accountId))!
    const byTeam = await sqlStatusCounts('EXISTS (SELECT 1 FROM team_members tm WHERE tm.team_id = ? AND tm.membership_id = m.membership_id)', team.team_id)
    expect((await list({ teamId: team.team_id })).counts).toEqual(byTeam)
    expect((await list({ teamId: team.team_id, status: 'active' })).total).toBe(byTeam.active)
    const byTeamAndRole = await sqlStatusCounts('m.role = ? AND EXISTS (SELECT 1 FROM team_members tm WHERE tm.team_id = ? AND tm.membership_id = m.membership_id)', 'agent', team.team_id)
    expect((await list({ teamId: team.team_id, role: 'agent' })).counts).toEqual(byTeamAndRole)
    // A search: the people holding a last name.
    const someone = (await testDb(t.core).get<{ name: string }>("SELECT name FROM persons WHERE email LIKE '%-demo.example' ORDER BY email LIMIT 1 OFFSET 3"))!
    const term = someone.name.split(' ').at(-1)!.toLowerCase()
    const bySearch = await sqlStatusCounts('lower(p.name) LIKE ? OR lower(p.email) LIKE ?', `%${term}%`, `%${term}%`)
    const searched = await list({ search: term, status: 'invited' })
    expect(searched.counts).toEqual(bySearch)
    expect(searched.countsCapped).toBe(false)
    expect(searched.total).toBe(bySearch.invited)
    // A term most people contain: the chips are capped like the total, never more than the cap.
    const broad = await list({ search: '.', role: 'agent' })
    expect(broad.totalCapped).toBe(true)
    expect(broad.countsCapped).toBe(true)
    expect(Object.values(broad.counts!).every((n) => n <= 200)).toBe(true)
    expect(Object.values(broad.counts!).reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(200)
    // Without those filters they stay the account-wide totals.
    expect((await list({ status: 'active' })).counts).toEqual(await sqlStatusCounts('1 = 1'))
    expect(now).toBe(t.clock.now())
  })

  it('gives the page at a position (the scrollbar, End, a jump) with the rows the cursor reaches there, and refuses a position in a search', async () => {
    for (const sort of USER_SORTS) {
      for (const direction of ['asc', 'desc'] as const) {
        for (const filters of [{}, { status: 'active' }, { role: 'viewer' }]) {
          const { rows } = await walk({ ...filters, sort, direction })
          for (const offset of [0, 50, 137, rows.length - 7, rows.length]) {
            const page = await list({ ...filters, sort, direction, offset, limit: 50 })
            expect(page.rows.map((r) => r.id), `${sort} ${direction} ${JSON.stringify(filters)} at ${offset}`).toEqual(rows.slice(offset, offset + 50).map((r) => r.id))
            if (offset > 0) expect(page.total).toBeNull()
            // Paging on from a position by cursor continues in order.
            if (page.next) expect((await list({ ...filters, sort, direction, after: page.next, limit: 50 })).rows[0]?.id).toBe(rows[offset + 50]?.id)
          }
        }
      }
    }
    const refused = await t.core.dispatch(conn, 'users:list', { search: 'ann', offset: 100 })
    expect(refused.ok).toBe(false)
    if (!refused.ok) expect(refused.error).toMatchObject({ code: 'VALIDATION', message: expect.stringContaining('only without a search') })
    const both = await t.core.dispatch(conn, 'users:list', { offset: 100, after: { value: 'a', id: 'x' } })
    expect(both.ok).toBe(false)
    const negative = await t.core.dispatch(conn, 'users:list', { offset: -1 })
    expect(negative.ok).toBe(false)
  })

  it('lists the ids of every match for "Select all N matching", uncapped, with their roles, and nobody else', async () => {
    type Members = { members: Array<{ id: string; role: string }>; owner: string | null; you: string | null }
    const ids = (input: Record<string, unknown>) => call<Members>(t.core, conn, 'users:list-ids', input)
    // The caller here is the Owner: named as both (a role change or a deactivation leaves them out).
    const everyone = await walk({})
    const ownerId = everyone.rows.find((r) => r.role === 'owner')!.id
    const all = await ids({})
    expect([all.owner, all.you]).toEqual([ownerId, ownerId])
    expect((await ids({ role: 'viewer' })).owner).toBeNull()
    expect((await ids({ role: 'viewer' })).you).toBeNull()
    expect(new Set(all.members.map((m) => m.id))).toEqual(new Set(everyone.rows.map((r) => r.id)))
    expect(all.members.length).toBe(everyone.rows.length)
    const byId = new Map(everyone.rows.map((r) => [r.id, r.role]))
    for (const m of all.members) expect(m.role).toBe(byId.get(m.id))
    // A broad search: its list counts "200+", its ids are all of its matches.
    for (const search of ['a', 'an', 'example', 'ann', 'son']) {
      for (const filters of [{}, { status: 'active' }, { role: 'viewer' }, { status: 'expired' }]) {
        const listed = (await walk({ search, ...filters })).rows
        const got = await ids({ search, ...filters })
        expect(new Set(got.members.map((m) => m.id)), `${search} ${JSON.stringify(filters)}`).toEqual(new Set(listed.map((r) => r.id)))
      }
    }
    expect((await ids({ search: 'abc\u0000' })).members).toEqual([])
    // An Admin asking: they are left out as well as the Owner.
    const admin = await addMember(t.core, { name: 'Ada Bulkwell', email: 'ada.bulk@wild.example', role: 'admin', password: 'ledger-harbour-violet-77' })
    const adminConn = await signIn(t.core, 'ada.bulk@wild.example', 'ledger-harbour-violet-77')
    const asAdmin = await call<Members>(t.core, adminConn, 'users:list-ids', { search: 'bulkwell' })
    expect(asAdmin).toEqual({ members: [{ id: admin.membershipId, role: 'admin' }], owner: null, you: admin.membershipId })
    expect((await call<Members>(t.core, adminConn, 'users:list-ids', { role: 'viewer' })).you).toBeNull()
  })

  it('finds the members of a bulk change of 40,000 ids (past SQLite\'s 32,766 bound values per statement)', async () => {
    const known = (await walk({ role: 'viewer' })).rows.map((r) => r.id)
    const ids = [...Array.from({ length: 40_000 - known.length }, () => randomUUID()), ...known]
    const found = await findMemberRows(t.core.store.db, accountId, ids)
    expect(new Set(found.map((m) => m.membershipId))).toEqual(new Set(known))
  })

  it('finds nobody for a search holding a NUL or U+0001 (never INTERNAL, never everyone)', async () => {
    for (const search of ['\u0000', 'abc\u0000', '\u0000olivia', 'oli\u0000via', '\u0000\u0000\u0000', 'olivia\u0001', '\u0001example', 'a\u0001o']) {
      const page = await list({ search })
      expect(page.rows, JSON.stringify(search)).toEqual([])
      expect(page.total).toBe(0)
      expect(page.counts).toEqual({ active: 0, invited: 0, expired: 0, deactivated: 0 })
      expect((await list({ search, after: { value: 'a', id: 'x' } })).rows).toEqual([])
    }
  })

  it('never fails on an arbitrary search and returns only people whose name or email contains it (property)', async () => {
    const people = await testDb(t.core).all<{ name: string; email: string }>(
      'SELECT p.name, p.email FROM memberships m JOIN persons p ON p.person_id = m.person_id WHERE m.account_id = ?',
      accountId
    )
    const asciiLower = (s: string) => s.replace(/[A-Z]/g, (c) => c.toLowerCase())
    const contains = (row: { name: string; email: string }, term: string) =>
      [row.name, row.email].some((v) => asciiLower(v).includes(asciiLower(term)) || v.toLowerCase().includes(term.toLowerCase()))
    const fragment = fc
      .tuple(fc.constantFrom(...people.map((p) => `${p.name} ${p.email}`)), fc.nat(), fc.integer({ min: 1, max: 8 }), fc.boolean())
      .map(([text, at, length, upper]) => {
        const start = at % text.length
        const piece = text.slice(start, start + length)
        return upper ? piece.toUpperCase() : piece
      })
    const term = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 12 }),
      fc.string({ unit: 'binary-ascii', maxLength: 12 }),
      fragment,
      fc.tuple(fragment, fc.constantFrom('\u0000', '%', '_', '\\', '"', "'", '*', '(', ':', 'NEAR', ' OR ', '^')).map(([a, b]) => a + b),
      fc.constantFrom('\u0000', '"', '""', "'", '%%', '__', '\\\\', '*', 'a"b', 'NEAR(', 'OR', '^e', '-', ':')
    )
    await fc.assert(
      fc.asyncProperty(term, fc.constantFrom(...USER_SORTS), async (search, sort) => {
        const result = await t.core.dispatch(conn, 'users:list', { search, sort, limit: 500 })
        if (!result.ok) throw new Error(`${JSON.stringify(search)}: ${result.error.code} ${result.error.message}`)
        const page = result.value as Page
        const needle = search.trim()
        for (const row of page.rows) expect(contains(row, needle), `${JSON.stringify(needle)} in ${row.name} ${row.email}`).toBe(true)
        if (needle.includes('\u0000')) expect(page.rows).toEqual([])
        // ASCII terms: exactly the people holding the term (counted up to the cap).
        if ([...needle].every((c) => c.charCodeAt(0) >= 1 && c.charCodeAt(0) <= 0x7f)) {
          const expected = people.filter((p) => [p.name, p.email].some((v) => asciiLower(v).includes(asciiLower(needle)))).length
          if (page.totalCapped) expect(expected).toBeGreaterThan(200)
          else expect(page.total, JSON.stringify(needle)).toBe(expected)
          expect(page.rows.length).toBe(Math.min(expected, 500))
        }
      }),
      { numRuns: 150 }
    )
  })
})
