import { useEffect, useMemo, useState, type JSX } from 'react'
import { useTable, type SortingState, type Updater } from '@tanstack/react-table'
import { useShallow } from 'zustand/react/shallow'
import { DataTable, dataTableFeatures } from '../../components/data-table'
import { Banner } from '../../components/banner'
import { EmptyState } from '../../components/empty-state'
import { SearchIcon } from '../../components/icons'
import { Spinner } from '../../components/spinner'
import { formatCount, plural } from '../../components/format'
import { useDataChanged } from '../../app/data-events'
import { USER_STATUSES } from '../../../../shared/contract/users'
import { STATUS_LABELS, USER_GRID, userColumns } from './users-columns'
import { useUsers, type UserSort, type UserStatus } from './users-store'
import './users.css'

const SEARCH_DEBOUNCE_MS = 200

const EMPTY_NOUNS: Record<UserStatus, string> = {
  active: 'active users',
  invited: 'invited users',
  expired: 'expired invitations',
  deactivated: 'deactivated users'
}

export function UsersScreen(): JSX.Element {
  const { query, rows, next, total, counts, loading, error, shownQuery } = useUsers(
    useShallow((s) => ({
      query: s.query,
      rows: s.rows,
      next: s.next,
      total: s.total,
      counts: s.counts,
      loading: s.loading,
      error: s.error,
      shownQuery: s.shownQuery
    }))
  )
  const { setSearch, setStatus, setSort, clearFilters, load, loadMore } = useUsers.getState()

  useEffect(() => {
    void useUsers.getState().load()
    return () => useUsers.getState().reset()
  }, [])
  useDataChanged('users', () => void load())

  const sorting = useMemo<SortingState>(() => [{ id: query.sort, desc: query.direction === 'desc' }], [query.sort, query.direction])
  const table = useTable(
    {
      features: dataTableFeatures,
      columns: userColumns,
      data: rows,
      getRowId: (row) => row.id,
      manualSorting: true,
      enableMultiSort: false,
      enableSortingRemoval: false,
      state: { sorting },
      onSortingChange: (updater: Updater<SortingState>) => {
        const nextSorting = typeof updater === 'function' ? updater(sorting) : updater
        const first = nextSorting[0]
        if (first) setSort(first.id as UserSort, first.desc ? 'desc' : 'asc')
      }
    },
    (state) => ({ sorting: state.sorting })
  )

  const allCount = counts ? USER_STATUSES.reduce((sum, status) => sum + counts[status], 0) : null

  return (
    <section className="screen" aria-labelledby="users-title">
      <header className="screen-header">
        <div className="screen-heading">
          <h1 id="users-title">Users</h1>
          <p className="screen-count" aria-live="polite">
            {total === null ? '\u00a0' : plural(total, 'user', 'users')}
          </p>
        </div>
      </header>
      <div className="toolbar">
        <SearchBox value={query.search} onSearch={setSearch} />
        <div className="chips" role="group" aria-label="Filter by status">
          <StatusChip label="All" count={allCount} pressed={query.status === null} onClick={() => setStatus(null)} />
          {USER_STATUSES.map((status) => (
            <StatusChip
              key={status}
              label={STATUS_LABELS[status]}
              count={counts ? counts[status] : null}
              pressed={query.status === status}
              onClick={() => setStatus(status)}
            />
          ))}
        </div>
      </div>
      {error ? (
        <Banner
          tone="error"
          action={
            <button type="button" className="button button-sm" onClick={() => void load()}>
              Retry
            </button>
          }
        >
          Could not load users: {error}
        </Banner>
      ) : null}
      <DataTable
        table={table}
        label="Users"
        columns={USER_GRID}
        rowHeight={44}
        totalRows={total ?? undefined}
        hasMore={next !== null}
        loading={loading !== null}
        stale={loading === 'first' && rows.length > 0}
        onEndReached={loadMore}
        resetKey={shownQuery}
        empty={<UsersEmpty search={query.search} status={query.status} onClear={clearFilters} failed={error !== null} />}
      />
      <footer className="screen-footer" aria-live="polite">
        {loading === 'first' && rows.length === 0 ? <Spinner label="Loading users…" /> : null}
        {rows.length > 0 && total !== null ? (
          <span>
            Showing {formatCount(rows.length)} of {formatCount(total)}
          </span>
        ) : null}
        {loading === 'more' ? <Spinner label="Loading more…" /> : null}
        {loading === 'first' && rows.length > 0 ? <Spinner label="Updating…" /> : null}
      </footer>
    </section>
  )
}

function SearchBox({ value, onSearch }: { value: string; onSearch(search: string): void }): JSX.Element {
  const [text, setText] = useState(value)
  const [seen, setSeen] = useState(value)
  // The store can clear the search ("Clear filters"); follow it without an effect.
  if (seen !== value) {
    setSeen(value)
    setText(value)
  }
  useEffect(() => {
    const timer = setTimeout(() => onSearch(text.trim()), SEARCH_DEBOUNCE_MS)
    return () => clearTimeout(timer)
  }, [text, onSearch])
  return (
    <div className="search">
      <SearchIcon />
      <label className="visually-hidden" htmlFor="users-search">
        Search users by name or email
      </label>
      <input
        id="users-search"
        className="input search-input"
        type="search"
        placeholder="Search by name or email"
        autoComplete="off"
        spellCheck={false}
        value={text}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Escape' && text) {
            e.preventDefault()
            setText('')
          }
        }}
      />
    </div>
  )
}

function StatusChip(props: { label: string; count: number | null; pressed: boolean; onClick(): void }): JSX.Element {
  return (
    <button type="button" className="chip" aria-pressed={props.pressed} onClick={props.onClick}>
      <span>{props.label}</span>
      <span className="chip-count">{props.count === null ? '–' : formatCount(props.count)}</span>
    </button>
  )
}

function UsersEmpty(props: { search: string; status: UserStatus | null; failed: boolean; onClear(): void }): JSX.Element {
  const { search, status, failed, onClear } = props
  if (failed) return <EmptyState title="Users could not be loaded" />
  if (!search && !status) return <EmptyState title="No users yet" />
  const who = status ? EMPTY_NOUNS[status] : 'users'
  return (
    <EmptyState title={search ? `No ${who} match '${search}'` : `No ${who}`}>
      <p>Try another name or email address, or clear the filters.</p>
      <button type="button" className="button button-sm empty-action" onClick={onClear}>
        Clear filters
      </button>
    </EmptyState>
  )
}
