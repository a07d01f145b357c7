import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { seedDemo } from '../../../src/main/core/demo/seed-demo'
import type { UserRow } from '../../../src/shared/contract/users'
import { call, openTestCore, setupAccount, type TestCore } from '../../support/core'

/**
 * The Users list's view state (renderer/features/users/users-store.ts) over a real core: rows
 * fetched by position land in their places, ranges and "all matching" select what the core lists,
 * and a refresh keeps the list's place. The bridge is the core's dispatch, as the web host's would be.
 */
interface UsersStore {
  getState(): {
    rows: ReadonlyArray<UserRow | undefined>
    mode: 'positions' | 'pages'
    total: number | null
    loadedCount: number
    selected: ReadonlyMap<string, string>
    allMatching: boolean
    notice: { tone: string; text: string } | null
    unchangeable: { owner: string | null; you: string | null }
    shownQuery: string
    next: unknown
    load(): Promise<void>
    refresh(): Promise<void>
    loadMore(): Promise<void>
    showRange(start: number, end: number): void
    setSearch(search: string): void
    setRole(role: string | null): void
    setStatus(status: string | null): void
    setSort(sort: 'name' | 'email' | 'lastLogin', direction: 'asc' | 'desc'): void
    loading: string | null
    toggleSelected(row: UserRow, range?: boolean): Promise<void>
    selectAllMatching(): Promise<void>
    reset(): void
  }
}

const PEOPLE = 600

describe('users list view state over a real core', () => {
  let t: TestCore
  let conn: string
  let useUsers: UsersStore

  /** Every row by cursor, as the core pages them: the order positions must match. */
  const walk = async (input: Record<string, unknown> = {}): Promise<UserRow[]> => {
    const rows: UserRow[] = []
    let after: unknown
    for (;;) {
      const page = await call<{ rows: UserRow[]; next: unknown }>(t.core, conn, 'users:list', { ...input, limit: 100, ...(after ? { after } : {}) })
      rows.push(...page.rows)
      if (!page.next) return rows
      after = page.next
    }
  }
  const until = async (check: () => boolean, what: string): Promise<void> => {
    for (let i = 0; i < 400; i++) {
      if (check()) return
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
    throw new Error(`timed out waiting for ${what}`)
  }
  const state = () => useUsers.getState()

  beforeAll(async () => {
    t = await openTestCore()
    ;({ connectionId: conn } = await setupAccount(t.core, { seats: 1000 }))
    await seedDemo(t.core, { users: PEOPLE, events: 100, seed: 9 })
    const bridge = {
      invoke: (channel: string, input: unknown) => t.core.dispatch(conn, channel, input),
      on: () => () => undefined
    }
    ;(globalThis as { window?: unknown }).window = { gatehouse: bridge }
    const STORE = '../../../src/renderer/src/features/users/users-store'
    ;({ useUsers } = (await import(/* @vite-ignore */ STORE)) as { useUsers: UsersStore })
  })
  afterAll(async () => {
    state().reset()
    delete (globalThis as { window?: unknown }).window
    await t.dispose()
  })

  it('has a place for every row and fills the block the view lands on, in the order the cursor gives', async () => {
    const expected = await walk()
    await state().load()
    expect(state().mode).toBe('positions')
    expect(state().rows.length).toBe(expected.length)
    expect(state().total).toBe(expected.length)
    expect(state().loadedCount).toBe(100)
    // A jump deep into the list (a drag of the scrollbar): fetched by position.
    state().showRange(430, 445)
    await until(() => state().rows[445] !== undefined, 'rows 430–445')
    expect(state().rows.slice(430, 446).map((r) => r!.id)).toEqual(expected.slice(430, 446).map((r) => r.id))
    expect(state().rows[250]).toBeUndefined()
    // End: the last row of the whole result.
    state().showRange(expected.length - 12, expected.length - 1)
    await until(() => state().rows[expected.length - 1] !== undefined, 'the last row')
    expect(state().rows.at(-1)!.id).toBe(expected.at(-1)!.id)
    // Every loaded row is where the cursor walk has it.
    state().rows.forEach((row, i) => {
      if (row) expect(row.id, `row ${i}`).toBe(expected[i]!.id)
    })
  })

  it('reads a block past the middle from the other end, in the exact order, for every sort and direction', async () => {
    for (const [sort, direction] of [['name', 'desc'], ['email', 'asc'], ['email', 'desc'], ['lastLogin', 'desc'], ['lastLogin', 'asc']] as const) {
      const expected = await walk({ sort, direction })
      state().setSort(sort, direction)
      await until(() => state().total !== null && state().loading === null, `${sort} ${direction}`)
      state().showRange(330, 590)
      await until(() => state().rows.slice(290, expected.length).every((r) => r !== undefined), `rows 290– by ${sort} ${direction}`)
      state().rows.forEach((row, i) => {
        if (row) expect(row.id, `${sort} ${direction} row ${i}`).toBe(expected[i]!.id)
      })
    }
    state().setSort('name', 'asc')
  })

  it('ticks a Shift-click range over rows not loaded yet, and unticks it the same way', async () => {
    const expected = await walk()
    await state().load()
    await state().toggleSelected(state().rows[3]!)
    state().showRange(320, 330)
    await until(() => state().rows[330] !== undefined, 'rows 320–330')
    await state().toggleSelected(state().rows[325]!, true)
    expect(new Set(state().selected.keys())).toEqual(new Set(expected.slice(3, 326).map((r) => r.id)))
    // The roles come with the ticks (the bulk confirmation names the Agents).
    for (const row of expected.slice(3, 326)) expect(state().selected.get(row.id)).toBe(row.role)
    await state().toggleSelected(state().rows[300]!, true)
    expect(new Set(state().selected.keys())).toEqual(new Set(expected.slice(3, 300).map((r) => r.id)))
  })

  it('selects every match of a filter or a broad search, names the Owner among them, and keeps it through a refresh', async () => {
    await state().load()
    state().setRole('viewer')
    await until(() => state().total !== null && state().rows.every((r) => r === undefined || r.role === 'viewer'), 'the viewer filter')
    const viewers = (await walk({ role: 'viewer' })).map((r) => r.id)
    await state().selectAllMatching()
    expect(state().allMatching).toBe(true)
    expect(new Set(state().selected.keys())).toEqual(new Set(viewers))
    expect(state().unchangeable).toEqual({ owner: null, you: null })
    // A refresh keeps the ticks (no longer "every match": the matches may have changed).
    await state().refresh()
    expect(state().selected.size).toBe(viewers.length)
    expect(state().allMatching).toBe(false)
    state().setRole(null)
    state().setSearch('a')
    await until(() => state().mode === 'pages' && state().total !== null, 'the search')
    const matches = await walk({ search: 'a' })
    expect(matches.length).toBeGreaterThan(200)
    await state().selectAllMatching()
    expect(state().selected.size).toBe(matches.length)
    const owner = matches.find((r) => r.role === 'owner')
    expect(state().unchangeable).toEqual({ owner: owner?.id ?? null, you: owner?.id ?? null })
    state().setSearch('')
  })

  it('never fills a block into the previous result while a new query loads, and a refresh then loads the new query', async () => {
    const active = (await walk({ status: 'active' })).map((r) => r.id)
    await state().load()
    state().setStatus('active')
    // The view moves while the filtered first page is on its way, and a data event refreshes.
    state().showRange(300, 320)
    const refreshed = state().refresh()
    await refreshed
    await until(() => state().loading === null && state().rows.length === active.length, 'the active list')
    state().showRange(300, 320)
    await until(() => state().rows[320] !== undefined, 'rows 300–320 of the active list')
    state().rows.forEach((row, i) => {
      if (row) expect(row.id, `row ${i}`).toBe(active[i])
    })
    state().setStatus(null)
  })

  it('keeps its place on a refresh: same query, rows where they were, fresh data', async () => {
    await state().load()
    state().showRange(520, 530)
    await until(() => state().rows[530] !== undefined, 'rows 520–530')
    const shown = state().shownQuery
    const target = state().rows.slice(520, 531).find((r) => r?.status === 'active')!
    await call(t.core, conn, 'users:update', { membershipId: target.id, name: `${target.name} Renamed` })
    await state().refresh()
    expect(state().shownQuery).toBe(shown)
    await until(() => state().rows.some((r) => r?.name.endsWith('Renamed')), 'the renamed row')
    expect(state().rows.length).toBe(state().total)
  })

  it('pages a search by cursor, appending as the list scrolls', async () => {
    await state().load()
    state().setSearch('e')
    await until(() => state().mode === 'pages' && state().total !== null, 'the search')
    expect(state().rows.length).toBe(100)
    await state().loadMore()
    expect(state().rows.length).toBe(200)
    const expected = (await walk({ search: 'e' })).slice(0, 200).map((r) => r.id)
    expect(state().rows.map((r) => r!.id)).toEqual(expected)
    state().setSearch('')
  })
})
