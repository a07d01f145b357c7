import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { USER_SORTS, USER_STATUSES } from '../../../../src/shared/contract/users'
import { seedDemo } from '../../../../src/main/core/demo/seed-demo'
import { addMember, call, OWNER, openTestCore, setupAccount, signIn, type TestCore } from '../../../support/core'

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
  const sqlCount = (where: string, params: Record<string, unknown> = {}) =>
    (
      t.core.db
        .prepare(`SELECT count(*) AS n FROM memberships m JOIN persons p USING (person_id) WHERE m.account_id = @accountId AND (${where})`)
        .get({ accountId, now: t.clock.now(), ...params }) as { n: number }
    ).n
  const STATUS_SQL = "CASE WHEN m.status = 'invited' AND m.invite_expires_at <= @now THEN 'expired' ELSE m.status END"

  beforeAll(async () => {
    t = openTestCore()
    ;({ connectionId: conn } = await setupAccount(t.core))
    accountId = (t.core.db.prepare('SELECT account_id FROM accounts').get() as { account_id: string }).account_id
    seedDemo(t.core, { users: 600, events: 600, seed: 42 })
    // Names and emails with LIKE's wildcard characters and a backslash in them.
    await addMember(t.core, { name: 'Percy 100% Sure', email: 'percy@wild.example', role: 'viewer' })
    await addMember(t.core, { name: 'Una Score', email: 'una_score@wild.example', role: 'viewer' })
    await addMember(t.core, { name: 'Bart Back\\Slash', email: 'bart@wild.example', role: 'viewer' })
    // Someone in another account: never listed here.
    t.core.tx(() => {
      t.core.db.prepare("INSERT INTO accounts (account_id, name, plan, seats, created_at) VALUES ('other-account', 'Other Co', 'paid', 5, ?)").run(t.clock.now() + 1)
      const personId = randomUUID()
      t.core.db.prepare("INSERT INTO persons (person_id, account_id, email, name, created_at) VALUES (?, 'other-account', 'outsider@other.example', 'Olivia Outsider', 0)").run(personId)
      t.core.db.prepare("INSERT INTO memberships (membership_id, account_id, person_id, role, status, created_at) VALUES (?, 'other-account', ?, 'owner', 'active', 0)").run(randomUUID(), personId)
    })
  })
  afterAll(() => t.dispose())

  it('returns every member exactly once across pages, for every sort and direction', async () => {
    const expected = sqlCount('1')
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
          t.core.db
            .prepare(`SELECT m.membership_id AS id FROM memberships m JOIN persons p USING (person_id) WHERE m.account_id = ? ORDER BY ${column} ${order}, p.person_id ${order}`)
            .all(accountId) as Array<{ id: string }>
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
    const someone = t.core.db.prepare("SELECT p.name, p.email FROM persons p WHERE p.email LIKE '%-demo.example' ORDER BY p.email LIMIT 1 OFFSET 17").get() as {
      name: string
      email: string
    }
    const lastName = someone.name.split(' ').at(-1)!
    for (const term of [lastName.toUpperCase(), lastName.toLowerCase(), `  ${lastName}  `]) {
      const { rows, first } = await walk({ search: term })
      const needle = term.trim().toLowerCase()
      expect(rows.length).toBe(first.total)
      expect(rows.length).toBe(sqlCount('lower(p.name) LIKE @s OR lower(p.email) LIKE @s', { s: `%${needle}%` }))
      expect(rows.some((r) => r.email === someone.email)).toBe(true)
      for (const row of rows) expect(`${row.name} ${row.email}`.toLowerCase()).toContain(needle)
    }
    // By email only: the demo domain matches every demo person and no one else.
    const domain = someone.email.split('@')[1]!
    expect((await list({ search: domain.toUpperCase() })).total).toBe(600)
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
    for (const status of USER_STATUSES) counts[status] = sqlCount(`${STATUS_SQL} = @status`, { status })
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
    const setExpiry = (membershipId: string, at: number) => t.core.db.prepare('UPDATE memberships SET invite_expires_at = ? WHERE membership_id = ?').run(at, membershipId)
    setExpiry(late.membershipId, t.clock.now() - 1)
    setExpiry(fresh.membershipId, t.clock.now() + 7 * DAY)
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
      expect(first.total, role).toBe(sqlCount('m.role = @role', { role }))
      expect(rows.every((r) => r.role === role)).toBe(true)
    }
    const { rows, first } = await walk({ role: 'agent', status: 'active', search: '.', sort: 'email', direction: 'desc' })
    const exact = sqlCount("m.role = 'agent' AND m.status = 'active' AND (p.name LIKE '%.%' OR p.email LIKE '%.%')")
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
})
