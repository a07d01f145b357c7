import { create } from 'zustand'
import { getBridge } from '../../app/bridge'
import type { AuditCursor, AuditEventDto, AuditFilterDto } from '../../../../shared/contract/audit'
import { chartBounds, queryFilter, type AuditView } from './audit-view'

const PAGE_SIZE = 100

export interface AuditSeries {
  bounds: number[]
  counts: number[]
  unit: 'hour' | 'day' | 'week'
}

interface AuditState {
  /** The filter the rows below answer (resolved at `load`: a preset period is fixed at that moment). */
  filter: AuditFilterDto
  rows: AuditEventDto[]
  /** The last row's position for the next (older) page; null at the end. */
  next: AuditCursor | null
  loading: 'first' | 'more' | null
  error: string | null
  total: { count: number; exact: boolean } | null
  series: AuditSeries | null
  seriesError: string | null
  selected: AuditEventDto | null
  generation: number
  /**
   * The view the rows answer: when it changes the list scrolls back to the top; a refresh of the
   * same view (a data push) keeps the place, and the rows' elements.
   */
  shownQuery: string
  load(view: AuditView): Promise<void>
  loadMore(): Promise<void>
  select(event: AuditEventDto | null): void
  reset(): void
}

/** What the screen holds before its first answer (and after it closes). */
const EMPTY = {
  filter: {},
  rows: [],
  next: null,
  loading: null,
  error: null,
  total: null,
  series: null,
  seriesError: null,
  selected: null,
  shownQuery: ''
} satisfies Partial<AuditState>

/**
 * View state of the audit log: the first page, its total and the chart's series are asked for
 * together when the view changes (a late answer to an older view is dropped), then keyset pages.
 */
export const useAudit = create<AuditState>()((set, get) => ({
  ...EMPTY,
  generation: 0,

  async load(view) {
    const generation = get().generation + 1
    const now = Date.now()
    const filter = queryFilter(view, now)
    const { bounds, unit } = chartBounds(view, now)
    set({ generation, filter, loading: 'first', error: null, total: null })
    const bridge = getBridge()
    const chartFilter: AuditFilterDto = { ...filter }
    delete chartFilter.from
    delete chartFilter.to
    const [page, total, series] = await Promise.all([
      bridge.invoke('audit:list', { filter, limit: PAGE_SIZE }),
      bridge.invoke('audit:count', { filter }),
      bridge.invoke('audit:series', { filter: chartFilter, bounds })
    ])
    if (get().generation !== generation) return
    if (series.ok) set({ series: { bounds, counts: series.value.counts, unit }, seriesError: null })
    else set({ series: null, seriesError: series.error.message })
    if (!page.ok) {
      set({ loading: null, error: page.error.message, rows: [], next: null })
      return
    }
    const selected = get().selected
    set({
      rows: page.value.rows,
      next: page.value.next,
      loading: null,
      total: total.ok ? total.value : null,
      shownQuery: JSON.stringify(view),
      // The open event stays open while it is still in the list.
      selected: selected && page.value.rows.some((r) => r.seq === selected.seq) ? selected : null
    })
  },

  async loadMore() {
    const { next, loading, generation, error, filter } = get()
    if (next === null || loading || error) return
    set({ loading: 'more' })
    const result = await getBridge().invoke('audit:list', { filter, after: next, limit: PAGE_SIZE })
    if (get().generation !== generation) return
    if (!result.ok) {
      set({ loading: null, error: result.error.message })
      return
    }
    set((s) => ({ rows: s.rows.concat(result.value.rows), next: result.value.next, loading: null }))
  },

  select(event) {
    set({ selected: event })
  },

  reset() {
    set((s) => ({ ...EMPTY, generation: s.generation + 1 }))
  }
}))
