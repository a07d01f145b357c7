import type { RawBuilder } from 'kysely'
import { all, one, sql } from '../store/sql'
import {
  likeContains,
  MIN_INDEXED_SEARCH,
  memberFilters,
  SEARCH_COUNT_CAP,
  USER_ROW_COLUMNS,
  type ListInput,
  type PeopleSearch,
  type RawUserRow,
  type SearchPlan
} from './list-repository'

/**
 * The people search on SQLite: an FTS5 trigram index of persons (migration 0006) and its vocabulary
 * (how many people hold each trigram), which picks the plan before the search runs.
 *
 * - none: no search; the sort's own index drives the page;
 * - like: a short or broad term, tested row by row while walking the sort index (matches are dense,
 *   so a page is found after a few hundred rows); counted up to SEARCH_COUNT_CAP;
 * - sparse: a term some trigram of which few people hold: built from the trigram index's matches
 *   (then sorted), counted exactly;
 * - dense: the trigram index's match set probed while walking the sort index (kept for EXPLAIN tests).
 */
export type SqliteSearchKind = 'none' | 'like' | 'sparse' | 'dense'

/** Up to this many matches, a page is built from the matches (then sorted); above, from the sort index. */
export const SPARSE_MATCHES = 5_000

const PLANS: Record<SqliteSearchKind, SearchPlan & { kind: SqliteSearchKind }> = {
  none: { kind: 'none', countLimit: null },
  like: { kind: 'like', countLimit: SEARCH_COUNT_CAP },
  sparse: { kind: 'sparse', countLimit: null },
  dense: { kind: 'dense', countLimit: null }
}

/** An FTS5 phrase: the term matched as a substring of name or email, quotes escaped. */
export function searchPhrase(term: string): string {
  return `"${term.replace(/"/g, '""')}"`
}

const SORT_COLUMNS = { name: 'p.name', email: 'p.email', lastLogin: 'm.last_login_at' } as const

function kindOf(plan: SearchPlan, input: ListInput): SqliteSearchKind {
  return input.search ? (plan.kind as SqliteSearchKind) : 'none'
}

/**
 * The FROM and WHERE of one users page for these filters (exported so tests can EXPLAIN the page):
 * the sort's own index drives the loop, filters are probes, keyset on (sort value, person id).
 */
export function usersPageQuery(
  input: ListInput,
  accountId: string,
  now: number,
  kind: SqliteSearchKind = input.search ? 'like' : 'none',
  withStatus = true
): { page: RawBuilder<RawUserRow>; from: RawBuilder<unknown>; where: RawBuilder<unknown> } {
  // Without a search, or with a row-by-row one, the sort's own index drives the page.
  const walksSortIndex = kind === 'none' || kind === 'like'
  const where = memberFilters(input, accountId, now, { withStatus, teamPerson: input.sort === 'lastLogin' && walksSortIndex ? 'm' : 'p' })
  if (input.search && kind === 'like') {
    const pattern = likeContains(input.search)
    where.splice(1, 0, sql`(p.name LIKE ${pattern} ESCAPE '\\' OR p.email LIKE ${pattern} ESCAPE '\\')`)
  } else if (input.search && kind === 'dense') {
    // Many matches: walk the sort index and probe the (materialised) match set.
    where.splice(1, 0, sql`p.rowid IN (SELECT rowid FROM persons_search WHERE persons_search MATCH ${searchPhrase(input.search)})`)
  }
  const column = sql.raw(SORT_COLUMNS[input.sort])
  // Ties break on the person id; for last login the membership's copy of it keeps the index order.
  const tieBreak = sql.raw(input.sort === 'lastLogin' ? 'm.person_id' : 'p.person_id')
  const desc = input.direction === 'desc'
  // The sort's own index drives the page (CROSS JOIN fixes the loop order): a page reads about
  // `limit` matching rows however large the account, never the whole membership table.
  // By email, persons_email (email, person_id) is named: the planner would pick the unique email
  // index, which lacks person_id and reads the table for every row it walks.
  const from =
    kind === 'sparse'
      ? // Few matches: start from them and sort what is left (a small temp b-tree).
        sql`(SELECT rowid AS rid FROM persons_search WHERE persons_search MATCH ${searchPhrase(input.search!)}) s CROSS JOIN persons p ON p.rowid = s.rid CROSS JOIN memberships m ON m.person_id = p.person_id`
      : input.sort === 'lastLogin' && walksSortIndex
        ? sql`memberships m CROSS JOIN persons p ON p.person_id = m.person_id`
        : input.sort === 'email' && walksSortIndex
          ? sql`persons p INDEXED BY persons_email CROSS JOIN memberships m ON m.person_id = p.person_id`
          : sql`persons p CROSS JOIN memberships m ON m.person_id = p.person_id`
  const filter = sql.join(where, sql` AND `)
  const pageWhere = [filter]
  if (input.after) {
    const afterValue = input.sort === 'lastLogin' ? Number(input.after.value ?? 0) : String(input.after.value ?? '')
    pageWhere.push(sql`(${column}, ${tieBreak}) ${sql.raw(desc ? '<' : '>')} (${afterValue}, ${input.after.id})`)
  }
  const order = sql.raw(desc ? 'DESC' : 'ASC')
  const page = sql<RawUserRow>`SELECT ${USER_ROW_COLUMNS}
    FROM ${from}
    WHERE ${sql.join(pageWhere, sql` AND `)}
    ORDER BY ${column} ${order}, ${tieBreak} ${order}
    LIMIT ${input.limit}`
  return { page, from, where: filter }
}

export const sqliteSearch: PeopleSearch = {
  /** An upper bound of the matches: no more people match the term than hold its rarest trigram. */
  async plan(q, term) {
    if (!term) return PLANS.none
    // Characters, not UTF-16 units: the trigram tokenizer finds nothing in fewer than three.
    if ([...term].length < MIN_INDEXED_SEARCH) return PLANS.like
    const lower = term.toLowerCase()
    let bound = Infinity
    for (let i = 0; i + 3 <= lower.length && i < 12; i++) {
      const row = await one(q, sql<{ doc: number }>`SELECT doc FROM persons_search_terms WHERE term = ${lower.slice(i, i + 3)}`)
      bound = Math.min(bound, Number(row?.doc ?? 0))
      if (bound === 0) break
    }
    return bound <= SPARSE_MATCHES ? PLANS.sparse : PLANS.like
  },

  async page(q, input, accountId, now, plan) {
    return all(q, usersPageQuery(input, accountId, now, kindOf(plan, input)).page)
  },

  matches(input, accountId, now, plan, withStatus) {
    const kind = kindOf(plan, input)
    const { from, where } = usersPageQuery(input, accountId, now, kind, withStatus)
    // Counting reads every match: memberships first (status/role indexes) unless a search starts from its matches.
    if (kind === 'none') return { from: sql`memberships m JOIN persons p ON p.person_id = m.person_id`, where }
    return { from, where }
  }
}
