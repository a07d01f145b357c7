import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { channels } from '../../../src/shared/contract'
import type { UserRow } from '../../../src/shared/contract/users'
import { seedDemo } from '../../../src/main/core/demo/seed-demo'
import { likeContains, SEARCH_COUNT_CAP, type ListInput, type RawUserRow, type SearchPlan } from '../../../src/main/core/users/list-repository'
import { postgresSearch } from '../../../src/main/core/users/search.postgres'
import { estimateWalk, usersPageQuery } from '../../../src/main/core/users/search.sqlite'
import { TEST_STORE, testDb } from '../../support/core'
import { accountIdOf, accountTemplate, expectOk, quickMember, type FreshCore } from '../../support/users'

type Page = { rows: UserRow[]; next: { value: string | number | null; id: string } | null; total: number | null }

const SORT_SQL = { name: ['p.name', 'p.person_id'], email: ['p.email', 'p.person_id'], lastLogin: ['m.last_login_at', 'm.person_id'] } as const

/** A plan forced on one page, and whether it needs a term the trigram index serves (three characters or more). */
interface ForcedPlan {
  name: string
  trigram: boolean
  /** Sparse re-reads every match per page (a few hundred at most when the planner picks it): forced on a term everyone holds, pages cost 150 ms each. */
  fewMatches?: boolean
  page: (t: FreshCore, input: ListInput, accountId: string) => Promise<RawUserRow[]>
}

function sqlitePlan(kind: 'like' | 'dense' | 'sparse'): ForcedPlan {
  return {
    name: `sqlite ${kind}`,
    trigram: kind !== 'like',
    fewMatches: kind === 'sparse',
    page: async (t, input, accountId) => (await t.core.store.db.executeQuery(usersPageQuery(input, accountId, t.clock.now(), kind).page.compile(t.core.store.db))).rows
  }
}

function postgresPlan(kind: 'like' | 'sparse', countBy: 'walk' | 'index'): ForcedPlan {
  const plan = { kind, countLimit: SEARCH_COUNT_CAP, countBy } as SearchPlan
  return {
    name: `postgres ${kind}, counted by ${countBy}`,
    trigram: kind === 'sparse',
    fewMatches: kind === 'sparse',
    page: (t, input, accountId) => postgresSearch.read(t.core.store, input, (q) => postgresSearch.page(q, input, accountId, t.clock.now(), plan))
  }
}

const PLANS: ForcedPlan[] =
  TEST_STORE === 'sqlite' ? [sqlitePlan('like'), sqlitePlan('dense'), sqlitePlan('sparse')] : [postgresPlan('like', 'index'), postgresPlan('like', 'walk'), postgresPlan('sparse', 'index')]

/**
 * Each store's people search chooses a plan per call (search.sqlite.ts, search.postgres.ts): every
 * plan must return exactly the rows of a plain LIKE over name and email, in the same order, page
 * after page, first pages (which carry counts) and keyset pages alike; and the memberships' copy of
 * name and email that the walk by last login tests (migrations 0008 and 0011) must follow every
 * change of a person, whoever writes it.
 */
describe('people search plans', () => {
  let template: Awaited<ReturnType<typeof accountTemplate>>
  let t: FreshCore
  let accountId: string
  let teamId: string
  beforeAll(async () => {
    template = await accountTemplate({ seats: 5000 })
    t = await template.fresh()
    await seedDemo(t.core, { users: 1500, events: 500, seed: 5 })
    accountId = await accountIdOf(t.core)
    teamId = expectOk<{ teams: Array<{ id: string }> }>(await t.core.dispatch(t.owner, 'teams:list', {})).teams[0]!.id
  })
  afterAll(() => template.dispose())

  /** Membership ids of the whole filtered list, by plain SQL: LIKE over name and email (ASCII case folded), the sort's order. */
  async function reference(input: { search: string; sort: keyof typeof SORT_SQL; direction: 'asc' | 'desc'; teamId?: string; role?: string }): Promise<string[]> {
    const [column, tie] = SORT_SQL[input.sort]
    const dir = input.direction.toUpperCase()
    const pattern = likeContains(input.search)
    const rows = await testDb(t.core).all<{ id: string }>(
      // Every person read once, then sorted (left to itself SQLite's planner walked an index and took 0.7 s).
      `SELECT m.membership_id AS id FROM persons p ${TEST_STORE === 'sqlite' ? 'CROSS JOIN' : 'JOIN'} memberships m ON m.person_id = p.person_id
        WHERE m.account_id = ? AND (lower(p.name) LIKE lower(?) ESCAPE '\\' OR lower(p.email) LIKE lower(?) ESCAPE '\\')
          ${input.role ? `AND m.role = '${input.role}'` : ''}
          ${input.teamId ? `AND EXISTS (SELECT 1 FROM team_members tm WHERE tm.team_id = '${input.teamId}' AND tm.person_id = p.person_id)` : ''}
        ORDER BY ${column} ${dir}, ${tie} ${dir}`,
      accountId,
      pattern,
      pattern
    )
    return rows.map((r) => r.id)
  }

  /** Every page of one plan, forced, following its own cursors. */
  async function walkPlan(plan: ForcedPlan, raw: Record<string, unknown>): Promise<string[]> {
    const seen: string[] = []
    let after: { value: string | number | null; id: string } | undefined
    for (let pages = 0; pages < 100; pages++) {
      const input = channels['users:list'].input.parse({ ...raw, limit: 60, ...(after ? { after } : {}) })
      const rows = await plan.page(t, input, accountId)
      seen.push(...rows.map((r) => r.id))
      if (rows.length < 60) return seen
      const last = rows[rows.length - 1]!
      after = { value: input.sort === 'lastLogin' ? Number(last.lastLoginAt) : input.sort === 'email' ? last.email : last.name, id: last.personId }
    }
    throw new Error('more than 100 pages')
  }

  for (const sort of ['name', 'email', 'lastLogin'] as const) {
    it(`every plan pages through exactly the people LIKE finds, by ${sort}`, async () => {
      const cases: Array<Record<string, unknown>> = [
        { search: 'an' },
        { search: 'son' },
        { search: 'MAR' },
        { search: 'example' },
        { search: 'zzzq' },
        { search: 'son', role: 'agent' },
        { search: 'an', teamId }
      ]
      for (const extra of cases) {
        for (const direction of ['asc', 'desc'] as const) {
          const input = { sort, direction, ...extra } as Parameters<typeof reference>[0]
          const expected = await reference(input)
          for (const plan of PLANS) {
            if (plan.trigram && input.search.length < 3) continue
            if (plan.fewMatches && expected.length > 500) continue
            expect(await walkPlan(plan, input), `${plan.name} ${JSON.stringify(input)}`).toEqual(expected)
          }
        }
      }
    })
  }

  // SQLite's planner only: PostgreSQL's plans are priced from the term's share alone (its walks cost
  // a fifth of a sorted match, so a clustered term's longer walk rarely changes the choice there).
  it.skipIf(TEST_STORE !== 'sqlite')('prices a walk by where the matches sit in the sort order, not as if they spread evenly', async () => {
    // 200 people whose name starts with the term (all at the end by name), their emails spread over the alphabet.
    for (let i = 0; i < 200; i++) {
      const prefix = String.fromCharCode(97 + (i % 25)) + String.fromCharCode(97 + ((i * 7) % 26))
      await quickMember(t.core, { role: 'agent', name: `Zyrkova Person ${i}`, email: `${prefix}${i}.zyrkova@spread.example` })
    }
    /** Index entries before the limit-th match in this order: what a walk really reads. */
    const truth = async (order: 'name' | 'email', limit: number) => {
      const ranks = await testDb(t.core).all<{ r: number }>(
        `SELECT r FROM (SELECT row_number() OVER (ORDER BY ${order}, person_id) AS r, (name LIKE '%zyrkova%' OR email LIKE '%zyrkova%') AS hit FROM persons) WHERE hit ORDER BY r LIMIT ?`,
        limit
      )
      return ranks[limit - 1]!.r
    }
    const walk = async (sort: 'name' | 'email', limit: number, after?: { value: string; id: string }) =>
      estimateWalk(t.core.store.db, channels['users:list'].input.parse({ search: 'zyrkova', sort, limit, ...(after ? { after } : {}) }), accountId, t.clock.now())

    const byName = await walk('name', 20)
    expect(byName.matches).toBe(200)
    const nameTruth = await truth('name', 20)
    // Spread evenly, 20 of 200 matches among ~1,700 people would be ~250 entries (×1.5 risk); they are all past the others.
    expect(nameTruth).toBeGreaterThan(1500)
    expect(byName.walked).toBeGreaterThan(nameTruth * 0.8)
    expect(byName.walked).toBeLessThan(nameTruth * 1.25)

    const emailTruth = await truth('email', 20)
    const byEmail = await walk('email', 20)
    expect(byEmail.walked).toBeGreaterThan(emailTruth * 0.4)
    expect(byEmail.walked).toBeLessThan(emailTruth * 2.5)

    // A next page starts where the last one ended: past the cluster's start, the matches are dense.
    const first = await testDb(t.core).get<{ name: string; id: string }>("SELECT name, person_id AS id FROM persons WHERE name LIKE 'Zyrkova%' ORDER BY name, person_id LIMIT 1")
    const next = await walk('name', 20, { value: first!.name, id: first!.id })
    expect(next.walked).toBeLessThan(200)
  })

  it('finds people by last login under their new name and email, and people added since, whoever wrote the change', async () => {
    const member = await quickMember(t.core, { role: 'agent', name: 'Quillon Verbatim', email: 'quillon.verbatim@plans.example' })
    const byLastLogin = async (search: string) =>
      expectOk<Page>(await t.core.dispatch(t.owner, 'users:list', { search, sort: 'lastLogin', direction: 'desc' })).rows.map((r) => r.id)
    expect(await byLastLogin('quillon')).toEqual([member.membershipId])
    expect(await byLastLogin('qu')).toContain(member.membershipId)

    await testDb(t.core).run("UPDATE persons SET name = 'Ysolde Marrowick', email = 'ysolde@renamed.example' WHERE person_id = ?", member.personId)
    expect(await byLastLogin('quillon')).toEqual([])
    expect(await byLastLogin('marrowick')).toEqual([member.membershipId])
    expect(await byLastLogin('renamed.ex')).toEqual([member.membershipId])
    const copy = await testDb(t.core).get<{ s: string }>('SELECT search_text AS s FROM memberships WHERE membership_id = ?', member.membershipId)
    // PostgreSQL keeps it folded to lower case (its LIKE is case-sensitive); SQLite's LIKE folds itself.
    expect(copy!.s).toBe(TEST_STORE === 'sqlite' ? 'Ysolde Marrowick\u0001ysolde@renamed.example' : 'ysolde marrowick\u0001ysolde@renamed.example')

    // Invited through the contract: the insert trigger fills the copy.
    const invited = expectOk<{ invited: Array<{ membershipId: string }> }>(await t.core.dispatch(t.owner, 'users:invite', { emails: ['brannoch.invited@plans.example'], role: 'viewer' }))
    expect(await byLastLogin('brannoch')).toEqual([invited.invited[0]!.membershipId])
  })
})
