import type { RawBuilder } from 'kysely'
import type { ParsedInputOf } from '../../../shared/contract'
import { USER_STATUSES, type UserRow, type UserStatus } from '../../../shared/contract/users'
import type { Executor } from '../store/port'
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
}

/** Terms of three characters or more go through the trigram index (migration 0006). */
export const MIN_INDEXED_SEARCH = 3
/** Broad searches are counted up to this many matches ("200+"). */
export const SEARCH_COUNT_CAP = 200

/**
 * How one dialect runs a users search. `countLimit`: matches are counted only up to this many
 * (null: exactly); past it the total is reported as SEARCH_COUNT_CAP, capped.
 */
export interface SearchPlan {
  readonly kind: string
  readonly countLimit: number | null
}

/** The per-dialect half of the users list (search.sqlite.ts, search.postgres.ts). */
export interface PeopleSearch {
  /** How this term is searched (SQLite reads trigram frequencies; PostgreSQL decides by length). */
  plan(q: Executor, term: string | undefined): Promise<SearchPlan>
  /** One page in sort order, keyset after `input.after`. */
  page(q: Executor, input: ListInput, accountId: string, now: number, plan: SearchPlan): Promise<RawUserRow[]>
  /** FROM and WHERE of every match (`withStatus`: with the status filter) for counting. */
  matches(input: ListInput, accountId: string, now: number, plan: SearchPlan, withStatus: boolean): { from: RawBuilder<unknown>; where: RawBuilder<unknown> }
}

/** A search term no name or email can contain: PostgreSQL refuses NUL in text, SQLite cuts strings at it. */
export function unmatchableTerm(term: string): boolean {
  return term.includes('\u0000')
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

export const USER_ROW_COLUMNS = sql`m.membership_id AS id, p.person_id AS "personId", p.name, p.email, m.role, m.status,
  m.invite_expires_at AS "inviteExpiresAt", m.last_login_at AS "lastLoginAt", m.created_at AS "createdAt", p.avatar`

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
