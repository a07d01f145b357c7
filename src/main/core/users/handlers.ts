import type { UserRow } from '../../../shared/contract/users'
import { USER_STATUSES } from '../../../shared/contract/users'
import type { ParsedInputOf } from '../../../shared/contract'
import type { Core } from '../core'
import { membersOf } from './members'

interface RawUserRow {
  id: string
  personId: string
  name: string
  email: string
  role: UserRow['role']
  status: 'active' | 'invited' | 'deactivated'
  inviteExpiresAt: number | null
  lastLoginAt: number
  createdAt: number
  avatar: string | null
  /** Only on a first page of a sparse search: every match, counted by a window over the page query. */
  matches?: number
}

const SORT_COLUMNS = { name: 'p.name', email: 'p.email', lastLogin: 'm.last_login_at' } as const

function escapeLike(term: string): string {
  return term.replace(/[\\%_]/g, (c) => `\\${c}`)
}

/** Terms of three characters or more go through the trigram index (migration 0006). */
export const MIN_INDEXED_SEARCH = 3
/** Up to this many matches, a page is built from the matches (then sorted); above, from the sort index. */
export const SPARSE_MATCHES = 5_000
/** Broad searches are counted up to this many matches. */
export const SEARCH_COUNT_CAP = 200

/** An FTS5 phrase: the term matched as a substring of name or email, quotes escaped. */
export function searchPhrase(term: string): string {
  return `"${term.replace(/"/g, '""')}"`
}

/**
 * - like: a short or broad term, tested row by row while walking the sort index (matches are dense,
 *   so a page is found after a few hundred rows);
 * - sparse: a term some trigram of which few people hold: built from the trigram index's matches;
 * - dense: the trigram index's match set probed while walking the sort index (kept for EXPLAIN tests).
 */
export type SearchPlan = 'none' | 'like' | 'sparse' | 'dense'

/**
 * The SQL of one users page for these filters (exported so tests can EXPLAIN it): the sort's own
 * index drives the loop, filters are probes, keyset on (sort value, person id).
 */
export function usersPageQuery(
  input: ParsedInputOf<'users:list'>,
  accountId: string,
  now: number,
  plan: SearchPlan = input.search ? 'like' : 'none'
): { pageSql: string; from: string; filterSql: string; params: Record<string, unknown> } {
  const where: string[] = ['m.account_id = @accountId']
  const params: Record<string, unknown> = { accountId, now, limit: input.limit }
  // Without a search, or with a row-by-row one, the sort's own index drives the page.
  const walksSortIndex = plan === 'none' || plan === 'like'
  if (input.search && plan === 'like') {
    where.push("(p.name LIKE @search ESCAPE '\\' OR p.email LIKE @search ESCAPE '\\')")
    params.search = `%${escapeLike(input.search)}%`
  } else if (input.search && plan === 'dense') {
    // Many matches: walk the sort index and probe the (materialised) match set.
    where.push('p.rowid IN (SELECT rowid FROM persons_search WHERE persons_search MATCH @match)')
    params.match = searchPhrase(input.search)
  } else if (input.search && plan === 'sparse') {
    params.match = searchPhrase(input.search)
  }
  if (input.status === 'invited') where.push("m.status = 'invited' AND m.invite_expires_at > @now")
  else if (input.status === 'expired') where.push("m.status = 'invited' AND m.invite_expires_at <= @now")
  else if (input.status) {
    where.push('m.status = @status')
    params.status = input.status
  }
  if (input.role) {
    where.push('m.role = @role')
    params.role = input.role
  }
  if (input.teamId) {
    // Probed on (team_id, person_id) while walking the sort index, before any membership row is read.
    where.push(`EXISTS (SELECT 1 FROM team_members tm WHERE tm.team_id = @teamId AND tm.person_id = ${input.sort === 'lastLogin' && walksSortIndex ? 'm' : 'p'}.person_id)`)
    params.teamId = input.teamId
  }
  const filterSql = where.join(' AND ')
  const column = SORT_COLUMNS[input.sort]
  // Ties break on the person id; for last login the membership's copy of it keeps the index order.
  const tieBreak = input.sort === 'lastLogin' ? 'm.person_id' : 'p.person_id'
  const desc = input.direction === 'desc'
  const pageWhere = [filterSql]
  if (input.after) {
    pageWhere.push(`(${column}, ${tieBreak}) ${desc ? '<' : '>'} (@afterValue, @afterId)`)
    params.afterValue = input.sort === 'lastLogin' ? Number(input.after.value ?? 0) : String(input.after.value ?? '')
    params.afterId = input.after.id
  }
  const order = desc ? 'DESC' : 'ASC'
  // The sort's own index drives the page (CROSS JOIN fixes the loop order): a page reads about
  // `limit` matching rows however large the account, never the whole membership table.
  // By email, persons_email (email, person_id) is named: the planner would pick the unique email
  // index, which lacks person_id and reads the table for every row it walks.
  const from =
    plan === 'sparse'
      ? // Few matches: start from them and sort what is left (a small temp b-tree).
        '(SELECT rowid AS rid FROM persons_search WHERE persons_search MATCH @match) s CROSS JOIN persons p ON p.rowid = s.rid CROSS JOIN memberships m ON m.person_id = p.person_id'
      : input.sort === 'lastLogin' && walksSortIndex
      ? 'memberships m CROSS JOIN persons p ON p.person_id = m.person_id'
      : input.sort === 'email' && walksSortIndex
        ? 'persons p INDEXED BY persons_email CROSS JOIN memberships m ON m.person_id = p.person_id'
        : 'persons p CROSS JOIN memberships m ON m.person_id = p.person_id'
  const pageSql = `
    SELECT m.membership_id AS id, p.person_id AS personId, p.name, p.email, m.role, m.status,
           m.invite_expires_at AS inviteExpiresAt, m.last_login_at AS lastLoginAt, m.created_at AS createdAt, p.avatar${
             // A first page built from few matches counts them in the same pass (no second join).
             plan === 'sparse' && !input.after ? ', count(*) OVER () AS matches' : ''
           }
    FROM ${from}
    WHERE ${pageWhere.join(' AND ')}
    ORDER BY ${column} ${order}, ${tieBreak} ${order}
    LIMIT @limit`
  return { pageSql, from, filterSql, params }
}

/**
 * The users list: keyset paging on (sort value, person id), never OFFSET, so page 1,000 costs what
 * page 1 does. Counts and totals come only with the first page.
 */
export function registerUsers(core: Core): void {
  const db = core.db
  const statements = new Map<string, ReturnType<typeof db.prepare>>()
  const prepared = (sql: string) => {
    let statement = statements.get(sql)
    if (!statement) {
      statement = db.prepare(sql)
      statements.set(sql, statement)
    }
    return statement
  }

  const trigramPeople = db.prepare('SELECT doc FROM persons_search_terms WHERE term = ?').pluck()
  /** An upper bound of the matches: no more people match the term than hold its rarest trigram. */
  const searchPlan = (term: string | undefined): SearchPlan => {
    if (!term) return 'none'
    if (term.length < MIN_INDEXED_SEARCH) return 'like'
    const lower = term.toLowerCase()
    let bound = Infinity
    for (let i = 0; i + 3 <= lower.length && i < 12; i++) bound = Math.min(bound, (trigramPeople.get(lower.slice(i, i + 3)) as number | undefined) ?? 0)
    return bound <= SPARSE_MATCHES ? 'sparse' : 'like'
  }

  core.handle('users:list', (ctx, input) => {
    const accountId = ctx.principal!.accountId
    const plan = searchPlan(input.search)
    const { pageSql, from, filterSql, params } = usersPageQuery(input, accountId, ctx.now, plan)
    const raw = prepared(pageSql).all(params) as RawUserRow[]
    const teamsByMember = new Map<string, Array<{ id: string; name: string }>>()
    if (raw.length > 0) {
      const teamRows = prepared(`
        SELECT tm.membership_id AS membershipId, t.team_id AS id, t.name FROM team_members tm JOIN teams t ON t.team_id = tm.team_id
        WHERE tm.membership_id IN (SELECT value FROM json_each(?)) ORDER BY t.name`).all(JSON.stringify(raw.map((r) => r.id))) as Array<{
        membershipId: string
        id: string
        name: string
      }>
      for (const t of teamRows) {
        const list = teamsByMember.get(t.membershipId) ?? []
        list.push({ id: t.id, name: t.name })
        teamsByMember.set(t.membershipId, list)
      }
    }
    const rows: UserRow[] = raw.map((r) => ({
      id: r.id,
      personId: r.personId,
      name: r.name,
      email: r.email,
      role: r.role,
      status: r.status === 'invited' && r.inviteExpiresAt !== null && r.inviteExpiresAt <= ctx.now ? 'expired' : r.status,
      lastLoginAt: r.lastLoginAt > 0 ? r.lastLoginAt : null,
      createdAt: r.createdAt,
      teams: teamsByMember.get(r.id) ?? [],
      avatar: r.avatar,
      inviteExpiresAt: r.status === 'invited' ? r.inviteExpiresAt : null
    }))
    const last = raw[raw.length - 1]
    const next =
      raw.length === input.limit && last
        ? { value: input.sort === 'lastLogin' ? last.lastLoginAt : input.sort === 'email' ? last.email : last.name, id: last.personId }
        : null
    if (input.after) return { rows, next, total: null, counts: null, seats: null }
    const counts = membersOf(core).statusCounts(accountId, ctx.now)
    const { after: _a, afterValue: _v, afterId: _i, limit: _l, ...countParams } = params
    let total: number
    let totalCapped = false
    if (!input.search && !input.role && !input.teamId) {
      total = input.status ? counts[input.status] : USER_STATUSES.reduce((sum, s) => sum + counts[s], 0)
    } else if (input.teamId && !input.search && !input.role && !input.status) {
      // Trigger-kept; a team of another account counts as empty.
      total = (prepared('SELECT member_count AS n FROM teams WHERE team_id = @teamId AND account_id = @accountId').get(countParams) as { n: number } | undefined)?.n ?? 0
    } else if (input.search && plan === 'like') {
      const capped = (prepared(`SELECT count(*) AS n FROM (SELECT 1 FROM ${from} WHERE ${filterSql} LIMIT ${SEARCH_COUNT_CAP + 1})`).get(countParams) as { n: number }).n
      totalCapped = capped > SEARCH_COUNT_CAP
      total = Math.min(capped, SEARCH_COUNT_CAP)
    } else if (plan === 'sparse') {
      total = raw[0]?.matches ?? 0
    } else {
      // Counting reads every match: memberships first (status/role indexes) unless a search starts from its matches.
      const countFrom = input.search ? from : 'memberships m JOIN persons p ON p.person_id = m.person_id'
      total = (prepared(`SELECT count(*) AS n FROM ${countFrom} WHERE ${filterSql}`).get(countParams) as { n: number }).n
    }
    const seats = membersOf(core).seatsFrom(accountId, counts)
    return { rows, next, total, totalCapped, counts, seats }
  })
}
