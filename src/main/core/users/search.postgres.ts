import type { RawBuilder } from 'kysely'
import type { Executor } from '../store/port'
import { all, one, sql } from '../store/sql'
import {
  cachedEstimate,
  likeContains,
  matchCountColumns,
  MIN_INDEXED_SEARCH,
  memberFilters,
  statusBucket,
  INDEXED_COUNT_LIMIT,
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
 * The people search on PostgreSQL: GIN trigram indexes (pg_trgm, migration 0006) on
 * lower(name::text) and lower(email::text). The conditions repeat those expressions exactly, or
 * the planner cannot use the indexes. lower() folds as the database's collation does (ASCII only
 * under C, like SQLite's LIKE), and ORDER BY lower(x::text) sorts as the citext column does.
 *
 * The same plans as on SQLite, each held to its shape (the planner would otherwise pick from its
 * own estimates, which are coarse for '%term%': a term held by 1% of people walked 14,000 rows):
 *
 * - none: no search; the planner's own choice (as before);
 * - like: walk the sort's btree (persons_name / persons_email / memberships_last_login) and test
 *   each row (short terms, which have no trigram, and broad ones);
 * - dense: the GIN indexes' matches as a hashed set of person ids, probed while walking the sort's
 *   btree index-only; only the page's rows are read from the tables;
 * - sparse: few matches: from the GIN indexes, then sorted.
 *
 * The plan is chosen per call from an estimate of the matches (their share on the table's first
 * pages) and the per-row costs below. The reads of one call run in one read-only transaction (one
 * snapshot for the page, its counts and the seats) whose SET LOCAL settings pin the shapes.
 */
export type PostgresSearchKind = 'none' | 'like' | 'sparse' | 'dense'

/**
 * Per-row costs of the plans in microseconds, measured on the bench server (100,000 people, the
 * calls timed whole through the pg driver): only their ratios matter. A row costs PostgreSQL
 * several times what it costs SQLite in-process (a heap visit per rechecked match and per joined
 * membership), which moves the choices toward walks.
 */
const COST = {
  /** sparse: a match rechecked on its heap row, its membership, its place in the sort. */
  sortedMatch: 4.5,
  /** dense: a match rechecked on its heap row and put into the hashed set. */
  probeSetEntry: 2.0,
  /** dense: an entry of the sort's btree walked index-only and probed. */
  probedEntry: 0.3,
  /** like: a row of the sort's btree walked, its heap row read and tested. */
  likeRow: 3.0,
  /** like by last login: a membership walked, its person's row looked up and tested. */
  likeMembershipRow: 6.0,
  /** a first page's count: a match found in the GIN bitmap, rechecked, its membership read. */
  countedMatch: 5.0,
  /** dense's first page: a match of its set (already rechecked) counted with its membership. */
  countedFromSet: 4.0
}

/** Above this share of people matching, a count reads the table in order rather than the GIN bitmap (whose size grows with the term's trigrams). */
const TABLE_COUNT_SHARE = 0.25

interface PostgresPlan extends SearchPlan {
  readonly kind: PostgresSearchKind
  /** Where a first page counts the matches: the GIN bitmap, or the table in physical order (up to the limit). */
  readonly countFrom: 'index' | 'table'
}

const PLANS = {
  none: { kind: 'none', countLimit: null, countFrom: 'index' },
  /** A term too short for the trigram index: walked, counted up to SEARCH_COUNT_CAP. */
  short: { kind: 'like', countLimit: SEARCH_COUNT_CAP, countFrom: 'table' },
  like: { kind: 'like', countLimit: INDEXED_COUNT_LIMIT, countFrom: 'index' },
  /** A term most people hold: walked, counted over the table (its matches come quickly in any order). */
  broad: { kind: 'like', countLimit: INDEXED_COUNT_LIMIT, countFrom: 'table' },
  sparse: { kind: 'sparse', countLimit: INDEXED_COUNT_LIMIT, countFrom: 'index' },
  dense: { kind: 'dense', countLimit: INDEXED_COUNT_LIMIT, countFrom: 'index' }
} as const satisfies Record<string, PostgresPlan>

/**
 * Planner settings of a search's transaction (SET LOCAL: they end with it): no parallel workers
 * (pages are small), nested loops (the plans walk indexes and stop early), and for a term the GIN
 * indexes serve no sequential scans (its matches come from the bitmap, never from a scan of the
 * table; a walk is unaffected). A short term keeps them: its count reads the table in order.
 */
function settingsFor(input: ListInput): string {
  const base = 'SET LOCAL max_parallel_workers_per_gather = 0'
  if (!input.search) return base
  const search = `${base}; SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off`
  return [...input.search].length < MIN_INDEXED_SEARCH ? search : `${search}; SET LOCAL enable_seqscan = off`
}

function kindOf(plan: SearchPlan, input: ListInput): PostgresSearchKind {
  return input.search ? (plan.kind as PostgresSearchKind) : 'none'
}

/** The indexed test (the GIN indexes serve it); `a` is the persons alias. */
function indexedLike(a: string, term: string): RawBuilder<unknown> {
  // lower() of the parameter too: the same case folding as the index under any database locale.
  const pattern = likeContains(term)
  const p = sql.raw(a)
  return sql`(lower(${p}.name::text) LIKE lower(${pattern}) ESCAPE '\\' OR lower(${p}.email::text) LIKE lower(${pattern}) ESCAPE '\\')`
}

/** The same test hidden from the GIN indexes (a walk tests rows it reads; it must not turn into a bitmap scan of a term they cannot narrow). */
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

const desc = (input: ListInput) => input.direction === 'desc'
const order = (input: ListInput) => sql.raw(desc(input) ? 'DESC' : 'ASC')
const after = (input: ListInput) => sql.raw(desc(input) ? '<' : '>')

function afterValue(input: ListInput): number | string {
  return input.sort === 'lastLogin' ? Number(input.after!.value ?? 0) : String(input.after!.value ?? '')
}

/** like: the sort's btree walked in order, every row read and tested. */
function likePage(input: ListInput, accountId: string, now: number): RawBuilder<RawUserRow> {
  const term = input.search!
  if (input.sort === 'lastLogin') {
    // memberships_last_login walked index-only; each entry's person read and tested; only the
    // page's memberships are read from the table (after the walk).
    const walk = [sql`k.account_id = ${accountId}`, rowLike('p', term)]
    if (input.after) walk.push(sql`(k.last_login_at, k.person_id) ${after(input)} (${afterValue(input)}, ${input.after.id})`)
    const filters = memberFilters(input, accountId, now, { withStatus: true, teamPerson: 'm' })
    const filtered = filters.length > 1
    return sql<RawUserRow>`SELECT ${USER_ROW_COLUMNS} FROM (
        SELECT k.last_login_at, k.person_id, p.name, p.email, p.avatar FROM memberships k
        JOIN persons p ON p.person_id = k.person_id
        ${filtered ? membershipOf(accountId, 'k.person_id') : sql``}
        WHERE ${sql.join(filtered ? [...walk, ...filters] : walk, sql` AND `)}
        ORDER BY k.last_login_at ${order(input)}, k.person_id ${order(input)} LIMIT ${input.limit}
      ) p JOIN memberships m ON m.account_id = ${accountId} AND m.person_id = p.person_id
      ORDER BY p.last_login_at ${order(input)}, p.person_id ${order(input)}`
  }
  const column = sql.raw(`p.${input.sort}`)
  const where = [rowLike('p', term), ...memberFilters(input, accountId, now, { withStatus: true, teamPerson: 'p' })]
  if (input.after) where.push(sql`(${column}, p.person_id) ${after(input)} (${afterValue(input)}, ${input.after.id})`)
  return sql<RawUserRow>`SELECT ${USER_ROW_COLUMNS} FROM persons p ${membershipOf(accountId, 'p.person_id')}
    WHERE ${sql.join(where, sql` AND `)}
    ORDER BY ${column} ${order(input)}, p.person_id ${order(input)} LIMIT ${input.limit}`
}

/**
 * dense: the sort's btree walked index-only, each entry probed against the hashed set of matches
 * (the GIN bitmap rechecked once, materialised). A first page counts the account's matches from
 * that same set (up to the count limit), so the bitmap is read once for both.
 */
function densePage(input: ListInput, accountId: string, now: number, plan: SearchPlan): RawBuilder<RawUserRow> {
  const term = input.search!
  // COALESCE keeps the IN a hashed SubPlan (a filter of the walk) instead of a join the planner would reorder.
  const probe = sql`COALESCE(k.person_id IN (SELECT found.person_id FROM found), false)`
  const filters = memberFilters(input, accountId, now, { withStatus: true, teamPerson: 'm' })
  const matches = sql`WITH found AS MATERIALIZED (SELECT q.person_id, q.name, q.email FROM persons q WHERE ${indexedLike('q', term)})`
  let counted = sql``
  let counts = sql``
  if (!input.after && !input.status) {
    const countFilters = memberFilters(input, accountId, now, { withStatus: false, teamPerson: 'm' })
    const bucket = statusBucket(now)
    const limit = plan.countLimit === null ? sql`` : sql` LIMIT ${plan.countLimit + 1}`
    counted = sql`, c."nActive", c."nInvited", c."nExpired", c."nDeactivated"`
    counts = sql` CROSS JOIN (SELECT count(*) FILTER (WHERE b = 'active') AS "nActive", count(*) FILTER (WHERE b = 'invited') AS "nInvited",
        count(*) FILTER (WHERE b = 'expired') AS "nExpired", count(*) FILTER (WHERE b = 'deactivated') AS "nDeactivated"
      FROM (SELECT ${bucket} AS b FROM found JOIN memberships m ON m.account_id = ${accountId} AND m.person_id = found.person_id
        WHERE ${sql.join(countFilters, sql` AND `)}${limit}) x) c`
  }
  if (input.sort === 'lastLogin') {
    const walk = [sql`k.account_id = ${accountId}`, probe]
    if (input.after) walk.push(sql`(k.last_login_at, k.person_id) ${after(input)} (${afterValue(input)}, ${input.after.id})`)
    return sql<RawUserRow>`${matches} SELECT ${USER_ROW_COLUMNS}${counted} FROM (
        SELECT m.* FROM memberships k ${membershipOf(accountId, 'k.person_id')}
        WHERE ${sql.join([...walk, ...filters], sql` AND `)}
        ORDER BY k.last_login_at ${order(input)}, k.person_id ${order(input)} LIMIT ${input.limit}
      ) m JOIN persons p ON p.person_id = m.person_id${counts}
      ORDER BY m.last_login_at ${order(input)}, m.person_id ${order(input)}`
  }
  const column = sql.raw(input.sort)
  // The walk starts at the first match in sort order, not at the start of the index: a term that
  // is a first name's start has its matches in one stretch of the alphabet.
  const walk = [probe, sql`k.${column} ${sql.raw(desc(input) ? '<=' : '>=')} (SELECT ${sql.raw(desc(input) ? 'max' : 'min')}(found.${column}) FROM found)`]
  if (input.after) walk.push(sql`(k.${column}, k.person_id) ${after(input)} (${afterValue(input)}, ${input.after.id})`)
  return sql<RawUserRow>`${matches} SELECT ${USER_ROW_COLUMNS}${counted} FROM (
      SELECT m.* FROM persons k ${membershipOf(accountId, 'k.person_id')}
      WHERE ${sql.join([...walk, ...filters], sql` AND `)}
      ORDER BY k.${column} ${order(input)}, k.person_id ${order(input)} LIMIT ${input.limit}
    ) m JOIN persons p ON p.person_id = m.person_id${counts}
    ORDER BY p.${column} ${order(input)}, p.person_id ${order(input)}`
}

/** sparse: the matches from the GIN indexes, sorted (by keys no btree serves, so the planner cannot turn it into a walk). */
function sparsePage(input: ListInput, accountId: string, now: number): RawBuilder<RawUserRow> {
  // Same order as the columns (citext sorts as its lower()), but no btree serves these expressions.
  const key = input.sort === 'lastLogin' ? sql`(m.last_login_at + 0)` : sql`lower(${sql.raw(`p.${input.sort}`)}::text)`
  const tieBreak = sql.raw(input.sort === 'lastLogin' ? 'm.person_id' : 'p.person_id')
  const where = [indexedLike('p', input.search!), ...memberFilters(input, accountId, now, { withStatus: true, teamPerson: 'p' })]
  if (input.after) {
    const value = input.sort === 'lastLogin' ? sql`${afterValue(input)}::bigint` : sql`lower(${afterValue(input)}::text)`
    where.push(sql`(${key}, ${tieBreak}) ${after(input)} (${value}, ${input.after.id})`)
  }
  // Sorting every match reads every match: a first page counts them on the way (no second pass).
  const counted = !input.after && !input.status ? sql`, ${matchCountColumns(now)}` : sql``
  return sql<RawUserRow>`SELECT ${USER_ROW_COLUMNS}${counted} FROM persons p ${membershipOf(accountId, 'p.person_id')}
    WHERE ${sql.join(where, sql` AND `)}
    ORDER BY ${key} ${order(input)}, ${tieBreak} ${order(input)} LIMIT ${input.limit}`
}

/** no search: the sort's index, the planner's choice (unchanged). */
function plainPage(input: ListInput, accountId: string, now: number): RawBuilder<RawUserRow> {
  const column = sql.raw({ name: 'p.name', email: 'p.email', lastLogin: 'm.last_login_at' }[input.sort])
  const tieBreak = sql.raw(input.sort === 'lastLogin' ? 'm.person_id' : 'p.person_id')
  const where = memberFilters(input, accountId, now, { withStatus: true, teamPerson: 'p' })
  if (input.after) where.push(sql`(${column}, ${tieBreak}) ${after(input)} (${afterValue(input)}, ${input.after.id})`)
  return sql<RawUserRow>`SELECT ${USER_ROW_COLUMNS} FROM persons p JOIN memberships m ON m.person_id = p.person_id
    WHERE ${sql.join(where, sql` AND `)}
    ORDER BY ${column} ${order(input)}, ${tieBreak} ${order(input)} LIMIT ${input.limit}`
}

/**
 * The page's rows with their teams (by name, as JSON), in the same statement: one round trip and
 * no list of a hundred ids to bind (the SQLite store reads them with a second, cheap query).
 */
function withTeams(input: ListInput, page: RawBuilder<RawUserRow>): RawBuilder<RawUserRow> {
  const key = { name: 'page.name', email: 'page.email', lastLogin: 'page."lastLoginAt"' }[input.sort]
  return sql<RawUserRow>`SELECT page.*, (SELECT coalesce(json_agg(json_build_object('id', t.team_id, 'name', t.name) ORDER BY t.name, t.team_id), '[]'::json)
      FROM team_members tm JOIN teams t ON t.team_id = tm.team_id WHERE tm.membership_id = page.id) AS teams
    FROM (${page}) page ORDER BY ${sql.raw(key)} ${order(input)}, page."personId" ${order(input)}`
}

/** Heap pages read to estimate a term's matches (about 700 people at this schema's row size). */
export const SAMPLE_PAGES = 16

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
  async read(q, input, fn) {
    // Already in a transaction (a caller's): its settings are the caller's (the plans stay correct).
    if (q.isTransaction) return fn(q)
    return q.connection().execute(async (c) => {
      await sql.raw(`BEGIN READ ONLY; ${settingsFor(input)}`).execute(c)
      try {
        const result = await fn(c)
        await sql.raw('COMMIT').execute(c)
        return result
      } catch (error) {
        await sql.raw('ROLLBACK').execute(c).catch(() => undefined)
        throw error
      }
    })
  },

  async plan(q, input, accountId, now) {
    const term = input.search
    if (!term) return PLANS.none
    if ([...term].length < MIN_INDEXED_SEARCH) return PLANS.short
    const { matches, people } = await cachedEstimate(`postgres\u0000${accountId}\u0000${term.toLowerCase()}`, input, now, () => estimateMatches(q, term))
    const walked = walkedRows(input, people, matches)
    const cost: Array<[PostgresSearchKind, number]> = [
      ['sparse', matches * COST.sortedMatch],
      ['dense', matches * COST.probeSetEntry + walked * COST.probedEntry],
      ['like', walked * (input.sort === 'lastLogin' ? COST.likeMembershipRow : COST.likeRow)]
    ]
    // A first page also counts the matches (up to the count limit): sparse and dense do it in the
    // page query (from the rows or the set they read anyway), a walk in a second query.
    if (!input.after && !input.status) {
      const counted = Math.min(matches, INDEXED_COUNT_LIMIT + 1)
      for (const entry of cost) entry[1] += counted * (entry[0] === 'like' ? COST.countedMatch : entry[0] === 'dense' ? COST.countedFromSet : 0)
    }
    cost.sort((a, b) => a[1] - b[1])
    const kind = cost[0]![0]
    return kind === 'like' && matches > people * TABLE_COUNT_SHARE ? PLANS.broad : PLANS[kind]
  },

  async page(q, input, accountId, now, plan) {
    const kind = kindOf(plan, input)
    const page =
      kind === 'none'
        ? plainPage(input, accountId, now)
        : kind === 'like'
          ? likePage(input, accountId, now)
          : kind === 'dense'
            ? densePage(input, accountId, now, plan)
            : sparsePage(input, accountId, now)
    return all(q, withTeams(input, page))
  },

  matches(input, accountId, now, plan, withStatus) {
    const kind = kindOf(plan, input)
    const where = memberFilters(input, accountId, now, { withStatus, teamPerson: 'p' })
    // Without a search a team's count starts from the team's rows; else memberships first (status/role indexes).
    if (kind === 'none' && input.teamId) return teamMatches(input, accountId, now, withStatus, 'JOIN')
    if (kind === 'none') return { from: sql`persons p JOIN memberships m ON m.person_id = p.person_id`, where: sql.join(where, sql` AND `) }
    // From the GIN bitmap, or over the table in physical order (a TID range scan, which the
    // search's settings leave on) with the test hidden from the GIN indexes: a term without a
    // trigram would read every entry, a broad one a bitmap of most of the table.
    if ((plan as PostgresPlan).countFrom === 'table') where.unshift(sql`p.ctid >= '(0,0)'::tid`, rowLike('p', input.search!))
    else where.unshift(indexedLike('p', input.search!))
    return { from: sql`persons p ${membershipOf(accountId, 'p.person_id')}`, where: sql.join(where, sql` AND `) }
  }
}
