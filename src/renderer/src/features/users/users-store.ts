import { create } from 'zustand'
import { getBridge } from '../../app/bridge'
import type { InputOf, OutputOf } from '../../../../shared/contract'
import type { SeatUse, UserRow, USER_SORTS, USER_STATUSES } from '../../../../shared/contract/users'
import type { Role } from '../../../../shared/permissions'

export type UserStatus = (typeof USER_STATUSES)[number]
export type UserSort = (typeof USER_SORTS)[number]
export type SortDirection = 'asc' | 'desc'
type Page = OutputOf<'users:list'>

export interface UsersQuery {
  search: string
  status: UserStatus | null
  role: Role | null
  teamId: string | null
  sort: UserSort
  direction: SortDirection
}

const PAGE_SIZE = 100

interface UsersState {
  query: UsersQuery
  rows: UserRow[]
  next: Page['next']
  total: number | null
  /** The core counted a broad search only up to `total`: it is a lower bound ("200+"). */
  totalCapped: boolean
  /** Per-status counts of the current query (role, team and search filters applied, not the status). */
  counts: Page['counts'] | null
  /** The counts are lower bounds over the first matches (a broad search). */
  countsCapped: boolean
  seats: SeatUse | null
  /** Membership ids ticked in the checkbox column (kept across pages, cleared when the query changes). */
  selected: ReadonlySet<string>
  loading: 'first' | 'more' | null
  error: string | null
  /** Bumped per query; a reply for an older one is dropped. */
  generation: number
  /** The query the shown rows answer (changes when a first page lands). */
  shownQuery: string
  setSearch(search: string): void
  setStatus(status: UserStatus | null): void
  setRole(role: Role | null): void
  setTeam(teamId: string | null): void
  toggleSelected(id: string): void
  setSelected(ids: Iterable<string>): void
  setSort(sort: UserSort, direction: SortDirection): void
  clearFilters(): void
  load(): Promise<void>
  loadMore(): Promise<void>
  reset(): void
}

const initialQuery: UsersQuery = { search: '', status: null, role: null, teamId: null, sort: 'name', direction: 'asc' }

function request(query: UsersQuery, after?: Page['next']): InputOf<'users:list'> {
  return {
    search: query.search || undefined,
    status: query.status ?? undefined,
    role: query.role ?? undefined,
    teamId: query.teamId ?? undefined,
    sort: query.sort,
    direction: query.direction,
    after: after ?? undefined,
    limit: PAGE_SIZE
  }
}

/**
 * View state of the Users list. Filtering, sorting and paging all happen in the core (keyset
 * cursors); this store only holds the pages fetched so far for the current query.
 */
export const useUsers = create<UsersState>()((set, get) => {
  // Any filter change clears the selection and reloads from the first page.
  function setFilter<K extends 'search' | 'status' | 'role' | 'teamId'>(key: K, value: UsersQuery[K]): void {
    if (value === get().query[key]) return
    set((s) => ({ query: { ...s.query, [key]: value }, selected: new Set() }))
    void get().load()
  }
  return {
    query: initialQuery,
    rows: [],
    next: null,
    total: null,
    totalCapped: false,
    counts: null,
    countsCapped: false,
    seats: null,
    selected: new Set(),
    loading: null,
    error: null,
    generation: 0,
    shownQuery: '',

    setSearch: (search) => setFilter('search', search),
    setStatus: (status) => setFilter('status', status),
    setRole: (role) => setFilter('role', role),
    setTeam: (teamId) => setFilter('teamId', teamId),
    toggleSelected(id) {
      set((s) => {
        const selected = new Set(s.selected)
        if (selected.has(id)) selected.delete(id)
        else selected.add(id)
        return { selected }
      })
    },
    setSelected(ids) {
      set({ selected: new Set(ids) })
    },
    setSort(sort, direction) {
      const { query } = get()
      if (sort === query.sort && direction === query.direction) return
      set({ query: { ...query, sort, direction } })
      void get().load()
    },
    clearFilters() {
      set((s) => ({ query: { ...s.query, search: '', status: null, role: null, teamId: null }, selected: new Set() }))
      void get().load()
    },

    async load() {
      const generation = get().generation + 1
      const { query } = get()
      set({ generation, loading: 'first', error: null })
      const result = await getBridge().invoke('users:list', request(query))
      if (get().generation !== generation) return
      if (!result.ok) {
        // The totals and chips described the previous query; none is known for this one.
        set({ loading: null, error: result.error.message, total: null, totalCapped: false, counts: null, countsCapped: false })
        return
      }
      const page = result.value
      set({
        rows: page.rows,
        next: page.next,
        total: page.total,
        totalCapped: page.totalCapped ?? false,
        // The chips answer this query: never a previous query's counts.
        counts: page.counts,
        countsCapped: page.countsCapped ?? false,
        seats: page.seats,
        // A reload after a change keeps ticks only on people still listed.
        selected: new Set([...get().selected].filter((id) => page.rows.some((row) => row.id === id))),
        loading: null,
        shownQuery: `${generation}`
      })
    },

    async loadMore() {
      const { next, loading, generation, query, error } = get()
      if (!next || loading || error) return
      set({ loading: 'more' })
      const result = await getBridge().invoke('users:list', request(query, next))
      if (get().generation !== generation) return
      if (!result.ok) {
        set({ loading: null, error: result.error.message })
        return
      }
      const page = result.value
      // Later pages may omit the totals (the core counts once per query); keep the first page's.
      set((s) => ({
        rows: s.rows.concat(page.rows),
        next: page.next,
        total: page.total ?? s.total,
        totalCapped: page.total === null ? s.totalCapped : (page.totalCapped ?? false),
        counts: page.counts ?? s.counts,
        countsCapped: page.counts === null ? s.countsCapped : (page.countsCapped ?? false),
        seats: page.seats ?? s.seats,
        loading: null
      }))
    },

    reset() {
      set((s) => ({
        query: initialQuery,
        rows: [],
        next: null,
        total: null,
        totalCapped: false,
        counts: null,
        countsCapped: false,
        seats: null,
        selected: new Set(),
        loading: null,
        error: null,
        generation: s.generation + 1,
        shownQuery: ''
      }))
    }
  }
})

