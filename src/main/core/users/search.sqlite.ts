import type { RawBuilder } from 'kysely'
import { all, one, sql } from '../store/sql'
import {
  cachedEstimate,
  likeContains,
  matchCountColumns,
  MIN_INDEXED_SEARCH,
  memberFilters,
  SEARCH_COUNT_CAP,
  teamMatches,
  USER_ROW_COLUMNS,
  walkedRows,
  type ListInput,
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
  likeMembershipRow: 0.1,
  /** a first page's count: a match read and counted (sparse counts in the page query itself). */
  countedMatch: 1.3
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
  // Sorting every match reads every match: a first page counts them on the way (no second pass).
  const counted = kind === 'sparse' && !input.after && !input.status ? sql`, ${matchCountColumns(now)}` : sql``
  const page = sql<RawUserRow>`SELECT ${USER_ROW_COLUMNS}${counted}
    FROM ${from}
    WHERE ${sql.join(pageWhere, sql` AND `)}
    ORDER BY ${column} ${order}, ${tieBreak} ${order}
    LIMIT ${input.limit}${input.offset ? sql` OFFSET ${input.offset}` : sql``}`
  return { page, from, where: filter }
}

/** Estimated people matching the term (exact up to SAMPLE_MATCHES), and how many people there are. */
async function estimateMatches(q: Parameters<PeopleSearch['plan']>[0], term: string): Promise<{ matches: number; people: number }> {
  // The first matches in rowid order (the order people were added: unrelated to names) show how
  // dense the term is; below the sample size they are all of them.
  const row = await one(
    q,
    sql<{ people: number | null; n: number; last: number | null }>`SELECT (SELECT max(rowid) FROM persons) AS people, count(*) AS n, max(rowid) AS last
      FROM (${matchRowids(term)} LIMIT ${SAMPLE_MATCHES})`
  )
  const people = Number(row?.people ?? 0)
  const n = Number(row?.n ?? 0)
  if (n < SAMPLE_MATCHES) return { matches: n, people }
  return { matches: Math.min(people, (n * people) / Math.max(1, Number(row?.last ?? people))), people }
}

export const sqliteSearch: PeopleSearch = {
  read: (store, _input, fn) => fn(store.db),

  async plan(q, input, accountId, now) {
    const term = input.search
    if (!term) return PLANS.none
    // Characters, not UTF-16 units: the trigram tokenizer finds nothing in fewer than three.
    if ([...term].length < MIN_INDEXED_SEARCH) return PLANS.short
    const { matches, people } = await cachedEstimate(`sqlite\u0000${accountId}\u0000${term.toLowerCase()}`, input, now, () => estimateMatches(q, term))
    const walked = walkedRows(input, people, matches)
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
    // A first page also counts the matches (up to the count limit): sparse does it in the page query.
    if (!input.after && !input.status) {
      for (const entry of cost) if (entry[0] !== 'sparse') entry[1] += Math.min(matches, SEARCH_COUNT_CAP + 1) * COST.countedMatch
    }
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
    if (kind === 'none') return { from: sql`memberships m JOIN persons p ON p.person_id = m.person_id`, where: sql.join(where, sql` AND `) }
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
