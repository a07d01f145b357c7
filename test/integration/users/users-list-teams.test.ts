import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { channels } from '../../../src/shared/contract'
import type { UserRow } from '../../../src/shared/contract/users'
import { seedDemo } from '../../../src/main/core/demo/seed-demo'
import { usersPageQuery } from '../../../src/main/core/users/search.sqlite'
import { TEST_STORE, testDb } from '../../support/core'
import { accountIdOf, accountTemplate, expectOk, type FreshCore } from '../../support/users'

type Page = { rows: UserRow[]; next: { value: string | number | null; id: string } | null; total: number | null; counts: Record<string, number> | null; seats: { used: number } | null }

/** The users list with a team filter over demo data: complete, ordered, counted, and index-driven. */
describe('users list by team', () => {
  let template: Awaited<ReturnType<typeof accountTemplate>>
  let t: FreshCore
  let teams: Array<{ id: string; name: string; memberCount: number }>
  beforeAll(async () => {
    template = await accountTemplate({ seats: 5000 })
    t = await template.fresh()
    await seedDemo(t.core, { users: 2000, events: 2000, seed: 3 })
    teams = expectOk<{ teams: typeof teams }>(await t.core.dispatch(t.owner, 'teams:list', {})).teams
  })
  afterAll(() => template.dispose())

  it('the demo data has the seed\'s five teams with members', () => {
    expect(teams.map((x) => x.name).sort()).toEqual(['Billing Team', 'Support Tier 1', 'Support Tier 2', 'Technical Support', 'VIP Support'])
    for (const team of teams) expect(team.memberCount).toBeGreaterThan(200)
  })

  for (const [sort, direction] of [
    ['name', 'asc'],
    ['email', 'desc'],
    ['lastLogin', 'desc'],
    ['lastLogin', 'asc']
  ] as const) {
    it(`pages through exactly the team's members, in ${sort} ${direction} order, each once`, async () => {
      const team = teams[1]!
      const expected = (await testDb(t.core).all<{ id: string }>('SELECT membership_id AS id FROM team_members WHERE team_id = ?', team.id)).map((r) => r.id)
      const seen: UserRow[] = []
      let page = expectOk<Page>(await t.core.dispatch(t.owner, 'users:list', { teamId: team.id, sort, direction, limit: 97 }))
      expect(page.total).toBe(team.memberCount)
      seen.push(...page.rows)
      while (page.next) {
        page = expectOk<Page>(await t.core.dispatch(t.owner, 'users:list', { teamId: team.id, sort, direction, limit: 97, after: page.next }))
        expect(page.total).toBeNull()
        seen.push(...page.rows)
      }
      expect(seen.map((r) => r.id).sort()).toEqual([...expected].sort())
      for (const row of seen) expect(row.teams.map((x) => x.id)).toContain(team.id)
      const key = (r: UserRow) => (sort === 'lastLogin' ? (r.lastLoginAt ?? 0) : sort === 'email' ? r.email.toLowerCase() : r.name.toLowerCase())
      for (let i = 1; i < seen.length; i++) {
        const [a, b] = [key(seen[i - 1]!), key(seen[i]!)]
        if (direction === 'asc') expect(a <= b, `${a} before ${b}`).toBe(true)
        else expect(a >= b, `${a} before ${b}`).toBe(true)
      }
    })
  }

  it("keeps the team rows' copies of name and email (migration 0013) through renames, case changes and new members, and pages by them", async () => {
    const db = testDb(t.core)
    const stale = () =>
      db.get<{ n: number }>(
        // Compared as bytes: a change of case must reach the copy too.
        `SELECT count(*) AS n FROM team_members tm JOIN persons p ON p.person_id = tm.person_id
         WHERE ${db.dialect === 'postgres' ? 'tm.name::text <> p.name::text OR tm.email::text <> p.email::text' : 'tm.name <> p.name COLLATE BINARY OR tm.email <> p.email COLLATE BINARY'}`
      )
    expect(Number((await stale())!.n)).toBe(0)
    const team = teams[2]!
    const members = await db.all<{ personId: string; membershipId: string }>(
      'SELECT person_id AS "personId", membership_id AS "membershipId" FROM team_members WHERE team_id = ? ORDER BY person_id LIMIT 3',
      team.id
    )
    const [a, b, c] = members as [(typeof members)[0], (typeof members)[0], (typeof members)[0]]
    await db.run('UPDATE persons SET name = ? WHERE person_id = ?', '  aaron Aardvark', a.personId)
    await db.run('UPDATE persons SET name = ? WHERE person_id = ?', '  AARON AARDVARK', a.personId)
    await db.run('UPDATE persons SET email = ? WHERE person_id = ?', '!first@acme-demo.example', b.personId)
    expect(Number((await stale())!.n)).toBe(0)
    const byName = expectOk<Page>(await t.core.dispatch(t.owner, 'users:list', { teamId: team.id, sort: 'name', limit: 5 }))
    expect(byName.rows[0]).toMatchObject({ id: a.membershipId, name: '  AARON AARDVARK' })
    const byEmail = expectOk<Page>(await t.core.dispatch(t.owner, 'users:list', { teamId: team.id, sort: 'email', limit: 5 }))
    expect(byEmail.rows[0]).toMatchObject({ id: b.membershipId, email: '!first@acme-demo.example' })
    // A member added to another team carries the name as it is now.
    const other = teams.find((x) => x.id !== team.id && x.id !== teams[0]!.id)!
    expectOk(await t.core.dispatch(t.owner, 'teams:add-members', { teamId: other.id, membershipIds: [a.membershipId, c.membershipId] }))
    expect(Number((await stale())!.n)).toBe(0)
    const inOther = expectOk<Page>(await t.core.dispatch(t.owner, 'users:list', { teamId: other.id, sort: 'name', limit: 5 }))
    expect(inOther.rows[0]!.id).toBe(a.membershipId)
  })

  it('combines the team with status and role filters and counts them right', async () => {
    const team = teams[0]!
    const page = expectOk<Page>(await t.core.dispatch(t.owner, 'users:list', { teamId: team.id, status: 'active', role: 'agent', limit: 500 }))
    const expected = (await testDb(t.core).get<{ n: number }>(
      "SELECT count(*) AS n FROM team_members tm JOIN memberships m ON m.membership_id = tm.membership_id WHERE tm.team_id = ? AND m.status = 'active' AND m.role = 'agent'",
      team.id
    ))!
    expect(page.total).toBe(expected.n)
    expect(page.rows.every((r) => r.status === 'active' && r.role === 'agent')).toBe(true)
  })

  it('status counts and seats match the rows (trigger-kept totals, expiry applied now)', async () => {
    const page = expectOk<Page>(await t.core.dispatch(t.owner, 'users:list', {}))
    const rows = await testDb(t.core).all<{ s: string; n: number }>(
      "SELECT CASE WHEN status = 'invited' AND invite_expires_at <= ? THEN 'expired' ELSE status END AS s, count(*) AS n FROM memberships GROUP BY 1",
      t.clock.now()
    )
    const actual = Object.fromEntries(rows.map((r) => [r.s, r.n]))
    expect(page.counts).toEqual({ active: actual.active ?? 0, invited: actual.invited ?? 0, expired: actual.expired ?? 0, deactivated: actual.deactivated ?? 0 })
    expect(page.seats!.used).toBe((actual.active ?? 0) + (actual.invited ?? 0))
    expect(page.total).toBe(2001)
  })

  // EXPLAIN QUERY PLAN and the SQLite plan's index names exist only on the SQLite store.
  // The demo data came after the template's statistics were taken (one person): the demo refreshes
  // them, or every join below would scan memberships and persons for each row (SCAN m).
  it.skipIf(TEST_STORE !== 'sqlite')('serves team-filtered pages from one index range (by name, email) or the sort index probing the team (last login) (EXPLAIN QUERY PLAN)', async () => {
    const accountId = await accountIdOf(t.core)
    const explain = async (input: Record<string, unknown>) => {
      const parsed = channels['users:list'].input.parse(input)
      const { page } = usersPageQuery(parsed, accountId, t.clock.now())
      const compiled = page.compile(t.core.store.db)
      return (await testDb(t.core).all<{ detail: string }>(`EXPLAIN QUERY PLAN ${compiled.sql}`, ...compiled.parameters)).map((r) => r.detail).join(' | ')
    }
    const teamId = teams[0]!.id
    const cursor = { value: 'M', id: 'x' }
    for (const [input, index] of [
      [{ teamId, sort: 'name' }, 'COVERING INDEX team_members_by_name (team_id=?)'],
      [{ teamId, sort: 'name', after: cursor }, 'COVERING INDEX team_members_by_name (team_id=? AND (name,person_id)>(?,?))'],
      [{ teamId, sort: 'email', direction: 'desc', after: cursor }, 'COVERING INDEX team_members_by_email (team_id=? AND (email,person_id)<(?,?))'],
      [{ teamId, sort: 'lastLogin', direction: 'desc', after: { value: 5, id: 'x' } }, 'memberships_last_login'],
      [{ teamId, sort: 'name', status: 'active', role: 'agent' }, 'team_members_by_name'],
      [{ sort: 'name' }, 'persons_name']
    ] as const) {
      const plan = await explain(input)
      expect(plan, JSON.stringify(input)).toContain(index)
      expect(plan, JSON.stringify(input)).not.toContain('TEMP B-TREE')
      // Joined rows are looked up by key, never scanned per row.
      expect(plan, JSON.stringify(input)).not.toMatch(/SCAN (m|p|tm)\b(?! USING)/)
      if (input.sort === 'lastLogin') expect(plan, JSON.stringify(input)).toMatch(/team_members_team_person \(team_id=\? AND person_id=\?\)/)
    }
  })
})
