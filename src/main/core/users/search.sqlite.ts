import type { RawBuilder } from 'kysely'
import type { Executor } from '../store/port'
import { all, one, sql } from '../store/sql'
import {
  cachedEstimate,
  likeContains,
  MIN_INDEXED_SEARCH,
  memberFilters,
  SEARCH_COUNT_CAP,
  teamMatches,
  USER_ROW_COLUMNS,
  walkedRows,
  type ListInput,
  type MatchEstimate,
  type PeopleSearch,
  type RawUserRow,
  type SearchPlan
} from './list-repository'

/**
 * The people search on SQLite: an FTS5 trigram index of persons (migration 0006) finds the
 * people whose name or email holds a term of three characters or more; LIKE (ASCII case folding,
 * as PostgreSQL's lower() under the C collation) decides, so every plan returns exactly the
 * people a LIKE '%term%' over name and email would, in the same order.
 *
 * - none: no search; the sort's own index drives the page;
 * - like: the sort's own index drives the page and each entry is tested by LIKE, from the index
 *   alone (persons_name and persons_email hold name and email; memberships_last_login holds the
 *   membership's copy of both, migration 0011): short terms, which the trigram index cannot serve,
 *   and broad ones, whose matches are dense in any order;
 * - dense (by name or email): the sort's own index drives the page and each entry is probed against
 *   the trigram index's match set (materialised once per statement, held as rowids: the walk reads
 *   the index only, and only matches reach the table) — pages in sort order without sorting the
 *   matches, for a term clustered in the alphabet that LIKE would walk far for;
 * - sparse: few matches: read them from the trigram index, then sort them (a small temp b-tree).
 *
 * The plan is chosen per call from an estimate of the matches (the first SAMPLE_MATCHES of the
 * trigram index, exact below that) and the per-row costs below, so a term held by 1,000–5,000
 * people pages in sort order instead of sorting every match.
 */
export type SqliteSearchKind = 'none' | 'like' | 'sparse' | 'dense'

/** Matches read from the trigram index to estimate a term's matches (exact when fewer). */
export const SAMPLE_MATCHES = 2_000

/**
 * Per-row costs of the plans in microseconds, measured on the bench store (100,000 people,
 * encrypted): only their ratios matter.
 */
const COST = {
  /** sparse: a match's person row and membership, then its place in the sort. */
  sortedMatch: 2.8,
  /** dense: a match put into the probe set. */
  probeSetEntry: 0.05,
  /** dense: an entry of persons_name / persons_email walked and probed. */
  probedPersonEntry: 0.09,
  /** like: an entry of persons_name / persons_email walked and tested. */
  likePersonRow: 1.0,
  /** like by last login: an entry of memberships_last_login walked and tested (no table read). */
  likeMembershipRow: 0.1
}

const PLANS = {
  none: { kind: 'none', countLimit: null },
  /** A term too short for the trigram index: walked, counted up to SEARCH_COUNT_CAP. */
  short: { kind: 'like', countLimit: SEARCH_COUNT_CAP },
  like: { kind: 'like', countLimit: SEARCH_COUNT_CAP },
  sparse: { kind: 'sparse', countLimit: SEARCH_COUNT_CAP },
  dense: { kind: 'dense', countLimit: SEARCH_COUNT_CAP }
} as const satisfies Record<string, SearchPlan & { kind: SqliteSearchKind }>

/** An FTS5 phrase: the term matched as a substring of name or email, quotes escaped. */
export function searchPhrase(term: string): string {
  return `"${term.replace(/"/g, '""')}"`
}

const SORT_COLUMNS = { name: 'p.name', email: 'p.email', lastLogin: 'm.last_login_at' } as const

function kindOf(plan: SearchPlan, input: ListInput): SqliteSearchKind {
  return input.search ? (plan.kind as SqliteSearchKind) : 'none'
}

/**
 * The term in the person's name or email (`p`), or in the membership's copy of both (`m`: one
 * LIKE over name U+0001 email, which no term matches across: unmatchableTerm).
 */
function likeCondition(term: string, alias: 'p' | 'm' = 'p'): RawBuilder<unknown> {
  const pattern = likeContains(term)
  return alias === 'm' ? sql`m.search_text LIKE ${pattern} ESCAPE '\\'` : sql`(p.name LIKE ${pattern} ESCAPE '\\' OR p.email LIKE ${pattern} ESCAPE '\\')`
}

/** The trigram index's matches of the term, as persons rowids. */
function matchRowids(term: string): RawBuilder<unknown> {
  return sql`SELECT rowid FROM persons_search WHERE persons_search MATCH ${searchPhrase(term)}`
}

/**
 * The FROM and WHERE of one users page for these filters (exported so tests can EXPLAIN the page):
 * the sort's own index drives the loop (named, so no plan sorts), filters are probes, keyset on
 * (sort value, person id); a sparse search starts from its matches instead.
 */
export function usersPageQuery(
  input: ListInput,
  accountId: string,
  now: number,
  kind: SqliteSearchKind = input.search ? 'like' : 'none',
  withStatus = true
): { page: RawBuilder<RawUserRow>; from: RawBuilder<unknown>; where: RawBuilder<unknown> } {
  const walksSortIndex = kind !== 'sparse'
  // A team without a search, by name or email: the team's own copy of the sort key (migration 0013).
  const walksTeam = kind === 'none' && input.teamId !== undefined && input.sort !== 'lastLogin'
  const where = memberFilters(walksTeam ? { ...input, teamId: undefined } : input, accountId, now, {
    withStatus,
    teamPerson: input.sort === 'lastLogin' && walksSortIndex ? 'm' : 'p'
  })
  if (walksTeam) where.unshift(sql`tm.team_id = ${input.teamId}`)
  // By last login the entry's own copy is tested (below), cheaper than any probe: dense is like there.
  if (input.search && kind === 'dense' && input.sort !== 'lastLogin') {
    // Probed from the index entry alone (persons_name and persons_email hold the rowid): a walked
    // entry that is no match costs no table read.
    where.splice(1, 0, sql`p.rowid IN (${matchRowids(input.search)})`)
  }
  // Walking memberships_last_login, the membership's own copy is tested: no person row is read.
  if (input.search && kind !== 'none') where.push(likeCondition(input.search, input.sort === 'lastLogin' && walksSortIndex ? 'm' : 'p'))
  const column = sql.raw(walksTeam ? `tm.${input.sort}` : SORT_COLUMNS[input.sort])
  // Ties break on the person id; for last login the membership's copy of it keeps the index order,
  // in a team walk the team row's.
  const tieBreak = sql.raw(walksTeam ? 'tm.person_id' : input.sort === 'lastLogin' ? 'm.person_id' : 'p.person_id')
  const desc = input.direction === 'desc'
  // CROSS JOIN fixes the loop order and INDEXED BY the index: a page reads about `limit` matching
  // rows (dense and like: the walk until they are found), never the whole membership table. By
  // email persons_email (email, person_id) is named: the unique email index lacks person_id.
  const from = walksTeam
    ? sql`team_members tm INDEXED BY ${sql.raw(input.sort === 'email' ? 'team_members_by_email' : 'team_members_by_name')}
        CROSS JOIN memberships m ON m.membership_id = tm.membership_id CROSS JOIN persons p ON p.person_id = tm.person_id`
    : kind === 'sparse'
      ? sql`(${matchRowids(input.search!)}) s CROSS JOIN persons p ON p.rowid = s.rowid CROSS JOIN memberships m ON m.person_id = p.person_id`
      : input.sort === 'lastLogin'
        ? sql`memberships m INDEXED BY memberships_last_login CROSS JOIN persons p ON p.person_id = m.person_id`
        : input.sort === 'email'
          ? sql`persons p INDEXED BY persons_email CROSS JOIN memberships m ON m.person_id = p.person_id`
          : sql`persons p INDEXED BY persons_name CROSS JOIN memberships m ON m.person_id = p.person_id`
  const filter = sql.join(where, sql` AND `)
  const pageWhere = [filter]
  if (input.after) {
    const afterValue = input.sort === 'lastLogin' ? Number(input.after.value ?? 0) : String(input.after.value ?? '')
    pageWhere.push(sql`(${column}, ${tieBreak}) ${sql.raw(desc ? '<' : '>')} (${afterValue}, ${input.after.id})`)
  }
  const order = sql.raw(desc ? 'DESC' : 'ASC')
  // A first page's counts are a second statement over at most SEARCH_COUNT_CAP + 1 matches, for
  // every plan. (Counted here as window columns, every match went through SQLite's window buffer:
  // 3 µs a match, 2.5 of a sparse page's 5 ms for a term held by 832 people.)
  const page = sql<RawUserRow>`SELECT ${USER_ROW_COLUMNS}
    FROM ${from}
    WHERE ${sql.join(pageWhere, sql` AND `)}
    ORDER BY ${column} ${order}, ${tieBreak} ${order}
    LIMIT ${input.limit}${input.offset ? sql` OFFSET ${input.offset}` : sql``}`
  return { page, from, where: filter }
}

/** Matches of the sample whose names and emails are read to place a term along the sort orders. */
export const SPREAD_SAMPLE = 200
/** People whose names and emails stand for everyone's (spread over the rowids), kept half an hour per store (how names spread changes slowly). */
export const REFERENCE_SAMPLE = 2_000
const REFERENCE_TTL_MS = 1_800_000

/**
 * Where a term's matches sit along the name and email orders: for a sample of them, the share of
 * people sorted before each (ascending). A walk's length is read from it instead of assuming the
 * matches spread evenly: "kris" (832 people, 12,000 entries a page if even) has its 100th match by
 * name at entry 52,405, behind the first names Kris…; "mar" has 3,000 of its 4,100 in one stretch.
 */
interface Spread {
  name: Float64Array
  email: Float64Array
}

interface SqliteEstimate extends MatchEstimate {
  spread: Spread | null
}

/** SQLite's NOCASE: ASCII letters folded, then compared as they are. */
function foldAscii(value: string): string {
  return value.replace(/[A-Z]+/g, (s) => s.toLowerCase())
}

/** How many of the sorted keys are below `key` (binary search). */
function below(sorted: readonly string[], key: string): number {
  let lo = 0
  let hi = sorted.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (sorted[mid]! < key) lo = mid + 1
    else hi = mid
  }
  return lo
}

interface Reference {
  at: number
  name: string[]
  email: string[]
}
const references = new WeakMap<Executor, Reference>()

/**
 * Names and emails (folded, sorted) of REFERENCE_SAMPLE people spread evenly over the rowids: the
 * share of people before a key is the share of these before it. Rowids follow the order people
 * were added, which a CSV sorted by name would tie to names: the sample spans every rowid range.
 */
async function referenceOf(q: Executor, now: number): Promise<Reference> {
  const kept = references.get(q)
  if (kept && now - kept.at >= 0 && now - kept.at < REFERENCE_TTL_MS) return kept
  const rows = await all(
    q,
    sql<{ name: string; email: string }>`WITH RECURSIVE bounds(lo, step) AS (SELECT min(rowid), max(1, (max(rowid) - min(rowid)) / ${REFERENCE_SAMPLE}) FROM persons),
        r(x) AS (SELECT lo FROM bounds UNION ALL SELECT x + (SELECT step FROM bounds) FROM r WHERE x < (SELECT max(rowid) FROM persons) LIMIT ${REFERENCE_SAMPLE + 1})
      SELECT p.name, p.email FROM r CROSS JOIN persons p ON p.rowid = r.x`
  )
  const reference = { at: now, name: rows.map((r) => foldAscii(r.name)).sort(), email: rows.map((r) => foldAscii(r.email)).sort() }
  references.set(q, reference)
  return reference
}

/** The share of people sorted before `key` by name or email (0 for none). */
function shareBefore(reference: Reference, sort: 'name' | 'email', key: string | null): number {
  const keys = reference[sort]
  return key === null || keys.length === 0 ? 0 : below(keys, foldAscii(key)) / keys.length
}

/** Estimated people matching the term (exact up to SAMPLE_MATCHES), how many people there are, and where the matches sit. */
async function estimateMatches(q: Executor, term: string, now: number): Promise<SqliteEstimate> {
  // The first matches in rowid order (the order people were added: unrelated to names) show how
  // dense the term is; below the sample size they are all of them.
  const row = await one(
    q,
    sql<{ people: number | null; n: number; last: number | null }>`SELECT (SELECT max(rowid) FROM persons) AS people, count(*) AS n, max(rowid) AS last
      FROM (${matchRowids(term)} LIMIT ${SAMPLE_MATCHES})`
  )
  const people = Number(row?.people ?? 0)
  const n = Number(row?.n ?? 0)
  const matches = n < SAMPLE_MATCHES ? n : Math.min(people, (n * people) / Math.max(1, Number(row?.last ?? people)))
  const sample = await all(q, sql<{ name: string; email: string }>`SELECT p.name, p.email FROM (${matchRowids(term)} LIMIT ${SPREAD_SAMPLE}) s CROSS JOIN persons p ON p.rowid = s.rowid`)
  if (sample.length === 0) return { matches, people, spread: null }
  const reference = await referenceOf(q, now)
  const place = (sort: 'name' | 'email') => Float64Array.from(sample.map((r) => shareBefore(reference, sort, r[sort]))).sort()
  return { matches, people, spread: { name: place('name'), email: place('email') } }
}

/**
 * Index entries a walk by name or email reads to find this page's matches, from where the sampled
 * matches sit: from the cursor (or the start) to the sampled match that stands for the page's last
 * one; to the end when the sample runs out first.
 */
function spreadWalk(input: ListInput, estimate: SqliteEstimate, reference: Reference | undefined): number {
  const sort = input.sort === 'email' ? 'email' : 'name'
  if (!estimate.spread || !reference) return walkedRows(input, estimate.people, estimate.matches)
  const positions = estimate.spread[sort]
  const start = shareBefore(reference, sort, input.after ? String(input.after.value ?? '') : null)
  let first = 0
  while (first < positions.length && positions[first]! < start) first++
  // Each sampled match stands for matches / sample of them; filters drop some (as walkedRows).
  const filtered = input.role || input.teamId || input.status ? 4 : 1
  const needed = Math.ceil((input.limit * filtered * positions.length) / Math.max(1, estimate.matches))
  const end = first + needed - 1 < positions.length ? positions[first + needed - 1]! : 1
  return Math.max(input.limit, (end - start) * estimate.people)
}

/**
 * A search's estimated matches, and the index entries a walk in the sort order reads to fill this
 * page (exported for the tests). By last login no name clusters: when people last signed in says
 * nothing of their names.
 */
export async function estimateWalk(q: Executor, input: ListInput, accountId: string, now: number): Promise<{ matches: number; walked: number }> {
  const term = input.search!
  const estimate = await cachedEstimate(`sqlite\u0000${accountId}\u0000${term.toLowerCase()}`, now, () => estimateMatches(q, term, now))
  const walked = input.sort === 'lastLogin' ? walkedRows(input, estimate.people, estimate.matches) : spreadWalk(input, estimate, references.get(q))
  return { matches: estimate.matches, walked }
}

export const sqliteSearch: PeopleSearch = {
  read: (store, _input, fn) => fn(store.db),

  async plan(q, input, accountId, now) {
    const term = input.search
    if (!term) return PLANS.none
    // Characters, not UTF-16 units: the trigram tokenizer finds nothing in fewer than three.
    if ([...term].length < MIN_INDEXED_SEARCH) return PLANS.short
    const { matches, walked } = await estimateWalk(q, input, accountId, now)
    const byLastLogin = input.sort === 'lastLogin'
    // By last login the walk tests the index entry alone, cheaper than any probe: like or sparse.
    const cost: Array<[SqliteSearchKind, number]> = byLastLogin
      ? [
          ['sparse', matches * COST.sortedMatch],
          ['like', walked * COST.likeMembershipRow]
        ]
      : [
          ['sparse', matches * COST.sortedMatch],
          ['dense', matches * COST.probeSetEntry + walked * COST.probedPersonEntry],
          ['like', walked * COST.likePersonRow]
        ]
    // A first page also counts the matches (up to the count limit), the same way whatever the plan:
    // it adds to every plan alike and picks none of them.
    cost.sort((a, b) => a[1] - b[1])
    return PLANS[cost[0]![0]]
  },

  async page(q, input, accountId, now, plan) {
    return all(q, usersPageQuery(input, accountId, now, kindOf(plan, input)).page)
  },

  matches(input, accountId, now, plan, withStatus) {
    const kind = kindOf(plan, input)
    const where = memberFilters(input, accountId, now, { withStatus, teamPerson: 'p' })
    // Counting reads every match, up to the cap. Without a search a team's count starts from the
    // team's rows; else memberships first (status/role indexes).
    if (kind === 'none' && input.teamId) return teamMatches(input, accountId, now, withStatus, 'CROSS JOIN')
    // Without a search or a team the filters are the membership's alone (status, role): no person is read.
    if (kind === 'none') return { from: sql`memberships m`, where: sql.join(where, sql` AND `) }
    // A search counts in the order matches come fastest: from the trigram index when it can
    // serve the term, else over memberships_last_login alone (the membership's copy of name and
    // email; an order unrelated to names, so a term whose matches cluster in one part of the
    // alphabet is still found at its average density).
    if ([...input.search!].length < MIN_INDEXED_SEARCH) {
      const walked = memberFilters(input, accountId, now, { withStatus, teamPerson: 'm' })
      walked.push(likeCondition(input.search!, 'm'))
      return { from: sql`memberships m INDEXED BY memberships_last_login`, where: sql.join(walked, sql` AND `) }
    }
    where.push(likeCondition(input.search!))
    const from = sql`(${matchRowids(input.search!)}) s CROSS JOIN persons p ON p.rowid = s.rowid CROSS JOIN memberships m ON m.person_id = p.person_id`
    return { from, where: sql.join(where, sql` AND `) }
  }
}
