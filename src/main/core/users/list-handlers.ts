import type { OutputOf, ParsedInputOf } from '../../../shared/contract'
import { CSV_MAX_ROWS, USER_STATUSES, type UserRow, type UserStatus } from '../../../shared/contract/users'
import { AppError } from '../../../shared/contract/result'
import { accountOf, selfMembershipId } from '../kernel/call'
import type { Kernel } from '../kernel/kernel'
import type { Executor, Store } from '../store/port'
import {
  accountFigures,
  countByStatus,
  countRows,
  countsInPage,
  figuresInPage,
  membersOf,
  SEARCH_COUNT_CAP,
  teamsOfMemberships,
  teamCountsInPage,
  teamStatusCounts,
  unmatchableTerm,
  type ListInput,
  type PeopleSearch,
  type RawUserRow
} from './list-repository'
import { seats, seatUseOf, statusCountsOf } from './members'
import { postgresSearch } from './search.postgres'
import { sqliteSearch } from './search.sqlite'

type ListOutput = OutputOf<'users:list'>

function toUserRow(r: RawUserRow, teams: UserRow['teams'], now: number): UserRow {
  const inviteExpiresAt = r.inviteExpiresAt === null ? null : Number(r.inviteExpiresAt)
  const lastLoginAt = Number(r.lastLoginAt)
  return {
    id: r.id,
    personId: r.personId,
    name: r.name,
    email: r.email,
    role: r.role,
    status: r.status === 'invited' && inviteExpiresAt !== null && inviteExpiresAt <= now ? 'expired' : r.status,
    lastLoginAt: lastLoginAt > 0 ? lastLoginAt : null,
    createdAt: Number(r.createdAt),
    teams,
    avatar: r.avatar,
    inviteExpiresAt: r.status === 'invited' ? inviteExpiresAt : null
  }
}

const EMPTY_COUNTS = Object.fromEntries(USER_STATUSES.map((s) => [s, 0])) as Record<UserStatus, number>

/**
 * One users page: keyset paging on (sort value, person id), never OFFSET, so page 1,000 costs what
 * page 1 does. Totals, status counts and seats come only with the first page. The status counts
 * follow the role, team and search filters (never the status filter: the chips choose it); without
 * any of those they are the trigger-kept account totals. A search is counted up to
 * SEARCH_COUNT_CAP matches ("200+"), on both stores.
 */
export function listUsers(store: Store, search: PeopleSearch, input: ListInput, accountId: string, now: number): Promise<ListOutput> {
  if (input.offset !== undefined && input.search) {
    // A search's plans walk or sort its matches from the start; a position in them has no index to seek.
    throw new AppError('VALIDATION', 'A position in the list can be asked for only without a search; a search continues page by page.')
  }
  if (input.offset !== undefined && input.after) throw new AppError('VALIDATION', 'Ask for a page either after a row or at a position, not both.')
  // No name or email holds a NUL (PostgreSQL refuses it in text; SQLite would cut the term there).
  if (input.search && unmatchableTerm(input.search)) {
    if (input.after) return Promise.resolve({ rows: [], next: null, total: null, counts: null, seats: null })
    const counts = { ...EMPTY_COUNTS }
    return seats(store.db, accountId, now).then((seatUse) => ({ rows: [], next: null, total: 0, totalCapped: false, counts, countsCapped: false, seats: seatUse }))
  }
  return search.read(store, input, (r) => listPage(r, search, input, accountId, now))
}

/** The total a first page shows: the chip of the status filter, or every chip. */
function totalOf(counts: Record<UserStatus, number>, status: ListInput['status']): number {
  return status ? counts[status] : USER_STATUSES.reduce((sum, s) => sum + counts[s], 0)
}

/** Capped counts: lower bounds over the first matches found, none above the cap. */
function capCounts(counts: Record<UserStatus, number>): Record<UserStatus, number> {
  return Object.fromEntries(USER_STATUSES.map((s) => [s, Math.min(counts[s], SEARCH_COUNT_CAP)])) as Record<UserStatus, number>
}

async function listPage(q: Executor, search: PeopleSearch, input: ListInput, accountId: string, now: number): Promise<ListOutput> {
  const plan = await search.plan(q, input, accountId, now)
  const raw = await search.page(q, input, accountId, now, plan)
  const teamsByMember = new Map<string, UserRow['teams']>()
  if (raw.length > 0 && raw[0]!.teams !== undefined) {
    for (const r of raw) teamsByMember.set(r.id, r.teams ?? [])
  } else {
    for (const t of await teamsOfMemberships(q, raw.map((r) => r.id))) {
      const list = teamsByMember.get(t.membershipId) ?? []
      list.push({ id: t.id, name: t.name })
      teamsByMember.set(t.membershipId, list)
    }
  }
  const rows = raw.map((r) => toUserRow(r, teamsByMember.get(r.id) ?? [], now))
  const last = raw[raw.length - 1]
  const next =
    raw.length === input.limit && last
      ? { value: input.sort === 'lastLogin' ? Number(last.lastLoginAt) : input.sort === 'email' ? last.email : last.name, id: last.personId }
      : null
  if (input.after || input.offset !== undefined) return { rows, next, total: null, counts: null, seats: null }
  const figures = figuresInPage(raw) ?? (await accountFigures(q, accountId, now))
  const seatUse = seatUseOf(statusCountsOf(figures), figures.seats)

  if (!input.search && !input.role && !input.teamId) {
    // Trigger-kept: one row read at any size.
    const counts = statusCountsOf(figures)
    return { rows, next, total: totalOf(counts, input.status), totalCapped: false, counts, countsCapped: false, seats: seatUse }
  }

  if (!input.search && !input.role && input.teamId) {
    // Trigger-kept per team: one row and one index range read at any team size.
    const carried = teamCountsInPage(raw)
    const counts = (carried === undefined ? await teamStatusCounts(q, accountId, input.teamId, now) : carried) ?? { ...EMPTY_COUNTS }
    return { rows, next, total: totalOf(counts, input.status), totalCapped: false, counts, countsCapped: false, seats: seatUse }
  }

  if (!next && !input.status) {
    // The page holds every match (no status filter narrowed it): its rows are the counts.
    const tally = Object.fromEntries(USER_STATUSES.map((s) => [s, 0])) as Record<UserStatus, number>
    for (const row of rows) tally[row.status] += 1
    // Counted like any search (up to the cap), so a long page reports what a short one would.
    const capped = plan.countLimit !== null && rows.length > plan.countLimit
    const counts = capped ? capCounts(tally) : tally
    return { rows, next, total: capped ? SEARCH_COUNT_CAP : rows.length, totalCapped: capped, counts, countsCapped: capped, seats: seatUse }
  }

  // The chips under the role, team and search filters, counted like the total (capped for searches);
  // a plan that read every match for the page counted them there.
  const inPage = input.status ? null : countsInPage(raw)
  let grouped: { counts: Record<UserStatus, number>; over: boolean }
  if (inPage) {
    const sum = USER_STATUSES.reduce((n, s) => n + inPage[s], 0)
    grouped = { counts: inPage, over: plan.countLimit !== null && sum > plan.countLimit }
  } else {
    const all = search.matches(input, accountId, now, plan, false)
    grouped = await countByStatus(q, all.from, all.where, now, plan.countLimit)
  }
  const countsCapped = grouped.over
  const counts = countsCapped ? capCounts(grouped.counts) : grouped.counts

  let total: number
  let totalCapped = false
  if (!countsCapped) {
    total = totalOf(counts, input.status)
  } else if (!input.status) {
    total = SEARCH_COUNT_CAP
    totalCapped = true
  } else {
    const matching = search.matches(input, accountId, now, plan, true)
    const n = await countRows(q, matching.from, matching.where, plan.countLimit)
    totalCapped = plan.countLimit !== null && n > plan.countLimit
    total = totalCapped ? SEARCH_COUNT_CAP : n
  }
  return { rows, next, total, totalCapped, counts, countsCapped, seats: seatUse }
}

/**
 * Every person matching the list's filters, uncapped (`users:list-ids`, "Select all N matching"):
 * the same matches the list pages through, read by the dialect's counting plan, up to what one bulk
 * change takes.
 */
export function listMemberIds(
  store: Store,
  search: PeopleSearch,
  filters: ParsedInputOf<'users:list-ids'>,
  accountId: string,
  self: string | null,
  now: number
): Promise<OutputOf<'users:list-ids'>> {
  if (filters.search && unmatchableTerm(filters.search)) return Promise.resolve({ members: [], owner: null, you: null })
  const input: ListInput = { ...filters, sort: 'name', direction: 'asc', limit: 100 }
  return search.read(store, input, async (q) => {
    const plan = await search.plan(q, input, accountId, now)
    const { from, where } = search.matches(input, accountId, now, plan, true)
    const members = await membersOf(q, from, where, CSV_MAX_ROWS)
    if (members.length > CSV_MAX_ROWS) {
      throw new AppError('LIMIT', `More than ${CSV_MAX_ROWS.toLocaleString('en-US')} people match; a bulk change takes at most ${CSV_MAX_ROWS.toLocaleString('en-US')} at once. Narrow the filters (status, role, team or a search) and select again.`)
    }
    return { members, owner: members.find((m) => m.role === 'owner')?.id ?? null, you: members.some((m) => m.id === self) ? self : null }
  })
}

/** The users list (`users:list`, `users:list-ids`), on the store's own people-search plans. */
export function registerUsersList(kernel: Kernel): void {
  const search = kernel.store.dialect === 'postgres' ? postgresSearch : sqliteSearch
  kernel.handle('users:list', (ctx, input) => listUsers(kernel.store, search, input, accountOf(ctx), ctx.now))
  kernel.handle('users:list-ids', (ctx, input) => listMemberIds(kernel.store, search, input, accountOf(ctx), selfMembershipId(ctx), ctx.now))
}
