import { useEffect, useMemo, useState, type JSX } from 'react'
import { useTable, type SortingState, type Updater } from '@tanstack/react-table'
import { useShallow } from 'zustand/react/shallow'
import { DataTable, dataTableFeatures } from '../../components/data-table'
import { Banner } from '../../components/banner'
import { EmptyState } from '../../components/empty-state'
import { SearchIcon } from '../../components/icons'
import { Spinner } from '../../components/spinner'
import { downloadText } from '../../components/download'
import { formatCount } from '../../components/format'
import { useDataChanged } from '../../app/data-events'
import { getBridge } from '../../app/bridge'
import { hasPermission, useSession } from '../../app/session-store'
import { USER_STATUSES, type SeatUse } from '../../../../shared/contract/users'
import { ROLES, ROLE_LABELS, type Role } from '../../../../shared/permissions'
import { useTeams } from '../teams/teams-store'
import { STATUS_LABELS, userColumns, userGrid } from './users-columns'
import { useUsers, type UserSort, type UserStatus } from './users-store'
import { BulkBar } from './bulk-bar'
import { InviteDialog } from './invite-dialog'
import { ImportWizard } from './import-wizard'
import { UserPanel } from './user-panel'
import { chipCount, showingLine, shownTotal, usersLine } from './counts'
import './users.css'

const SEARCH_DEBOUNCE_MS = 200

const EMPTY_NOUNS: Record<UserStatus, string> = {
  active: 'active users',
  invited: 'invited users',
  expired: 'expired invitations',
  deactivated: 'deactivated users'
}

type Modal = 'invite' | 'import' | null

export function UsersScreen(): JSX.Element {
  const { query, rows, next, total, totalCapped, counts, countsCapped, seats, loading, error, shownQuery, selectedCount } = useUsers(
    useShallow((s) => ({
      query: s.query,
      rows: s.rows,
      next: s.next,
      total: s.total,
      totalCapped: s.totalCapped,
      counts: s.counts,
      countsCapped: s.countsCapped,
      seats: s.seats,
      loading: s.loading,
      error: s.error,
      shownQuery: s.shownQuery,
      selectedCount: s.selected.size
    }))
  )
  const { setSearch, setStatus, setRole, setTeam, setSort, clearFilters, load, loadMore } = useUsers.getState()
  const session = useSession((s) => s.session)
  const canManage = hasPermission(session, 'users:manage')
  const canExport = hasPermission(session, 'reports:export')
  const teams = useTeams((s) => s.teams)
  const [modal, setModal] = useState<Modal>(null)
  const [openId, setOpenId] = useState<string | null>(null)
  const [exportError, setExportError] = useState<string | null>(null)

  useEffect(() => {
    void useUsers.getState().load()
    void useTeams.getState().load()
    return () => useUsers.getState().reset()
  }, [])
  useDataChanged('users', () => void load())
  useDataChanged('teams', () => void useTeams.getState().load())

  const sorting = useMemo<SortingState>(() => [{ id: query.sort, desc: query.direction === 'desc' }], [query.sort, query.direction])
  const table = useTable(
    {
      features: dataTableFeatures,
      columns: userColumns(canManage, openId !== null),
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

  async function exportCsv(): Promise<void> {
    setExportError(null)
    const result = await getBridge().invoke('users:export', {})
    if (!result.ok) {
      setExportError(result.error.message)
      return
    }
    downloadText(result.value.fileName, result.value.csv)
  }

  // A capped total is shown as a lower bound ("200+ users"), never as an exact figure.
  const shown = shownTotal(total, totalCapped, rows.length, next !== null)
  // Without a status filter the "All" chip is the total itself; with one, the sum of the chips.
  const all =
    query.status === null && shown
      ? shown
      : counts
        ? { n: USER_STATUSES.reduce((sum, status) => sum + counts[status], 0), capped: countsCapped }
        : null

  return (
    <div className="users-layout">
      <section className="screen" aria-labelledby="users-title">
        <header className="screen-header">
          <div className="screen-heading">
            <h1 id="users-title">Users</h1>
            <p className="screen-count" aria-live="polite">
              {shown ? usersLine(shown) : '\u00a0'}
            </p>
            <SeatMeter seats={seats} />
          </div>
          <div className="screen-actions">
            {canExport ? (
              <button type="button" className="button" onClick={() => void exportCsv()}>
                Export CSV
              </button>
            ) : null}
            {canManage ? (
              <>
                <button type="button" className="button" onClick={() => setModal('import')}>
                  Import CSV
                </button>
                <button type="button" className="button button-primary" onClick={() => setModal('invite')}>
                  Invite users
                </button>
              </>
            ) : null}
          </div>
        </header>
        <div className="toolbar">
          <SearchBox value={query.search} onSearch={setSearch} />
          <label className="visually-hidden" htmlFor="users-role-filter">
            Filter by role
          </label>
          <select id="users-role-filter" className="select" value={query.role ?? ''} onChange={(e) => setRole((e.target.value || null) as Role | null)}>
            <option value="">All roles</option>
            {ROLES.map((role) => (
              <option key={role} value={role}>
                {ROLE_LABELS[role]}
              </option>
            ))}
          </select>
          <label className="visually-hidden" htmlFor="users-team-filter">
            Filter by team
          </label>
          <select id="users-team-filter" className="select team-filter" value={query.teamId ?? ''} onChange={(e) => setTeam(e.target.value || null)}>
            <option value="">All teams</option>
            {teams.map((team) => (
              <option key={team.id} value={team.id}>
                {team.name}
              </option>
            ))}
          </select>
          <div className="chips" role="group" aria-label="Filter by status">
            <StatusChip label="All" count={all ? all.n : null} capped={all ? all.capped : false} pressed={query.status === null} onClick={() => setStatus(null)} />
            {USER_STATUSES.map((status) => (
              <StatusChip
                key={status}
                label={STATUS_LABELS[status]}
                count={counts ? counts[status] : null}
                capped={countsCapped}
                pressed={query.status === status}
                onClick={() => setStatus(status)}
              />
            ))}
          </div>
        </div>
        {canManage && selectedCount > 0 ? <BulkBar /> : null}
        {exportError ? <Banner tone="error">Could not export: {exportError}</Banner> : null}
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
          columns={userGrid(canManage, openId !== null)}
          rowHeight={44}
          totalRows={shown && !shown.capped ? shown.n : undefined}
          hasMore={next !== null}
          loading={loading !== null}
          stale={loading === 'first' && rows.length > 0}
          onEndReached={loadMore}
          onRowActivate={(row) => setOpenId(row.id)}
          selectedRowId={openId}
          resetKey={shownQuery}
          empty={<UsersEmpty search={query.search} filtered={query.status !== null || query.role !== null || query.teamId !== null} status={query.status} onClear={clearFilters} failed={error !== null} />}
        />
        <footer className="screen-footer" aria-live="polite">
          {loading === 'first' && rows.length === 0 ? <Spinner label="Loading users…" /> : null}
          {rows.length > 0 && shown ? <span>{showingLine(rows.length, shown)}</span> : null}
          {loading === 'more' ? <Spinner label="Loading more…" /> : null}
          {loading === 'first' && rows.length > 0 ? <Spinner label="Updating…" /> : null}
        </footer>
      </section>
      {openId ? <UserPanel key={openId} membershipId={openId} onClose={() => setOpenId(null)} /> : null}
      {modal === 'invite' ? <InviteDialog onClose={() => setModal(null)} /> : null}
      {modal === 'import' ? <ImportWizard onClose={() => setModal(null)} /> : null}
    </div>
  )
}

function SeatMeter({ seats }: { seats: SeatUse | null }): JSX.Element | null {
  if (!seats) return null
  const full = seats.used >= seats.total
  return (
    <p className={`seat-meter${full ? ' seat-meter-full' : ''}`} data-testid="seat-use" title={`${formatCount(seats.active)} active, ${formatCount(seats.invited)} invited`}>
      {formatCount(seats.used)} of {formatCount(seats.total)} seats
    </p>
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

function StatusChip(props: { label: string; count: number | null; capped: boolean; pressed: boolean; onClick(): void }): JSX.Element {
  return (
    <button
      type="button"
      className="chip"
      aria-pressed={props.pressed}
      onClick={props.onClick}
      title={props.capped && props.count !== null ? 'Broad search: counted over the first matches only, so this is a lower bound' : undefined}
    >
      <span>{props.label}</span>
      <span className="chip-count">{chipCount(props.count, props.capped)}</span>
    </button>
  )
}

function UsersEmpty(props: { search: string; filtered: boolean; status: UserStatus | null; failed: boolean; onClear(): void }): JSX.Element {
  const { search, filtered, status, failed, onClear } = props
  if (failed) return <EmptyState title="Users could not be loaded" />
  if (!search && !filtered) return <EmptyState title="No users yet" />
  const who = status ? EMPTY_NOUNS[status] : 'users'
  return (
    <EmptyState title={search ? `No ${who} match '${search}'` : `No ${who} match these filters`}>
      <p>Try another name or email address, or clear the filters.</p>
      <button type="button" className="button button-sm empty-action" onClick={onClear}>
        Clear filters
      </button>
    </EmptyState>
  )
}
