import { create } from 'zustand'
import { getBridge } from '../../app/bridge'
import type { AuditEventDto } from '../../../../shared/contract/audit'

const PAGE_SIZE = 100

interface AuditState {
  rows: AuditEventDto[]
  /** `before` for the next (older) page; null at the first event. */
  next: number | null
  loading: 'first' | 'more' | null
  error: string | null
  selected: AuditEventDto | null
  generation: number
  shownQuery: string
  load(): Promise<void>
  loadMore(): Promise<void>
  select(event: AuditEventDto | null): void
  reset(): void
}

/** View state of the audit log: newest first, keyset pages by sequence number, fetched from the core. */
export const useAudit = create<AuditState>()((set, get) => ({
  rows: [],
  next: null,
  loading: null,
  error: null,
  selected: null,
  generation: 0,
  shownQuery: '',

  async load() {
    const generation = get().generation + 1
    set({ generation, loading: 'first', error: null })
    const result = await getBridge().invoke('audit:list', { limit: PAGE_SIZE })
    if (get().generation !== generation) return
    if (!result.ok) {
      set({ loading: null, error: result.error.message })
      return
    }
    set({ rows: result.value.rows, next: result.value.next, loading: null, shownQuery: `${generation}` })
  },

  async loadMore() {
    const { next, loading, generation, error } = get()
    if (next === null || loading || error) return
    set({ loading: 'more' })
    const result = await getBridge().invoke('audit:list', { before: next, limit: PAGE_SIZE })
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
    set((s) => ({ rows: [], next: null, loading: null, error: null, selected: null, generation: s.generation + 1, shownQuery: '' }))
  }
}))
