import { create } from 'zustand'
import { getBridge } from '../../app/bridge'
import { formatCount } from '../../components/format'
import { t } from '../../i18n/i18n'
import type { InputOf, OutputOf } from '../../../../shared/contract'
import type { SeatUse, UserRow, USER_SORTS, USER_STATUSES } from '../../../../shared/contract/users'
import type { Role } from '../../../../shared/permissions'

export type UserStatus = (typeof USER_STATUSES)[number]
export type UserSort = (typeof USER_SORTS)[number]
export type SortDirection = 'asc' | 'desc'
type Page = OutputOf<'users:list'>
type Cursor = NonNullable<Page['next']>

export interface UsersQuery {
  search: string
  status: UserStatus | null
  role: Role | null
  teamId: string | null
  sort: UserSort
  direction: SortDirection
}

export const PAGE_SIZE = 100
/** Blocks asked for at once while the viewport moves (a drag of the scrollbar lands on a few). */
const MAX_IN_FLIGHT = 3
/** Rows above and below the viewport fetched ahead, so a slow scroll never shows a loading row. */
const PREFETCH_ROWS = 40
/** A reload that keeps its place in a search reads at most this many pages again. */
const REFRESH_PAGES = 10
/** A Shift-click range takes at most this many rows (beyond: "Select all N matching", or a filter). */
export const MAX_RANGE = 5_000

/**
 * How the rows arrive. `positions` (no search: the total is exact): the list has a slot for every
 * row of the result, and the block of 100 the viewport lands on is fetched by its position (or by
 * cursor after the block before it), so End, the scrollbar or a jump reach row 20,001 at once.
 * `pages` (a search: counted only up to "200+"): page after page by cursor as the list scrolls.
 */
export type ListMode = 'positions' | 'pages'

interface UsersState {
  query: UsersQuery
  mode: ListMode
  /** One slot per row in list order; undefined until its block has arrived (positions mode). */
  rows: ReadonlyArray<UserRow | undefined>
  /** Slots filled. */
  loadedCount: number
  /** pages mode: the cursor of the next page (null: every match is in). */
  next: Page['next']
  total: number | null
  /** The core counted a broad search only up to `total`: it is a lower bound ("200+"). */
  totalCapped: boolean
  /** Per-status counts of the current query (role, team and search filters applied, not the status). */
  counts: Page['counts'] | null
  /** The counts are lower bounds over the first matches (a broad search). */
  countsCapped: boolean
  seats: SeatUse | null
  /** Ticked people (membership id → role), kept across pages and scrolling, cleared when the query changes. */
  selected: ReadonlyMap<string, Role>
  /** The row last ticked or unticked: the start of a Shift-click range. */
  anchor: string | null
  /** "All N matching" ticked by "Select all": the selection is every match, not only rows seen. */
  allMatching: boolean
  /** With allMatching: the Owner's and the caller's memberships among the matches (a role change or a deactivation leaves them out). */
  unchangeable: { owner: string | null; you: string | null }
  /** The rows in view (first, last), for the footer. */
  visible: readonly [number, number]
  /** What the last bulk change did, kept after its bar closes until dismissed or the next change. */
  notice: { tone: 'success' | 'error'; text: string } | null
  loading: 'first' | 'more' | null
  /** A block fetched by position is on its way. */
  fetchingBlocks: boolean
  error: string | null
  /** Bumped per query; a reply for an older one is dropped. */
  generation: number
  /** The query the shown rows answer (changes when a first page lands; a refresh keeps it). */
  shownQuery: string
  setSearch(search: string): void
  setStatus(status: UserStatus | null): void
  setRole(role: Role | null): void
  setTeam(teamId: string | null): void
  /** Tick or untick one row; with `range`, every row from the anchor to this one takes its new state. */
  toggleSelected(row: UserRow, range?: boolean): Promise<void>
  setSelected(rows: Iterable<Pick<UserRow, 'id' | 'role'>>): void
  /** Every match of the query (the core lists their ids), minus the Owner and the caller. */
  selectAllMatching(): Promise<void>
  setSort(sort: UserSort, direction: SortDirection): void
  clearFilters(): void
  setNotice(notice: UsersState['notice']): void
  /** A new query: the first page, scrolled to the top. */
  load(): Promise<void>
  /** The same query again after a change (a bulk action, another window's edit): the list keeps its place. */
  refresh(): Promise<void>
  /** pages mode: the next page by cursor. */
  loadMore(): Promise<void>
  /** positions mode: the viewport shows rows [start, end]; fetch the blocks they fall in. */
  showRange(start: number, end: number): void
  reset(): void
}

const initialQuery: UsersQuery = { search: '', status: null, role: null, teamId: null, sort: 'name', direction: 'asc' }

const NOBODY = { owner: null, you: null }

type ListData = Omit<UsersState, { [K in keyof UsersState]: UsersState[K] extends (...args: never[]) => unknown ? K : never }[keyof UsersState] | 'generation'>

/** The list before its first page (at start, and when the screen leaves): the initial query, nothing loaded or ticked. */
function emptyList(): ListData {
  return {
    query: initialQuery,
    mode: 'positions',
    rows: [],
    loadedCount: 0,
    next: null,
    total: null,
    totalCapped: false,
    counts: null,
    countsCapped: false,
    seats: null,
    selected: new Map(),
    anchor: null,
    allMatching: false,
    unchangeable: NOBODY,
    visible: [0, 0],
    notice: null,
    loading: null,
    fetchingBlocks: false,
    error: null,
    shownQuery: ''
  }
}

function request(query: UsersQuery, at?: { after: Cursor } | { offset: number }): InputOf<'users:list'> {
  return {
    search: query.search || undefined,
    status: query.status ?? undefined,
    role: query.role ?? undefined,
    teamId: query.teamId ?? undefined,
    sort: query.sort,
    direction: query.direction,
    ...at,
    limit: PAGE_SIZE
  }
}

/** The keyset cursor after a row, as the core builds it (sort value, person id). */
function cursorAfter(row: UserRow, sort: UserSort): Cursor {
  return { value: sort === 'lastLogin' ? (row.lastLoginAt ?? 0) : sort === 'email' ? row.email : row.name, id: row.personId }
}

function filled(rows: ReadonlyArray<UserRow | undefined>): number {
  let n = 0
  for (const row of rows) if (row) n += 1
  return n
}

/** The first page's figures, as the state keeps them. */
function figures(page: Page): Pick<UsersState, 'total' | 'totalCapped' | 'counts' | 'countsCapped' | 'seats'> {
  return { total: page.total, totalCapped: page.totalCapped ?? false, counts: page.counts, countsCapped: page.countsCapped ?? false, seats: page.seats }
}

/**
 * View state of the Users list. Filtering, sorting and paging all happen in the core (keyset
 * cursors, or a position without a search); this store holds the rows fetched so far for the
 * current query, in their places.
 */
export const useUsers = create<UsersState>()((set, get) => {
  /** positions mode: blocks asked for or in, per block index, for the current generation. */
  let blocks = new Map<number, 'loading' | 'loaded'>()
  let inFlight = 0
  /** A new query's first page is on its way: a refresh meanwhile must not keep the previous query's rows. */
  let newQueryPending = false
  /** The last range the viewport asked for: fetched as blocks come back. */
  let wanted: [number, number] = [0, 0]

  // Any filter change clears the selection and reloads from the first page.
  function setFilter<K extends 'search' | 'status' | 'role' | 'teamId'>(key: K, value: UsersQuery[K]): void {
    if (value === get().query[key]) return
    set((s) => ({ query: { ...s.query, [key]: value }, selected: new Map(), anchor: null, allMatching: false, unchangeable: NOBODY }))
    void get().load()
  }

  /** One block by position: by cursor after the block before it when that one is in (a cursor seeks; a position skips). */
  async function fetchBlock(block: number, generation: number): Promise<void> {
    blocks.set(block, 'loading')
    inFlight += 1
    set({ fetchingBlocks: true })
    const { query, rows } = get()
    const start = block * PAGE_SIZE
    const count = rows.length
    const before = start > 0 && blocks.get(block - 1) === 'loaded' ? rows[start - 1] : undefined
    // A position skips rows one by one: past the middle the block is read from the other end, the
    // sort reversed (the order is total, ties broken by person id, so it reverses exactly). End
    // is then as quick as Home at any size.
    const fromEnd = !before && start > count / 2
    const size = Math.min(PAGE_SIZE, count - start)
    const input = before
      ? request(query, { after: cursorAfter(before, query.sort) })
      : fromEnd
        ? { ...request({ ...query, direction: query.direction === 'asc' ? 'desc' : 'asc' }, { offset: count - start - size }), limit: size }
        : request(query, { offset: start })
    const result = await getBridge().invoke('users:list', input)
    // A reply for an older query counts nowhere (a new query starts its own count).
    if (get().generation !== generation) return
    inFlight -= 1
    if (!result.ok) {
      blocks.delete(block)
      set({ error: result.error.message, fetchingBlocks: inFlight > 0 })
      return
    }
    blocks.set(block, 'loaded')
    const arrived = fromEnd ? [...result.value.rows].reverse() : result.value.rows
    const next = get().rows.slice()
    arrived.forEach((row, i) => {
      if (start + i < next.length) next[start + i] = row
    })
    set({ rows: next, loadedCount: filled(next), fetchingBlocks: inFlight > 0 })
    fetchWanted(generation)
  }

  /** Ask for the blocks of the wanted range not yet asked for, nearest the viewport first. */
  function fetchWanted(generation: number): void {
    const { mode, rows, error, loading } = get()
    // While a first page is on its way, rows and mode still describe the previous result: it asks again when it lands.
    if (mode !== 'positions' || error || loading === 'first' || rows.length === 0) return
    const [start, end] = wanted
    const first = Math.floor(Math.max(0, start) / PAGE_SIZE)
    const last = Math.floor(Math.min(rows.length - 1, end) / PAGE_SIZE)
    for (let block = first; block <= last && inFlight < MAX_IN_FLIGHT; block++) {
      if (!blocks.has(block)) void fetchBlock(block, generation)
    }
  }

  /** Rows [from, to] all in (positions mode fetches the missing blocks first); null if the query changed meanwhile or a block could not be read. */
  async function rowsBetween(from: number, to: number): Promise<UserRow[] | null> {
    const generation = get().generation
    if (get().loading === 'first') return null
    if (get().mode === 'positions') {
      const missing: number[] = []
      for (let block = Math.floor(from / PAGE_SIZE); block <= Math.floor(to / PAGE_SIZE); block++) if (blocks.get(block) !== 'loaded') missing.push(block)
      for (const block of missing) {
        if (get().generation !== generation) return null
        await fetchBlock(block, generation)
        if (blocks.get(block) !== 'loaded') return null
      }
    }
    if (get().generation !== generation) return null
    return get()
      .rows.slice(from, to + 1)
      .filter((row): row is UserRow => row !== undefined)
  }

  /** The first page of the current query; `keepPlace`: the same query again, rows kept where they are until replaced. */
  async function firstPage(keepPlace: boolean): Promise<void> {
    // A refresh while a new query loads is that new query's load (the rows on screen are the old query's).
    if (keepPlace && newQueryPending) keepPlace = false
    newQueryPending = !keepPlace
    const generation = get().generation + 1
    const { query, mode: previousMode, rows: previousRows, loadedCount: previousLoaded } = get()
    const mode: ListMode = query.search ? 'pages' : 'positions'
    blocks = new Map()
    inFlight = 0
    // A new query starts at the top (the list scrolls there when its first page lands).
    if (!keepPlace) wanted = [0, PAGE_SIZE - 1]
    set({ generation, loading: 'first', error: null, fetchingBlocks: false })
    const result = await getBridge().invoke('users:list', request(query))
    if (get().generation !== generation) return
    newQueryPending = false
    if (!result.ok) {
      // The totals and chips described the previous query; none is known for this one.
      set({ loading: null, error: result.error.message, total: null, totalCapped: false, counts: null, countsCapped: false })
      return
    }
    const page = result.value
    if (mode === 'positions') {
      const count = page.total ?? page.rows.length
      // Kept rows stay in view (stale until their block is fetched again); the rest are empty slots.
      const rows: Array<UserRow | undefined> = keepPlace && previousMode === 'positions' ? previousRows.slice(0, count) : []
      rows.length = count
      page.rows.forEach((row, i) => (rows[i] = row))
      blocks.set(0, 'loaded')
      set({
        mode,
        rows,
        loadedCount: filled(rows),
        next: null,
        ...figures(page),
        loading: null,
        ...(keepPlace ? {} : { shownQuery: `${generation}` })
      })
      fetchWanted(generation)
      return
    }
    let rows = page.rows
    let next = page.next
    // A refresh in a search reads again the pages that were in (up to REFRESH_PAGES), so the list keeps its place.
    for (let pages = 1; keepPlace && next && rows.length < previousLoaded && pages < REFRESH_PAGES; pages++) {
      const more = await getBridge().invoke('users:list', request(query, { after: next }))
      if (get().generation !== generation) return
      if (!more.ok) break
      rows = rows.concat(more.value.rows)
      next = more.value.next
    }
    set({ mode, rows, loadedCount: rows.length, next, ...figures(page), loading: null, ...(keepPlace ? {} : { shownQuery: `${generation}` }) })
  }

  return {
    ...emptyList(),
    generation: 0,

    setSearch: (search) => setFilter('search', search),
    setStatus: (status) => setFilter('status', status),
    setRole: (role) => setFilter('role', role),
    setTeam: (teamId) => setFilter('teamId', teamId),

    async toggleSelected(row, range = false) {
      const { selected, anchor, rows } = get()
      const checked = !selected.has(row.id)
      const from = range && anchor ? rows.findIndex((r) => r?.id === anchor) : -1
      const to = from >= 0 ? rows.findIndex((r) => r?.id === row.id) : -1
      if (from >= 0 && to >= 0 && Math.abs(to - from) + 1 > MAX_RANGE) {
        set({ notice: { tone: 'error', text: t('usersStore.rangeTooLong', { max: formatCount(MAX_RANGE) }) } })
        return
      }
      const span = from >= 0 && to >= 0 ? await rowsBetween(Math.min(from, to), Math.max(from, to)) : [row]
      if (!span) {
        if (range && get().error) set({ notice: { tone: 'error', text: t('usersStore.rangeFailed') } })
        return
      }
      set((s) => {
        const next = new Map(s.selected)
        for (const r of span) {
          if (checked) next.set(r.id, r.role)
          else next.delete(r.id)
        }
        return { selected: next, anchor: row.id, allMatching: false, unchangeable: NOBODY }
      })
    },
    setSelected(rows) {
      set({ selected: new Map([...rows].map((row) => [row.id, row.role])), anchor: null, allMatching: false, unchangeable: NOBODY })
    },
    async selectAllMatching() {
      const { query } = get()
      const result = await getBridge().invoke('users:list-ids', {
        search: query.search || undefined,
        status: query.status ?? undefined,
        role: query.role ?? undefined,
        teamId: query.teamId ?? undefined
      })
      // The same query still (a refresh in between changes nothing here; a new filter does).
      if (get().query !== query) return
      if (!result.ok) {
        set({ notice: { tone: 'error', text: t('usersStore.selectAllFailed', { error: result.error.message }) } })
        return
      }
      const { members, owner, you } = result.value
      set({ selected: new Map(members.map((m) => [m.id, m.role])), anchor: null, allMatching: true, unchangeable: { owner, you }, notice: null })
    },
    setSort(sort, direction) {
      const { query } = get()
      if (sort === query.sort && direction === query.direction) return
      set({ query: { ...query, sort, direction } })
      void get().load()
    },
    clearFilters() {
      set((s) => ({ query: { ...s.query, search: '', status: null, role: null, teamId: null }, selected: new Map(), anchor: null, allMatching: false, unchangeable: NOBODY }))
      void get().load()
    },
    setNotice(notice) {
      set({ notice })
    },

    load: () => firstPage(false),
    refresh: () => {
      // The matches may have changed: the ticks stay, but they are no longer "every match".
      set({ allMatching: false, unchangeable: NOBODY })
      return firstPage(true)
    },

    async loadMore() {
      const { mode, next, loading, generation, query, error } = get()
      if (mode !== 'pages' || !next || loading || error) return
      set({ loading: 'more' })
      const result = await getBridge().invoke('users:list', request(query, { after: next }))
      if (get().generation !== generation) return
      if (!result.ok) {
        set({ loading: null, error: result.error.message })
        return
      }
      const page = result.value
      set((s) => {
        const rows = (s.rows as UserRow[]).concat(page.rows)
        return { rows, loadedCount: rows.length, next: page.next, loading: null }
      })
    },

    showRange(start, end) {
      const [shownStart, shownEnd] = get().visible
      if (shownStart !== start || shownEnd !== end) set({ visible: [start, end] })
      wanted = [Math.max(0, start - PREFETCH_ROWS), end + PREFETCH_ROWS]
      fetchWanted(get().generation)
    },

    reset() {
      blocks = new Map()
      inFlight = 0
      set((s) => ({ ...emptyList(), generation: s.generation + 1 }))
    }
  }
})
