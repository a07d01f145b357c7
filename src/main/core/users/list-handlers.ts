import type { OutputOf } from '../../../shared/contract'
import { USER_STATUSES, type SeatUse, type UserRow, type UserStatus } from '../../../shared/contract/users'
import { accountOf } from '../kernel/call'
import type { Kernel } from '../kernel/kernel'
import type { Executor } from '../store/port'
import {
  countByStatus,
  countRows,
  SEARCH_COUNT_CAP,
  teamsOfMemberships,
  unmatchableTerm,
  type ListInput,
  type PeopleSearch,
  type RawUserRow
} from './list-repository'
import { accountSeats, countExpiredInvitations, memberCountsRow } from './members-repository'
import { postgresSearch } from './search.postgres'
import { sqliteSearch } from './search.sqlite'

type ListOutput = OutputOf<'users:list'>

/** Members per status as the chips show them without filters (trigger-kept totals; expiry applied at `now`). */
async function accountStatusCounts(q: Executor, accountId: string, now: number): Promise<Record<UserStatus, number>> {
  const row = (await memberCountsRow(q, accountId)) ?? { active: 0, invited: 0, deactivated: 0 }
  const expired = row.invited > 0 ? await countExpiredInvitations(q, accountId, now) : 0
  return { active: row.active, invited: row.invited - expired, expired, deactivated: row.deactivated }
}

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
 * any of those they are the trigger-kept account totals.
 */
export async function listUsers(q: Executor, search: PeopleSearch, input: ListInput, accountId: string, now: number): Promise<ListOutput> {
  const seatsOf = async (counts: Record<UserStatus, number>): Promise<SeatUse> => {
    const accountCounts = input.search || input.role || input.teamId ? await accountStatusCounts(q, accountId, now) : counts
    return { used: accountCounts.active + accountCounts.invited, total: await accountSeats(q, accountId), active: accountCounts.active, invited: accountCounts.invited }
  }
  // No name or email holds a NUL (PostgreSQL refuses it in text; SQLite would cut the term there).
  if (input.search && unmatchableTerm(input.search)) {
    if (input.after) return { rows: [], next: null, total: null, counts: null, seats: null }
    const counts = { ...EMPTY_COUNTS }
    return { rows: [], next: null, total: 0, totalCapped: false, counts, countsCapped: false, seats: await seatsOf(counts) }
  }

  const plan = await search.plan(q, input.search)
  const raw = await search.page(q, input, accountId, now, plan)
  const teamsByMember = new Map<string, UserRow['teams']>()
  for (const t of await teamsOfMemberships(q, raw.map((r) => r.id))) {
    const list = teamsByMember.get(t.membershipId) ?? []
    list.push({ id: t.id, name: t.name })
    teamsByMember.set(t.membershipId, list)
  }
  const rows = raw.map((r) => toUserRow(r, teamsByMember.get(r.id) ?? [], now))
  const last = raw[raw.length - 1]
  const next =
    raw.length === input.limit && last
      ? { value: input.sort === 'lastLogin' ? Number(last.lastLoginAt) : input.sort === 'email' ? last.email : last.name, id: last.personId }
      : null
  if (input.after) return { rows, next, total: null, counts: null, seats: null }

  if (!input.search && !input.role && !input.teamId) {
    // Trigger-kept: one row read at any size.
    const counts = await accountStatusCounts(q, accountId, now)
    const total = input.status ? counts[input.status] : USER_STATUSES.reduce((sum, s) => sum + counts[s], 0)
    return { rows, next, total, totalCapped: false, counts, countsCapped: false, seats: await seatsOf(counts) }
  }

  // The chips under the role, team and search filters, counted like the total (capped for broad searches).
  const all = search.matches(input, accountId, now, plan, false)
  const grouped = await countByStatus(q, all.from, all.where, now, plan.countLimit)
  let counts = grouped.counts
  const countsCapped = grouped.over
  // Capped counts are lower bounds over the first matches found; none reads more than the cap.
  if (countsCapped) counts = Object.fromEntries(USER_STATUSES.map((s) => [s, Math.min(counts[s], SEARCH_COUNT_CAP)])) as Record<UserStatus, number>

  let total: number
  let totalCapped = false
  if (!countsCapped) {
    total = input.status ? counts[input.status] : USER_STATUSES.reduce((sum, s) => sum + counts[s], 0)
  } else if (!input.status) {
    total = SEARCH_COUNT_CAP
    totalCapped = true
  } else {
    const matching = search.matches(input, accountId, now, plan, true)
    const n = await countRows(q, matching.from, matching.where, plan.countLimit)
    totalCapped = plan.countLimit !== null && n > plan.countLimit
    total = totalCapped ? SEARCH_COUNT_CAP : n
  }
  return { rows, next, total, totalCapped, counts, countsCapped, seats: await seatsOf(counts) }
}

/** The users list (`users:list`), on the store's own people-search plans. */
export function registerUsersList(kernel: Kernel): void {
  const search = kernel.store.dialect === 'postgres' ? postgresSearch : sqliteSearch
  kernel.handle('users:list', (ctx, input) => listUsers(kernel.store.db, search, input, accountOf(ctx), ctx.now))
}
