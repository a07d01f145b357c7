import type { RawBuilder } from 'kysely'
import { all, sql } from '../store/sql'
import { likeContains, MIN_INDEXED_SEARCH, memberFilters, SEARCH_COUNT_CAP, USER_ROW_COLUMNS, type ListInput, type PeopleSearch, type RawUserRow, type SearchPlan } from './list-repository'

/**
 * The people search on PostgreSQL: GIN trigram indexes (pg_trgm, migration 0006) on
 * lower(name::text) and lower(email::text). The conditions below repeat those expressions exactly,
 * or the planner cannot use the indexes; it picks between them and the sort indexes with its own
 * statistics (no vocabulary table as on SQLite).
 *
 * - none: no search;
 * - short: fewer than three characters (no trigram to look up), counted up to SEARCH_COUNT_CAP like SQLite's `like`;
 * - trigram: counted up to SPARSE_MATCHES like SQLite's trigram-bounded plan; past it reported as
 *   SEARCH_COUNT_CAP, capped (as SQLite reports a term whose rarest trigram more people hold).
 */
export const SPARSE_MATCHES = 5_000

const PLANS = {
  none: { kind: 'none', countLimit: null },
  short: { kind: 'short', countLimit: SEARCH_COUNT_CAP },
  trigram: { kind: 'trigram', countLimit: SPARSE_MATCHES }
} as const satisfies Record<string, SearchPlan>

const SORT_COLUMNS = { name: 'p.name', email: 'p.email', lastLogin: 'm.last_login_at' } as const

function conditions(input: ListInput, accountId: string, now: number, withStatus: boolean): RawBuilder<unknown> {
  const where = memberFilters(input, accountId, now, { withStatus, teamPerson: 'p' })
  if (input.search) {
    // lower() of the parameter too: the same case folding as the index under any database locale.
    const pattern = likeContains(input.search)
    where.splice(1, 0, sql`(lower(p.name::text) LIKE lower(${pattern}) ESCAPE '\\' OR lower(p.email::text) LIKE lower(${pattern}) ESCAPE '\\')`)
  }
  return sql.join(where, sql` AND `)
}

const FROM = sql`persons p JOIN memberships m ON m.person_id = p.person_id`

export const postgresSearch: PeopleSearch = {
  async plan(_q, term) {
    if (!term) return PLANS.none
    return [...term].length < MIN_INDEXED_SEARCH ? PLANS.short : PLANS.trigram
  },

  async page(q, input, accountId, now) {
    const column = sql.raw(SORT_COLUMNS[input.sort])
    const tieBreak = sql.raw(input.sort === 'lastLogin' ? 'm.person_id' : 'p.person_id')
    const desc = input.direction === 'desc'
    const where = [conditions(input, accountId, now, true)]
    if (input.after) {
      const afterValue = input.sort === 'lastLogin' ? Number(input.after.value ?? 0) : String(input.after.value ?? '')
      where.push(sql`(${column}, ${tieBreak}) ${sql.raw(desc ? '<' : '>')} (${afterValue}, ${input.after.id})`)
    }
    const order = sql.raw(desc ? 'DESC' : 'ASC')
    return all(
      q,
      sql<RawUserRow>`SELECT ${USER_ROW_COLUMNS} FROM ${FROM}
        WHERE ${sql.join(where, sql` AND `)}
        ORDER BY ${column} ${order}, ${tieBreak} ${order}
        LIMIT ${input.limit}`
    )
  },

  matches(input, accountId, now, _plan, withStatus) {
    return { from: FROM, where: conditions(input, accountId, now, withStatus) }
  }
}
