import { useEffect, useRef, useState, type CSSProperties, type JSX, type KeyboardEvent, type ReactNode } from 'react'
import { useVirtualizer } from '@tanstack/react-virtual'
import { rowSortingFeature, tableFeatures, type ReactTable, type RowData } from '@tanstack/react-table'
import { SortIcon } from './icons'
import { formatCount } from './format'
import { useT } from '../i18n/i18n'
import './data-table.css'

/**
 * Every list in the console shares these features. Sorting state lives in the table so headers
 * can toggle it, but `manualSorting` is always on: the core sorts, the renderer never does.
 */
export const dataTableFeatures = tableFeatures({ rowSortingFeature })
export type DataTableFeatures = typeof dataTableFeatures

interface DataTableProps<TData extends RowData, TSelected> {
  table: ReactTable<DataTableFeatures, TData, TSelected>
  label: string
  /** CSS grid tracks, one per column, shared by the header and every row. */
  columns: string
  rowHeight: number
  /** All rows matching the query on the server (for aria-rowcount), when known. */
  totalRows?: number
  /**
   * Rows the list has places for (default: the table's rows). More than the table holds when the
   * list knows its whole result but holds only some of it: the table then holds the rows near the
   * viewport, `indexOf` gives each its place, and a place without a row shows as loading.
   */
  rowCount?: number
  indexOf?(row: TData): number
  /** The rows in view changed (first and last index). */
  onRangeChange?(start: number, end: number): void
  hasMore: boolean
  loading: boolean
  /** The shown rows answer an older query while a new one loads: dim them. */
  stale?: boolean
  onEndReached(): void
  onRowActivate?(row: TData): void
  selectedRowId?: string | null
  /** Changes whenever the query changes: scroll and keyboard focus go back to the top. */
  resetKey: string
  empty: ReactNode
}

/** Rows left below the viewport when the next page is requested. */
const PREFETCH_ROWS = 30
/** Matches .dt-header-row in data-table.css. */
const HEADER_HEIGHT = 34

/** The controls of the header row (sort buttons, a select-all checkbox), in reading order. */
function headerControls(head: HTMLElement | null): HTMLElement[] {
  return head ? [...head.querySelectorAll<HTMLElement>('button, input')] : []
}

/**
 * A virtualized, keyboard-navigable grid over a TanStack table. Only the rows in view (plus a
 * small overscan) are in the DOM, so 100,000 rows cost the same as 100.
 *
 * The grid is one tab stop (a roving tabindex on the rows; every control inside has tabIndex -1):
 * Up/Down move between rows, Page Up/Down by a screenful, Home/End to the first/last row (of the whole result when the list has a place for every row),
 * Enter opens the row, Space ticks the row's checkbox (or opens it when it has none). Up from the
 * first row reaches the header's controls (Left/Right between them, Down back to the rows).
 */
export function DataTable<TData extends RowData, TSelected>(props: DataTableProps<TData, TSelected>): JSX.Element {
  const { table, label, columns, rowHeight, totalRows, indexOf, onRangeChange, hasMore, loading, stale, onEndReached, onRowActivate, selectedRowId, resetKey, empty } =
    props
  const t = useT()
  const rows = table.getRowModel().rows
  const count = props.rowCount ?? rows.length
  // Each table row at its place in the list (rows near the viewport only, when indexOf is given).
  const rowAt = indexOf ? new Map(rows.map((row) => [indexOf(row.original), row])) : null
  const at = (index: number) => (rowAt ? rowAt.get(index) : rows[index])
  const scrollRef = useRef<HTMLDivElement>(null)
  const headRef = useRef<HTMLDivElement>(null)
  const focusPending = useRef<number | null>(null)
  const [activeIndex, setActiveIndex] = useState(0)
  const [seenResetKey, setSeenResetKey] = useState(resetKey)
  if (seenResetKey !== resetKey) {
    setSeenResetKey(resetKey)
    setActiveIndex(0)
  }

  // The build does not use React Compiler, so its memoization warning about Virtual does not apply.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    // By place: a row arriving in a loading place keeps its element (and its focus).
    getItemKey: (index) => index,
    overscan: 12,
    // The header sticks to the top of the same scroller: rows start below it and must not hide under it.
    scrollMargin: HEADER_HEIGHT,
    scrollPaddingStart: HEADER_HEIGHT
  })
  const items = virtualizer.getVirtualItems()
  const lastVisible = items.at(-1)?.index ?? -1
  // The rows in view, overscan not included (the footer names them; the list fetches around them).
  const viewStart = virtualizer.range?.startIndex ?? -1
  const viewEnd = virtualizer.range?.endIndex ?? -1

  useEffect(() => {
    if (onRangeChange && viewEnd >= 0) onRangeChange(viewStart, viewEnd)
  }, [onRangeChange, viewStart, viewEnd])

  useEffect(() => {
    if (scrollRef.current) scrollRef.current.scrollTop = 0
  }, [resetKey])

  useEffect(() => {
    if (hasMore && !loading && count > 0 && lastVisible >= count - PREFETCH_ROWS) onEndReached()
  }, [hasMore, loading, count, lastVisible, onEndReached])

  // Focus follows the keyboard only once the target row has been rendered by the virtualizer.
  useEffect(() => {
    const target = focusPending.current
    if (target === null) return
    const element = scrollRef.current?.querySelector<HTMLElement>(`[data-index="${target}"]`)
    if (element) {
      element.focus({ preventScroll: true })
      focusPending.current = null
    }
  })

  function moveTo(index: number): void {
    if (count === 0) return
    const next = Math.max(0, Math.min(count - 1, index))
    setActiveIndex(next)
    virtualizer.scrollToIndex(next, { align: 'auto' })
    // A rendered row takes focus now (also when it is already the active one: no re-render follows);
    // one outside the rendered window once the virtualizer has rendered it.
    const element = scrollRef.current?.querySelector<HTMLElement>(`[data-index="${next}"]`)
    if (element) element.focus({ preventScroll: true })
    else focusPending.current = next
  }

  function onRowKeyDown(event: KeyboardEvent<HTMLDivElement>, index: number, data: TData | undefined): void {
    if (event.altKey || event.ctrlKey || event.metaKey) return
    // A place whose row is on its way: Space must not scroll the list.
    if (data === undefined && (event.key === ' ' || event.key === 'Enter')) {
      event.preventDefault()
      return
    }
    if (event.key === 'ArrowUp' && index === 0) {
      const first = headerControls(headRef.current)[0]
      if (first) {
        event.preventDefault()
        first.focus()
        return
      }
    }
    const page = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? rowHeight * 10) / rowHeight) - 1)
    const moves: Record<string, number> = {
      ArrowDown: index + 1,
      ArrowUp: index - 1,
      PageDown: index + page,
      PageUp: index - page,
      Home: 0,
      End: count - 1
    }
    const target = moves[event.key]
    if (target !== undefined) {
      event.preventDefault()
      moveTo(target)
      return
    }
    // Enter and Space belong to a focused control inside the row (its checkbox); on the row itself they act on the row.
    if (event.target !== event.currentTarget) return
    const checkbox = event.key === ' ' ? event.currentTarget.querySelector<HTMLInputElement>('input[type="checkbox"]') : null
    if (checkbox) {
      event.preventDefault()
      // Shift+Space ticks a range, as a Shift-click does (the click carries the modifier).
      checkbox.dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true, shiftKey: event.shiftKey }))
    } else if ((event.key === 'Enter' || event.key === ' ') && onRowActivate && data !== undefined) {
      event.preventDefault()
      onRowActivate(data)
    }
  }

  function onHeaderKeyDown(event: KeyboardEvent<HTMLDivElement>): void {
    const controls = headerControls(headRef.current)
    const at = controls.indexOf(event.target as HTMLElement)
    if (at < 0) return
    if (event.key === 'ArrowLeft' || event.key === 'ArrowRight') {
      event.preventDefault()
      controls[Math.max(0, Math.min(controls.length - 1, at + (event.key === 'ArrowLeft' ? -1 : 1)))]?.focus()
    } else if (event.key === 'ArrowDown' && count > 0) {
      event.preventDefault()
      moveTo(activeIndex)
    }
  }

  // The roving tab stop must be a rendered row, or Tab would skip the grid entirely.
  const tabStop = items.some((item) => item.index === activeIndex) ? activeIndex : (items[0]?.index ?? -1)
  const style = { '--dt-columns': columns, '--dt-row-height': `${rowHeight}px`, '--dt-header-height': `${HEADER_HEIGHT}px` } as CSSProperties

  return (
    <div
      className={`data-table${stale ? ' dt-stale' : ''}`}
      role="grid"
      aria-label={label}
      aria-readonly="true"
      aria-rowcount={totalRows === undefined ? -1 : totalRows + 1}
      aria-busy={loading || undefined}
      style={style}
    >
      <div className="dt-scroll" ref={scrollRef}>
        <div className="dt-head" role="rowgroup" ref={headRef}>
          {table.getHeaderGroups().map((group) => (
            <div key={group.id} className="dt-row dt-header-row" role="row" aria-rowindex={1} onKeyDown={onHeaderKeyDown}>
              {group.headers.map((header) => {
                const sorted = header.column.getIsSorted()
                const ariaSort = sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : undefined
                return (
                  <div key={header.id} className="dt-cell dt-header-cell" role="columnheader" aria-sort={ariaSort}>
                    {header.isPlaceholder ? null : header.column.getCanSort() ? (
                      <button
                        type="button"
                        className={`dt-sort${sorted ? ' dt-sorted' : ''}`}
                        tabIndex={-1}
                        onClick={header.column.getToggleSortingHandler()}
                      >
                        <span className="truncate">
                          <table.FlexRender header={header} />
                        </span>
                        <SortIcon direction={sorted} />
                      </button>
                    ) : (
                      <span className="truncate">
                        <table.FlexRender header={header} />
                      </span>
                    )}
                  </div>
                )
              })}
            </div>
          ))}
        </div>
        {count === 0 && !loading ? (
          // Inside a grid only rows may hold content: the empty state is one row with one cell across every column.
          <div className="dt-empty-body" role="rowgroup">
            <div className="dt-empty-row" role="row">
              <div className="dt-empty" role="gridcell" aria-colspan={table.getAllLeafColumns().length}>
                {empty}
              </div>
            </div>
          </div>
        ) : (
          <div className="dt-body" role="rowgroup" style={{ height: virtualizer.getTotalSize() }}>
            {items.map((item) => {
              const row = at(item.index)
              const selected = row && selectedRowId !== undefined ? selectedRowId === row.id : undefined
              return (
                <div
                  key={item.key}
                  className={`dt-row dt-body-row${row ? '' : ' dt-placeholder-row'}`}
                  role="row"
                  data-index={item.index}
                  aria-rowindex={item.index + 2}
                  aria-selected={selected}
                  aria-busy={row ? undefined : true}
                  tabIndex={item.index === tabStop ? 0 : -1}
                  style={{ transform: `translateY(${item.start - HEADER_HEIGHT}px)` }}
                  onFocus={() => {
                    if (activeIndex !== item.index) setActiveIndex(item.index)
                  }}
                  onClick={onRowActivate && row ? () => onRowActivate(row.original) : undefined}
                  onKeyDown={(event) => onRowKeyDown(event, item.index, row?.original)}
                >
                  {row ? (
                    row.getAllCells().map((cell) => (
                      <div key={cell.id} className="dt-cell" role="gridcell">
                        <table.FlexRender cell={cell} />
                      </div>
                    ))
                  ) : (
                    // A place whose row is on its way: one cell across the row.
                    <div className="dt-cell dt-placeholder" role="gridcell" aria-colspan={table.getAllLeafColumns().length}>
                      <span className="visually-hidden">{t('table.loadingRow', { row: formatCount(item.index + 1) })}</span>
                      <span className="dt-placeholder-bar" aria-hidden="true" />
                    </div>
                  )}
                </div>
              )
            })}
          </div>
        )}
      </div>
    </div>
  )
}
