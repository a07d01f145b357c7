import type { RawBuilder } from 'kysely'
import type { ParsedInputOf } from '../../../shared/contract'
import { USER_STATUSES, type UserRow, type UserStatus } from '../../../shared/contract/users'
import type { Executor, Store } from '../store/port'
import { all, inList, one, sql } from '../store/sql'

/**
 * The SQL of the users list that is the same on both stores: filters, the teams column, counts.
 * The search plans (what drives a page, which index finds the matches) are per dialect:
 * `search.sqlite.ts` (FTS5 trigram) and `search.postgres.ts` (pg_trgm).
 */

export type ListInput = ParsedInputOf<'users:list'>

/** One listed membership as the page query returns it. */
export interface RawUserRow {
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
  /**
   * Set when the page's read carried the counts per shown status (PostgreSQL's first pages read
   * them beside the page: search.postgres.ts pageBeside).
   */
  nActive?: number
  nInvited?: number
  nExpired?: number
  nDeactivated?: number
  /** Set when the page query carried each row's teams (by name), so no second query reads them. */
  teams?: Array<{ id: string; name: string }>
  /** Set when the page query carried the account's figures (accountFiguresJoin), so no second query reads them. */
  fActive?: number | null
  fInvited?: number | null
  fDeactivated?: number | null
  fExpired?: number
  fSeats?: number
  /**
   * Set when the page's read carried the team's counts (teamCountsJoin: PostgreSQL reads them
   * beside a team's first page); all null when the team is not the account's.
   */
  tActive?: number | null
  tInvited?: number | null
  tDeactivated?: number | null
  tExpired?: number | null
}

/** Terms of three characters or more go through the trigram index (migration 0006). */
export const MIN_INDEXED_SEARCH = 3
/**
 * A search is counted up to this many matches (reading at most one more, whatever the term);
 * past it the total and the chips are reported as lower bounds ("200+"). Both stores count alike:
 * the same term gives the same total on either.
 */
export const SEARCH_COUNT_CAP = 200

/**
 * How one dialect runs a users search. `countLimit`: matches are counted only up to this many
 * (null: exactly); past it the total is reported as SEARCH_COUNT_CAP, capped.
 */
export interface SearchPlan {
  readonly kind: string
  readonly countLimit: number | null
}

/**
 * The per-dialect half of the users list (search.sqlite.ts, search.postgres.ts). Every plan of a
 * dialect returns the same rows in the same order: plans differ only in what they read to find them.
 */
export interface PeopleSearch {
  /** Run the reads of one users call on the executor the plans were made for (PostgreSQL: a reader with their planner settings). */
  read<T>(store: Store, input: ListInput, fn: (q: Executor) => Promise<T>): Promise<T>
  /** How this call is searched (both dialects estimate the matches from the trigram index first). */
  plan(q: Executor, input: ListInput, accountId: string, now: number): Promise<SearchPlan>
  /** One page in sort order, keyset after `input.after`. */
  page(q: Executor, input: ListInput, accountId: string, now: number, plan: SearchPlan): Promise<RawUserRow[]>
  /** FROM and WHERE of every match (`withStatus`: with the status filter) for counting, in the order that finds matches fastest. */
  matches(input: ListInput, accountId: string, now: number, plan: SearchPlan, withStatus: boolean): { from: RawBuilder<unknown>; where: RawBuilder<unknown> }
}

/** A term's estimated matches and the people there are: what a plan is chosen by. */
export interface MatchEstimate {
  matches: number
  people: number
}

const ESTIMATE_TTL_MS = 60_000
const ESTIMATES_KEPT = 500
const estimates = new Map<string, { at: number; estimate: MatchEstimate }>()

/**
 * A search's estimate: sampled once and kept a minute (per store dialect, account and term); the
 * visit's later pages, and the same term under another sort or filter, plan with it instead of
 * sampling again. It only picks
 * the plan (every plan returns the same rows): one a little out of date costs time, never a row.
 */
export async function cachedEstimate<T extends MatchEstimate>(key: string, now: number, estimate: () => Promise<T>): Promise<T> {
  const kept = estimates.get(key)
  if (kept && now - kept.at >= 0 && now - kept.at < ESTIMATE_TTL_MS) return kept.estimate as T
  const fresh = await estimate()
  estimates.delete(key)
  estimates.set(key, { at: now, estimate: fresh })
  // Oldest first out (a Map keeps insertion order).
  while (estimates.size > ESTIMATES_KEPT) estimates.delete(estimates.keys().next().value!)
  return fresh
}

/**
 * The walk estimate assumes matches spread evenly over the sort order; by name or email they often
 * are not (a term that starts a common first name sits in one stretch of the alphabet, so a walk by
 * name reads through everything before it). Sorting the matches costs what it costs, wherever they
 * are. By last login no name clusters: when people last signed in says nothing of their names.
 */
const WALK_RISK = { name: 1.5, email: 1.5, lastLogin: 1 } as const

/**
 * The walk a plan reads, in rows, so each dialect can weigh its plans with its own per-row costs:
 * a page found by walking the sort order reads about limit × people / matches rows (more when the
 * role, team or status filters drop some of the matches).
 */
export function walkedRows(input: ListInput, people: number, matches: number): number {
  const filtered = input.role || input.teamId || input.status ? 4 : 1
  return (WALK_RISK[input.sort] * input.limit * Math.max(1, people) * filtered) / Math.max(1, matches)
}

/**
 * A search term no name or email can contain: one with NUL (PostgreSQL refuses it in text, SQLite
 * cuts strings at it) or U+0001 (names refuse it; it separates name from email in PostgreSQL's
 * search_text, so a term holding it must not match there, nor on SQLite).
 */
export function unmatchableTerm(term: string): boolean {
  return term.includes('\u0000') || term.includes('\u0001')
}

/** LIKE with `ESCAPE '\'`: %, _ and \ taken literally. */
export function likeContains(term: string): string {
  return `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
}

/** The shown status of a membership row (expiry applied at `now`), in SQL. */
export function statusBucket(now: number): RawBuilder<unknown> {
  return sql`CASE WHEN m.status = 'invited' AND m.invite_expires_at <= ${now} THEN 'expired' ELSE m.status END`
}

/**
 * The account, status, role and team conditions (`m` memberships, `p` persons). `teamPerson`
 * names the alias whose person_id probes team_members (the one the sort index walk provides).
 */
export function memberFilters(input: ListInput, accountId: string, now: number, options: { withStatus: boolean; teamPerson: 'm' | 'p' }): RawBuilder<unknown>[] {
  const where: RawBuilder<unknown>[] = [sql`m.account_id = ${accountId}`]
  if (options.withStatus) {
    if (input.status === 'invited') where.push(sql`m.status = 'invited' AND m.invite_expires_at > ${now}`)
    else if (input.status === 'expired') where.push(sql`m.status = 'invited' AND m.invite_expires_at <= ${now}`)
    else if (input.status) where.push(sql`m.status = ${input.status}`)
  }
  if (input.role) where.push(sql`m.role = ${input.role}`)
  if (input.teamId) {
    // Probed on (team_id, person_id) while walking the sort index, before any membership row is read.
    where.push(sql`EXISTS (SELECT 1 FROM team_members tm WHERE tm.team_id = ${input.teamId} AND tm.person_id = ${sql.raw(options.teamPerson)}.person_id)`)
  }
  return where
}

/**
 * Window counts of every match per shown status, for a page query that reads every match anyway
 * (see RawUserRow.nActive): no second pass to count them.
 */
export function matchCountColumns(now: number): RawBuilder<unknown> {
  const bucket = statusBucket(now)
  return sql`count(*) FILTER (WHERE ${bucket} = 'active') OVER () AS "nActive", count(*) FILTER (WHERE ${bucket} = 'invited') OVER () AS "nInvited",
    count(*) FILTER (WHERE ${bucket} = 'expired') OVER () AS "nExpired", count(*) FILTER (WHERE ${bucket} = 'deactivated') OVER () AS "nDeactivated"`
}

/** The counts a page query carried (RawUserRow.nActive …), or null. */
export function countsInPage(rows: readonly RawUserRow[]): Record<UserStatus, number> | null {
  const first = rows[0]
  if (!first || first.nActive === undefined || first.nActive === null) return null
  return { active: Number(first.nActive), invited: Number(first.nInvited), expired: Number(first.nExpired), deactivated: Number(first.nDeactivated) }
}

export const USER_ROW_COLUMNS = sql`m.membership_id AS id, p.person_id AS "personId", p.name, p.email, m.role, m.status,
  m.invite_expires_at AS "inviteExpiresAt", m.last_login_at AS "lastLoginAt", m.created_at AS "createdAt", p.avatar`

export interface AccountFigures {
  active: number
  invited: number
  deactivated: number
  expired: number
  seats: number
}

/**
 * Invitations of `alias` (a table with status and invite_expires_at) still open at `now`: two
 * ranges of its (…, status, invite_expires_at) index. Those past their end are the stored
 * invitations minus these: open ones are at most an invitation lifetime's worth, while ended ones
 * pile up until revoked (3,940 of them in the bench's account cost 0.7 ms to count per first page).
 */
function openInvitations(table: string, alias: string, scope: RawBuilder<unknown>, now: number): RawBuilder<unknown> {
  const from = sql.raw(`${table} ${alias}`)
  const status = sql.raw(`${alias}.status = 'invited'`)
  const expires = sql.raw(`${alias}.invite_expires_at`)
  return sql`((SELECT count(*) FROM ${from} WHERE ${scope} AND ${status} AND ${expires} > ${now})
    + (SELECT count(*) FROM ${from} WHERE ${scope} AND ${status} AND ${expires} IS NULL))`
}

/** The trigger-kept totals per stored status, the invitations past their end at `now`, and the seats bought: columns f* of one row. */
function accountFiguresSelect(accountId: string, now: number): RawBuilder<unknown> {
  return sql`SELECT mc.active AS "fActive", mc.invited AS "fInvited", mc.deactivated AS "fDeactivated", a.seats AS "fSeats",
      coalesce(mc.invited, 0) - ${openInvitations('memberships', 'e', sql`e.account_id = a.account_id`, now)} AS "fExpired"
    FROM accounts a LEFT JOIN member_counts mc ON mc.account_id = a.account_id WHERE a.account_id = ${accountId}`
}

function toFigures(row: Pick<RawUserRow, 'fActive' | 'fInvited' | 'fDeactivated' | 'fExpired' | 'fSeats'> | undefined): AccountFigures {
  return {
    active: Number(row?.fActive ?? 0),
    invited: Number(row?.fInvited ?? 0),
    deactivated: Number(row?.fDeactivated ?? 0),
    expired: Number(row?.fExpired ?? 0),
    seats: Number(row?.fSeats ?? 0)
  }
}

/** The account figures a first page shows beside its rows, in one read. */
export async function accountFigures(q: Executor, accountId: string, now: number): Promise<AccountFigures> {
  return toFigures(await one(q, sql<RawUserRow>`${accountFiguresSelect(accountId, now)}`))
}

/** The same figures as a CROSS JOIN (PostgreSQL reads them beside a first page: search.postgres.ts pageBeside): columns f.*. */
export function accountFiguresJoin(accountId: string, now: number): RawBuilder<unknown> {
  // OFFSET 0 keeps it one row computed once: flattened, its expired count ran once per page row.
  return sql` CROSS JOIN (${accountFiguresSelect(accountId, now)} OFFSET 0) f`
}

/** The figures a page query carried (accountFiguresJoin), or null. */
export function figuresInPage(rows: readonly RawUserRow[]): AccountFigures | null {
  const first = rows[0]
  return first && first.fSeats !== undefined ? toFigures(first) : null
}

/**
 * Counts per shown status of FROM/WHERE over at most `limit` + 1 rows, as a CROSS JOIN (read beside
 * a first page on PostgreSQL): columns c."nActive" … (see countsInPage).
 */
export function countsJoin(from: RawBuilder<unknown>, where: RawBuilder<unknown>, now: number, limit: number | null, orderBy?: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql` CROSS JOIN (SELECT count(*) FILTER (WHERE b = 'active') AS "nActive", count(*) FILTER (WHERE b = 'invited') AS "nInvited",
      count(*) FILTER (WHERE b = 'expired') AS "nExpired", count(*) FILTER (WHERE b = 'deactivated') AS "nDeactivated"
    FROM (SELECT ${statusBucket(now)} AS b FROM ${from} WHERE ${where}${orderBy ? sql` ORDER BY ${orderBy}` : sql``}${limit === null ? sql`` : sql` LIMIT ${limit + 1}`} OFFSET 0) x) c`
}

/** A team's trigger-kept totals (migration 0009) and its invitations past their end at `now`: columns t* of one row, none for a team not the account's. */
function teamCountsSelect(accountId: string, teamId: string, now: number): RawBuilder<unknown> {
  return sql`SELECT t.members_active AS "tActive", t.members_invited AS "tInvited", t.members_deactivated AS "tDeactivated",
      t.members_invited - ${openInvitations('team_members', 'tm', sql`tm.team_id = t.team_id`, now)} AS "tExpired"
    FROM teams t WHERE t.team_id = ${teamId} AND t.account_id = ${accountId}`
}

function toTeamCounts(row: Pick<RawUserRow, 'tActive' | 'tInvited' | 'tDeactivated' | 'tExpired'> | undefined): Record<UserStatus, number> | null {
  if (!row || row.tActive === undefined || row.tActive === null) return null
  const expired = Number(row.tExpired)
  return { active: Number(row.tActive), invited: Number(row.tInvited) - expired, expired, deactivated: Number(row.tDeactivated) }
}

/**
 * A team's members per shown status at `now` (migration 0009: trigger-kept totals, and the team's
 * open invitations as ranges of team_members_status), or null for a team that is not
 * the account's.
 */
export async function teamStatusCounts(q: Executor, accountId: string, teamId: string, now: number): Promise<Record<UserStatus, number> | null> {
  return toTeamCounts(await one(q, sql<RawUserRow>`${teamCountsSelect(accountId, teamId, now)}`))
}

/** The same counts as a LEFT JOIN (read beside a team's first page on PostgreSQL: search.postgres.ts pageBeside): columns t.*, null for another account's team. */
export function teamCountsJoin(accountId: string, teamId: string, now: number): RawBuilder<unknown> {
  return sql` LEFT JOIN (${teamCountsSelect(accountId, teamId, now)} OFFSET 0) t ON true`
}

/**
 * The team counts a page's read carried (teamCountsJoin): undefined when it carried none, null for
 * a team that is not the account's.
 */
export function teamCountsInPage(rows: readonly RawUserRow[]): Record<UserStatus, number> | null | undefined {
  const first = rows[0]
  return first && 'tActive' in first ? toTeamCounts(first) : undefined
}

/**
 * Every membership of one team matching the role and status filters, for counting: from the
 * team's own rows (a range of team_members), each membership read by its key, never a pass over
 * the account's memberships probing each one for the team.
 */
export function teamMatches(
  input: ListInput,
  accountId: string,
  now: number,
  withStatus: boolean,
  /** The join as the dialect pins the loop order (SQLite: CROSS JOIN; PostgreSQL: the planner's, a plain JOIN). */
  join: 'CROSS JOIN' | 'JOIN'
): { from: RawBuilder<unknown>; where: RawBuilder<unknown> } {
  const where = memberFilters({ ...input, teamId: undefined }, accountId, now, { withStatus, teamPerson: 'm' })
  where.push(sql`tm.team_id = ${input.teamId}`)
  return { from: sql`team_members tm ${sql.raw(join)} memberships m ON m.membership_id = tm.membership_id`, where: sql.join(where, sql` AND `) }
}

/** Teams of the listed memberships, by name. */
export async function teamsOfMemberships(q: Executor, membershipIds: readonly string[]): Promise<Array<{ membershipId: string; id: string; name: string }>> {
  if (membershipIds.length === 0) return []
  return all(
    q,
    sql<{ membershipId: string; id: string; name: string }>`SELECT tm.membership_id AS "membershipId", t.team_id AS id, t.name
      FROM team_members tm JOIN teams t ON t.team_id = tm.team_id
      WHERE tm.membership_id IN ${inList(membershipIds)} ORDER BY t.name, t.team_id`
  )
}

/** Membership ids and roles of FROM/WHERE (alias m), at most `limit` + 1 of them, in no particular order. */
export function membersOf(q: Executor, from: RawBuilder<unknown>, where: RawBuilder<unknown>, limit: number): Promise<Array<{ id: string; role: UserRow['role'] }>> {
  return all(q, sql<{ id: string; role: UserRow['role'] }>`SELECT m.membership_id AS id, m.role FROM ${from} WHERE ${where} LIMIT ${limit + 1}`)
}

/** Rows of FROM/WHERE, counted up to `limit` + 1 (null: all of them). */
export async function countRows(q: Executor, from: RawBuilder<unknown>, where: RawBuilder<unknown>, limit: number | null): Promise<number> {
  const row =
    limit === null
      ? await one(q, sql<{ n: number }>`SELECT count(*) AS n FROM ${from} WHERE ${where}`)
      : await one(q, sql<{ n: number }>`SELECT count(*) AS n FROM (SELECT 1 AS one FROM ${from} WHERE ${where} LIMIT ${limit + 1}) c`)
  return Number(row?.n ?? 0)
}

/**
 * Rows of FROM/WHERE per shown status, over at most `limit` + 1 rows (null: all). `over` is true
 * when the limit was reached: the counts are then lower bounds.
 */
export async function countByStatus(
  q: Executor,
  from: RawBuilder<unknown>,
  where: RawBuilder<unknown>,
  now: number,
  limit: number | null
): Promise<{ counts: Record<UserStatus, number>; over: boolean }> {
  const rows = await all(
    q,
    sql<{ bucket: UserStatus; n: number }>`SELECT bucket, count(*) AS n FROM (SELECT ${statusBucket(now)} AS bucket FROM ${from} WHERE ${where}${
      limit === null ? sql`` : sql` LIMIT ${limit + 1}`
    }) c GROUP BY bucket`
  )
  const counts = Object.fromEntries(USER_STATUSES.map((s) => [s, 0])) as Record<UserStatus, number>
  let sum = 0
  for (const r of rows) {
    counts[r.bucket] = Number(r.n)
    sum += Number(r.n)
  }
  return { counts, over: limit !== null && sum > limit }
}
