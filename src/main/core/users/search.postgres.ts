import type { RawBuilder } from 'kysely'
import type { Executor } from '../store/port'
import { all, one, sql } from '../store/sql'
import {
  cachedEstimate,
  likeContains,
  accountFiguresJoin,
  countsJoin,
  MIN_INDEXED_SEARCH,
  memberFilters,
  SEARCH_COUNT_CAP,
  teamCountsJoin,
  teamMatches,
  USER_ROW_COLUMNS,
  walkedRows,
  type ListInput,
  type PeopleSearch,
  type RawUserRow,
  type SearchPlan
} from './list-repository'

/**
 * The people search on PostgreSQL: persons.search_text (lower(name) U+0001 lower(email), a
 * generated column, migration 0008) and a GIN trigram index on it (pg_trgm). lower() folds as the
 * database's collation does (ASCII only under C, like SQLite's LIKE), and ORDER BY lower(x::text)
 * sorts as the citext column does.
 *
 * Plans like SQLite's, each held to its shape by the reader's planner settings (the
 * planner would otherwise pick from its own estimates, which are coarse for '%term%': a term held
 * by 1% of people walked 14,000 rows):
 *
 * - none: no search; the planner's own choice (as before);
 * - like: walk the sort's btree index-only (persons_name / persons_email / memberships_last_login
 *   include search_text) and test each entry (short terms, which have no trigram, and broad ones);
 *   by name or email on the text sort keys (migration 0016), which a keyset bound tests cheaply;
 * - sparse: few matches: from the trigram index (persons', or by last login the memberships'
 *   over their copy, migration 0011), then sorted.
 *
 * (SQLite's dense plan, a set of the matches probed while walking, never beat both of these here:
 * building the set rechecks every match on its heap row, and an index-only walk costs little.)
 *
 * The plan is chosen per call from an estimate of the matches (their share on the table's first
 * pages) and the per-row costs below. Each read is one statement on the store's tuned reader
 * (no transaction around it to SET LOCAL in); a first page's counts run beside it (pageBeside).
 */
export type PostgresSearchKind = 'none' | 'like' | 'sparse'

/**
 * Per-row costs of the plans in microseconds, measured on the bench server (100,000 people, the
 * calls timed whole through the pg driver): only their ratios matter. A row costs PostgreSQL
 * several times what it costs SQLite in-process (a heap visit per rechecked match and per joined
 * membership), which moves the choices toward walks.
 */
const COST = {
  /** sparse by name or email: a match rechecked on its heap row and sorted (memberships are probed for the page's rows only). */
  sortedMatch: 2.5,
  /** sparse by last login: a match from memberships_search_trgm rechecked on its membership's heap row, its place in the sort. */
  sortedMembership: 2.5,
  /** like: an entry of the sort's btree walked index-only and tested (migration 0008). */
  likeRow: 0.5,
  /** a first page's count: a match found in the trigram index, rechecked on its heap row, its membership probed. */
  countedMatch: 2.5,
  /** a first page's count by a walk: an entry of memberships_last_login walked index-only and tested. */
  countedEntry: 0.3
}

interface PostgresPlan extends SearchPlan {
  readonly kind: PostgresSearchKind
  /** How a first page counts the matches: a walk of memberships_last_login (a dense term's matches come quickly in any order), or the trigram index. */
  readonly countBy: 'walk' | 'index'
}

const PLANS = {
  none: { kind: 'none', countLimit: null, countBy: 'index' },
  /** A term too short for the trigram index: walked, counted up to SEARCH_COUNT_CAP. */
  short: { kind: 'like', countLimit: SEARCH_COUNT_CAP, countBy: 'walk' },
  like: { kind: 'like', countLimit: SEARCH_COUNT_CAP, countBy: 'index' },
  /** A term held by many: walked, and counted by a walk too (the limit is reached within a few thousand entries). */
  broad: { kind: 'like', countLimit: SEARCH_COUNT_CAP, countBy: 'walk' },
  sparse: { kind: 'sparse', countLimit: SEARCH_COUNT_CAP, countBy: 'index' }
} as const satisfies Record<string, PostgresPlan>

/**
 * Planner settings of the users list's reads, on connections of their own (store.tunedReader: no
 * transaction to SET LOCAL in, so a statement is one round trip): no parallel workers (pages are small),
 * nested loops (the plans walk indexes and stop early), no sequential scans (a term's matches come
 * from the GIN bitmap or a walk of an index, never from a scan of the table). The planner's
 * estimates for '%term%' are coarse: left to them, a term held by 1% of people walked 14,000 rows.
 */
const SEARCH_SETTINGS = { max_parallel_workers_per_gather: '0', enable_hashjoin: 'off', enable_mergejoin: 'off', enable_memoize: 'off', enable_seqscan: 'off' } as const
/**
 * Without a search: no parallel workers, and plain nested loops (a page walks an index and stops
 * after `limit` rows). Left to weigh hash and merge joins, the planner spent 3.9 ms planning a next
 * page of the whole list and 7.2 ms a team's (the keyset's row comparison priced for every merge
 * path), 0.2 ms without them. Memoize (both settings): a page probes each membership and person once,
 * so its cache never hits, and it sizes its hash table from the join's estimate, not the LIMIT; a
 * team's page ran in 9 ms with it, 1.6 ms without (PostgreSQL 15). Counts read memberships alone
 * (matches).
 */
const PLAIN_SETTINGS = { max_parallel_workers_per_gather: '0', enable_hashjoin: 'off', enable_mergejoin: 'off', enable_memoize: 'off' } as const

function kindOf(plan: SearchPlan, input: ListInput): PostgresSearchKind {
  return input.search ? (plan.kind as PostgresSearchKind) : 'none'
}

/**
 * The indexed test (persons_search_trgm serves it) on `a`.search_text: lower(name) U+0001
 * lower(email) (migration 0008), so one LIKE tests both and no term matches across the two.
 */
function indexedLike(a: string, term: string): RawBuilder<unknown> {
  // lower() of the parameter too: the same case folding as the column under any database locale.
  return sql`${sql.raw(a)}.search_text LIKE lower(${likeContains(term)}) ESCAPE '\\'`
}

/**
 * The same test hidden from the trigram index, for a walk that tests the entries it reads (it must
 * not turn into a bitmap scan of a term the index cannot narrow). Works on persons (`a`.search_text
 * in persons_name / persons_email) and on memberships (the copy in memberships_last_login).
 */
function rowLike(a: string, term: string): RawBuilder<unknown> {
  return sql`(CASE WHEN ${indexedLike(a, term)} THEN true ELSE false END)`
}

/**
 * The account's membership of person `personId` (at most one: UNIQUE (account_id, person_id)). A
 * plain join: with hash and merge joins off it is a nested loop probing that index, for the rows
 * that reach it (a LATERAL … OFFSET 0 fence held the shape too, at five times the cost per probe).
 */
function membershipOf(accountId: string, personId: string): RawBuilder<unknown> {
  return sql`JOIN memberships m ON m.account_id = ${accountId} AND m.person_id = ${sql.raw(personId)}`
}

/** A page row's columns, with its team chips as the membership keeps them (migration 0010). */
const ROW_COLUMNS = sql`${USER_ROW_COLUMNS}, m.team_chips AS teams`

const desc = (input: ListInput) => input.direction === 'desc'
const order = (input: ListInput) => sql.raw(desc(input) ? 'DESC' : 'ASC')
const after = (input: ListInput) => sql.raw(desc(input) ? '<' : '>')

/**
 * The text sort key of a name or email sort (migration 0016: lower() of the citext column, which
 * sorts as the column does; persons_name and persons_email are on these keys).
 */
function sortKey(input: ListInput): RawBuilder<unknown> {
  return sql.raw(input.sort === 'email' ? 'email_key' : 'name_key')
}

function afterValue(input: ListInput): number | string {
  return input.sort === 'lastLogin' ? Number(input.after!.value ?? 0) : String(input.after!.value ?? '')
}

/**
 * like: the sort's btree walked in order, index-only (migration 0008: persons_name and
 * persons_email include the other column, memberships_last_login the person's name and email and
 * the membership's status, role and end of invitation), each entry tested against the term; only
 * the page's rows are read from the tables, after the walk.
 */
function likePage(input: ListInput, accountId: string, now: number): RawBuilder<RawUserRow> {
  const term = input.search!
  if (input.sort === 'lastLogin') {
    const walk = [rowLike('m', term), ...memberFilters(input, accountId, now, { withStatus: true, teamPerson: 'm' })]
    if (input.after) walk.push(sql`(m.last_login_at, m.person_id) ${after(input)} (${afterValue(input)}, ${input.after.id})`)
    return sql<RawUserRow>`SELECT ${ROW_COLUMNS} FROM (
        SELECT m.last_login_at, m.person_id FROM memberships m
        WHERE ${sql.join(walk, sql` AND `)}
        ORDER BY m.last_login_at ${order(input)}, m.person_id ${order(input)} LIMIT ${input.limit}
      ) k JOIN memberships m ON m.account_id = ${accountId} AND m.person_id = k.person_id JOIN persons p ON p.person_id = k.person_id
      ORDER BY k.last_login_at ${order(input)}, k.person_id ${order(input)}`
  }
  const column = sortKey(input)
  // The membership is probed only for entries that hold the term (the test runs on the index entry).
  const walk = [rowLike('k', term), ...memberFilters(input, accountId, now, { withStatus: true, teamPerson: 'm' })]
  if (input.after) walk.push(sql`(k.${column}, k.person_id) ${after(input)} (lower(${afterValue(input)}::text), ${input.after.id})`)
  return sql<RawUserRow>`SELECT ${ROW_COLUMNS} FROM (
      SELECT m.* FROM persons k ${membershipOf(accountId, 'k.person_id')}
      WHERE ${sql.join(walk, sql` AND `)}
      ORDER BY k.${column} ${order(input)}, k.person_id ${order(input)} LIMIT ${input.limit}
    ) m JOIN persons p ON p.person_id = m.person_id
    ORDER BY p.${column} ${order(input)}, p.person_id ${order(input)}`
}

/**
 * sparse: the matches from the trigram index, sorted (by keys no btree serves, so the planner
 * cannot turn it into a walk). By name or email only the persons rows are sorted, and memberships
 * are probed in that order until the page is full; by last login the sort key is the membership's,
 * so every match is joined first (and a first page counts them on the way).
 */
function sparsePage(input: ListInput, accountId: string, now: number): RawBuilder<RawUserRow> {
  if (input.sort === 'lastLogin') {
    // From the memberships' own trigram index (migration 0011) over their copy of name and email:
    // a match costs its membership's heap row alone (from persons, a person row and a membership
    // probe besides: 1.7 against 7 µs a match); the page's 100 persons are joined after the sort.
    const key = sql`(m.last_login_at + 0)`
    const where = [indexedLike('m', input.search!), ...memberFilters(input, accountId, now, { withStatus: true, teamPerson: 'm' })]
    if (input.after) where.push(sql`(${key}, m.person_id) ${after(input)} (${afterValue(input)}::bigint, ${input.after.id})`)
    return sql<RawUserRow>`SELECT ${ROW_COLUMNS} FROM (
        SELECT m.* FROM memberships m WHERE ${sql.join(where, sql` AND `)}
        ORDER BY ${key} ${order(input)}, m.person_id ${order(input)} LIMIT ${input.limit}
      ) m JOIN persons p ON p.person_id = m.person_id
      ORDER BY m.last_login_at ${order(input)}, m.person_id ${order(input)}`
  }
  const filters = memberFilters(input, accountId, now, { withStatus: true, teamPerson: 'p' })
  // The stored text sort key (migration 0016), hidden from its btree by the concatenation (the
  // matches come from the bitmap, then are sorted): lower() of the citext column for each match
  // cost 2 ms of a 4.5 ms page for 1,648 matches.
  const key = sql`(q.${sortKey(input)} || '')`
  const where = [indexedLike('q', input.search!)]
  if (input.after) where.push(sql`(${key}, q.person_id) ${after(input)} (lower(${afterValue(input)}::text), ${input.after.id})`)
  return sql<RawUserRow>`SELECT ${ROW_COLUMNS} FROM (
      SELECT q.person_id, ${key} AS k FROM persons q WHERE ${sql.join(where, sql` AND `)} ORDER BY k ${order(input)}, q.person_id ${order(input)}
    ) s JOIN persons p ON p.person_id = s.person_id ${membershipOf(accountId, 's.person_id')}
    WHERE ${sql.join(filters, sql` AND `)}
    ORDER BY s.k ${order(input)}, s.person_id ${order(input)} LIMIT ${input.limit}`
}

/**
 * no search: the sort's index, the planner's choice (unchanged); a position (input.offset) skips
 * along it. A team by name or email walks the team's own copy of the sort key (migration 0013:
 * team_members_by_name / _by_email), one range of one index, and joins the page's memberships and
 * persons.
 */
function plainPage(input: ListInput, accountId: string, now: number): RawBuilder<RawUserRow> {
  if (input.teamId && input.sort !== 'lastLogin') {
    const column = sql.raw(`tm.${input.sort}`)
    const where = [sql`tm.team_id = ${input.teamId}`, ...memberFilters({ ...input, teamId: undefined }, accountId, now, { withStatus: true, teamPerson: 'p' })]
    if (input.after) where.push(sql`(${column}, tm.person_id) ${after(input)} (${afterValue(input)}, ${input.after.id})`)
    return sql<RawUserRow>`SELECT ${ROW_COLUMNS} FROM team_members tm JOIN memberships m ON m.membership_id = tm.membership_id JOIN persons p ON p.person_id = tm.person_id
      WHERE ${sql.join(where, sql` AND `)}
      ORDER BY ${column} ${order(input)}, tm.person_id ${order(input)} LIMIT ${input.limit}${input.offset ? sql` OFFSET ${input.offset}` : sql``}`
  }
  const byLastLogin = input.sort === 'lastLogin'
  const column = byLastLogin ? sql`m.last_login_at` : sql`p.${sortKey(input)}`
  const tieBreak = sql.raw(byLastLogin ? 'm.person_id' : 'p.person_id')
  const where = memberFilters(input, accountId, now, { withStatus: true, teamPerson: 'p' })
  if (input.after) {
    const value = byLastLogin ? sql`${afterValue(input)}` : sql`lower(${afterValue(input)}::text)`
    where.push(sql`(${column}, ${tieBreak}) ${after(input)} (${value}, ${input.after.id})`)
  }
  return sql<RawUserRow>`SELECT ${ROW_COLUMNS} FROM persons p JOIN memberships m ON m.person_id = p.person_id
    WHERE ${sql.join(where, sql` AND `)}
    ORDER BY ${column} ${order(input)}, ${tieBreak} ${order(input)} LIMIT ${input.limit}${input.offset ? sql` OFFSET ${input.offset}` : sql``}`
}

/** A one-row read a first page carries beside its rows (counts c, account figures f, team counts t), as a join of that statement. */
interface Carried {
  alias: 'c' | 'f' | 't'
  join: RawBuilder<unknown>
}

/**
 * The page, and what a first page carries beside it (counts, account figures) in a second
 * statement sent at the same time on another of the reader's connections: two server processes
 * work at once, so the call lasts as long as the longer of the two, not their sum (first pages of
 * the bench's visit mix: p50 9.7 → 7.2 ms, measured alternating in one process; carried in the
 * page's own statement they ran one after the other). The second statement's columns are set on
 * every row (countsInPage, figuresInPage, teamCountsInPage). The two read two snapshots: a write committed between
 * them can show in the counts and not yet in the rows, as it would until the screen refreshes on
 * that write's data event. The rows bring their team chips (ROW_COLUMNS).
 */
async function pageBeside(q: Executor, page: RawBuilder<RawUserRow>, carried: Carried[]): Promise<RawUserRow[]> {
  if (carried.length === 0) return all(q, page)
  const columns = sql.raw(carried.map((c) => `${c.alias}.*`).join(', '))
  const [rows, beside] = await Promise.all([all(q, page), one(q, sql<Partial<RawUserRow>>`SELECT ${columns} FROM (SELECT 1) one${sql.join(carried.map((c) => c.join), sql``)}`)])
  if (beside) for (const row of rows) Object.assign(row, beside)
  return rows
}

/**
 * Heap pages read to estimate a term's matches: about 5,600 people (migration 0016's sort keys made
 * a row wider: 128 pages held 5,600 people before it, 3,035 after). On the bench's 100,000 people
 * and its 20 commonest 3- and 4-letter terms, 700 people were off by up to 2.4× (mean
 * |ln(estimate/true)| 0.36), which tipped plans the wrong way; 5,600 are off by at most 1.3× (0.09)
 * for 0.3 ms more, once per term a minute (cachedEstimate).
 */
export const SAMPLE_PAGES = 236

/**
 * Estimated people matching the term, and how many people there are: the share of matches among
 * the people on the table's first SAMPLE_PAGES pages (a TID range scan: the same cost for any
 * term, exact for a table that small), times the table's size.
 */
async function estimateMatches(q: Executor, term: string): Promise<{ matches: number; people: number }> {
  const row = await one(
    q,
    sql<{ hits: number; seen: number; people: number }>`SELECT count(*) FILTER (WHERE ${rowLike('q', term)}) AS hits, count(*) AS seen,
        (SELECT reltuples FROM pg_class WHERE oid = 'persons'::regclass) AS people
      FROM persons q WHERE q.ctid < ${`(${SAMPLE_PAGES},0)`}::tid`
  )
  const hits = Number(row?.hits ?? 0)
  const seen = Number(row?.seen ?? 0)
  // reltuples is -1 before the first ANALYZE, and lags behind recent inserts: at least what was seen.
  const people = Math.max(seen, Number(row?.people ?? 0))
  return { matches: seen === 0 ? 0 : (hits * people) / seen, people }
}

export const postgresSearch: PeopleSearch = {
  read(store, input, fn) {
    return fn(store.tunedReader ? store.tunedReader(input.search ? SEARCH_SETTINGS : PLAIN_SETTINGS) : store.db)
  },

  async plan(q, input, accountId, now) {
    const term = input.search
    if (!term) return PLANS.none
    if ([...term].length < MIN_INDEXED_SEARCH) return PLANS.short
    const { matches, people } = await cachedEstimate(`postgres\u0000${accountId}\u0000${term.toLowerCase()}`, now, () => estimateMatches(q, term))
    const walked = walkedRows(input, people, matches)
    const cost: Array<[PostgresSearchKind, number]> = [
      ['sparse', matches * (input.sort === 'lastLogin' ? COST.sortedMembership : COST.sortedMatch)],
      ['like', walked * COST.likeRow]
    ]
    // A first page also counts the matches (up to the count limit), beside the page: from the
    // trigram index's candidates, rechecked until one more than the limit is found, or by a walk of
    // memberships_last_login (a broad term reaches the limit within a few thousand entries).
    let countBy: 'walk' | 'index' = 'index'
    if (!input.after && !input.status) {
      const counted = Math.min(matches, SEARCH_COUNT_CAP + 1)
      const walkedToCount = Math.min(people, (counted * people) / Math.max(1, matches))
      if (walkedToCount * COST.countedEntry < counted * COST.countedMatch) countBy = 'walk'
      cost[1]![1] += Math.min(walkedToCount * COST.countedEntry, counted * COST.countedMatch)
      cost[0]![1] += counted * COST.countedMatch
    }
    cost.sort((a, b) => a[1] - b[1])
    const kind = cost[0]![0]
    return kind === 'like' && countBy === 'walk' ? PLANS.broad : PLANS[kind]
  },

  async page(q, input, accountId, now, plan) {
    const kind = kindOf(plan, input)
    const page =
      kind === 'none'
        ? plainPage(input, accountId, now)
        : kind === 'like'
          ? likePage(input, accountId, now)
          : sparsePage(input, accountId, now)
    // A first page carries the account's figures, and a search its counts, read beside the page.
    const carried: Carried[] = []
    if (!input.after && input.offset === undefined) {
      if ((kind === 'like' || kind === 'sparse') && !input.status) {
        const all = postgresSearch.matches(input, accountId, now, plan, false)
        // A walk counts along memberships_last_login (it covers the test and the status): named by its order.
        const walk = (plan as PostgresPlan).countBy === 'walk' ? sql`m.account_id, m.last_login_at, m.person_id` : undefined
        carried.push({ alias: 'c', join: countsJoin(all.from, all.where, now, plan.countLimit, walk) })
      }
      carried.push({ alias: 'f', join: accountFiguresJoin(accountId, now) })
      // A team's page without a search or role shows the team's trigger-kept counts: read in the same statement.
      if (kind === 'none' && input.teamId && !input.role) carried.push({ alias: 't', join: teamCountsJoin(accountId, input.teamId, now) })
    }
    return pageBeside(q, page, carried)
  },

  matches(input, accountId, now, plan, withStatus) {
    const kind = kindOf(plan, input)
    const where = memberFilters(input, accountId, now, { withStatus, teamPerson: kind !== 'none' && (plan as PostgresPlan).countBy === 'walk' ? 'm' : 'p' })
    // Without a search a team's count starts from the team's rows; else memberships first (status/role indexes).
    if (kind === 'none' && input.teamId) return teamMatches(input, accountId, now, withStatus, 'JOIN')
    // Without a search or a team the filters are the membership's alone (status, role): no person is read.
    if (kind === 'none') return { from: sql`memberships m`, where: sql.join(where, sql` AND `) }
    // A term too short for the trigram index is counted over memberships_last_login alone: it
    // holds the copies of name and email, the status, role and end of invitation, so the count
    // reads no table and stops at the limit. Any other from the GIN bitmap (its candidates are
    // rechecked until the limit is reached).
    if ((plan as PostgresPlan).countBy === 'walk') {
      where.push(rowLike('m', input.search!))
      return { from: sql`memberships m`, where: sql.join(where, sql` AND `) }
    }
    where.unshift(indexedLike('p', input.search!))
    return { from: sql`persons p ${membershipOf(accountId, 'p.person_id')}`, where: sql.join(where, sql` AND `) }
  }
}
