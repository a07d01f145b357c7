import { useEffect, useMemo, useState, type JSX } from 'react'
import { Link } from 'react-router'
import { useTable, type SortingState, type Updater } from '@tanstack/react-table'
import { useShallow } from 'zustand/react/shallow'
import { DataTable, dataTableFeatures } from '../../components/data-table'
import { Banner } from '../../components/banner'
import { EmptyState } from '../../components/empty-state'
import { SearchBox } from '../../components/search-box'
import { Spinner } from '../../components/spinner'
import { NARROW_WINDOW, useMediaQuery } from '../../components/use-media-query'
import { downloadText } from '../../components/download'
import { formatCount } from '../../components/format'
import { useDataChanged } from '../../app/data-events'
import { getBridge } from '../../app/bridge'
import { hasPermission, useSession } from '../../app/session-store'
import { USER_STATUSES, type SeatUse, type UserRow } from '../../../../shared/contract/users'
import { ROLES, type Role } from '../../../../shared/permissions'
import { useT, type MessageKey } from '../../i18n/i18n'
import { roleLabel } from '../../i18n/labels'
import { useTeams } from '../teams/teams-store'
import { STATUS_LABELS, userColumns, userGrid } from './users-columns'
import { PAGE_SIZE, useUsers, type UserSort, type UserStatus } from './users-store'
import { BulkBar } from './bulk-bar'
import { InviteDialog } from './invite-dialog'
import { ImportWizard } from './import-wizard'
import { UserPanel } from './user-panel'
import { chipCount, rowsLine, showingLine, shownTotal, usersLine, type ShownCount } from './counts'
import '../settings/settings.css'
import './users.css'


const EMPTY_NOUNS: Record<UserStatus, MessageKey> = {
  active: 'users.noun.active',
  invited: 'users.noun.invited',
  expired: 'users.noun.expired',
  deactivated: 'users.noun.deactivated'
}

type Modal = 'invite' | 'import' | null

export function UsersScreen(): JSX.Element {
  const { query, mode, rows, loadedCount, next, total, totalCapped, counts, countsCapped, seats, loading, error, shownQuery, selectedCount, notice } = useUsers(
    useShallow((s) => ({
      query: s.query,
      mode: s.mode,
      rows: s.rows,
      loadedCount: s.loadedCount,
      next: s.next,
      total: s.total,
      totalCapped: s.totalCapped,
      counts: s.counts,
      countsCapped: s.countsCapped,
      seats: s.seats,
      loading: s.loading,
      error: s.error,
      shownQuery: s.shownQuery,
      selectedCount: s.selected.size,
      notice: s.notice
    }))
  )
  // The table holds the rows of the blocks around the viewport only: a screenful's cost at any size
  // (the screen renders again only when the view crosses into another block, not on every scroll).
  const viewBlockStart = useUsers((s) => Math.floor(s.visible[0] / PAGE_SIZE))
  const viewBlockEnd = useUsers((s) => Math.floor(s.visible[1] / PAGE_SIZE))
  const { setSearch, setStatus, setRole, setTeam, setSort, clearFilters, refresh, loadMore, showRange, setNotice } = useUsers.getState()
  const session = useSession((s) => s.session)
  const canManage = hasPermission(session, 'users:manage')
  const canExport = hasPermission(session, 'reports:export')
  const teams = useTeams((s) => s.teams)
  const [modal, setModal] = useState<Modal>(null)
  const [openId, setOpenId] = useState<string | null>(null)
  const [exportError, setExportError] = useState<string | null>(null)
  const t = useT()
  // In a narrow window the panel overlays the list, so the list keeps every column.
  const narrow = useMediaQuery(NARROW_WINDOW)
  const compact = openId !== null && !narrow

  useEffect(() => {
    void useUsers.getState().load()
    void useTeams.getState().load()
    return () => useUsers.getState().reset()
  }, [])
  // Someone changed people (here or in another window): the same query again, in the same place.
  useDataChanged('users', () => void refresh())
  useDataChanged('teams', () => void useTeams.getState().load())

  const sorting = useMemo<SortingState>(() => [{ id: query.sort, desc: query.direction === 'desc' }], [query.sort, query.direction])
  const slice = useMemo(() => {
    const start = mode === 'positions' ? Math.max(0, (viewBlockStart - 1) * PAGE_SIZE) : 0
    const end = mode === 'positions' ? Math.min(rows.length, (viewBlockEnd + 2) * PAGE_SIZE) : rows.length
    const data: UserRow[] = []
    const places = new Map<UserRow, number>()
    for (let i = start; i < end; i++) {
      const row = rows[i]
      if (!row) continue
      data.push(row)
      places.set(row, i)
    }
    return { data, indexOf: (row: UserRow) => places.get(row) ?? -1 }
  }, [mode, rows, viewBlockStart, viewBlockEnd])
  const table = useTable(
    {
      features: dataTableFeatures,
      columns: userColumns(canManage, compact),
      data: slice.data,
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
  const shown = shownTotal(total, totalCapped, loadedCount, mode === 'pages' && next !== null)
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
            <h1 id="users-title">{t('users.title')}</h1>
            <p className="screen-count" aria-live="polite">
              {shown ? usersLine(shown) : '\u00a0'}
            </p>
            <SeatMeter seats={seats} />
          </div>
          <div className="screen-actions">
            {canExport ? (
              <button type="button" className="button" onClick={() => void exportCsv()}>
                {t('users.exportCsv')}
              </button>
            ) : null}
            {canManage ? (
              <>
                <button type="button" className="button" onClick={() => setModal('import')}>
                  {t('users.importCsv')}
                </button>
                <button type="button" className="button button-primary" onClick={() => setModal('invite')}>
                  {t('users.invite')}
                </button>
              </>
            ) : null}
          </div>
        </header>
        <div className="toolbar">
          <SearchBox id="users-search" label={t('users.searchLabel')} placeholder={t('users.searchPlaceholder')} value={query.search} onSearch={setSearch} />
          <label className="visually-hidden" htmlFor="users-role-filter">
            {t('users.filterRole')}
          </label>
          <select id="users-role-filter" className="select" value={query.role ?? ''} onChange={(e) => setRole((e.target.value || null) as Role | null)}>
            <option value="">{t('users.allRoles')}</option>
            {ROLES.map((role) => (
              <option key={role} value={role}>
                {roleLabel(t, role)}
              </option>
            ))}
          </select>
          <label className="visually-hidden" htmlFor="users-team-filter">
            {t('users.filterTeam')}
          </label>
          <select id="users-team-filter" className="select team-filter" value={query.teamId ?? ''} onChange={(e) => setTeam(e.target.value || null)}>
            <option value="">{t('users.allTeams')}</option>
            {teams.map((team) => (
              <option key={team.id} value={team.id}>
                {team.name}
              </option>
            ))}
          </select>
          <div className="chips" role="group" aria-label={t('users.filterStatus')}>
            <StatusChip label={t('users.all')} count={all ? all.n : null} capped={all ? all.capped : false} pressed={query.status === null} onClick={() => setStatus(null)} />
            {USER_STATUSES.map((status) => (
              <StatusChip
                key={status}
                label={t(STATUS_LABELS[status])}
                count={counts ? counts[status] : null}
                capped={countsCapped}
                pressed={query.status === status}
                onClick={() => setStatus(status)}
              />
            ))}
          </div>
        </div>
        {canManage && total !== null && total <= 1 && !query.search && query.status === null && query.role === null && query.teamId === null ? (
          <FirstRunGuide onInvite={() => setModal('invite')} onImport={() => setModal('import')} />
        ) : null}
        {canManage && selectedCount > 0 ? <BulkBar matching={shown} /> : null}
        {notice ? (
          <div className={`users-notice users-notice-${notice.tone}`} role={notice.tone === 'error' ? 'alert' : 'status'}>
            <span>{notice.text}</span>
            <button type="button" className="button button-sm button-ghost" onClick={() => setNotice(null)}>
              {t('users.dismiss')}
            </button>
          </div>
        ) : null}
        {exportError ? <Banner tone="error">{t('users.exportFailed', { error: exportError })}</Banner> : null}
        {error ? (
          <Banner
            tone="error"
            action={
              <button type="button" className="button button-sm" onClick={() => void refresh()}>
                {t('users.retry')}
              </button>
            }
          >
            {t('users.loadFailed', { error })}
          </Banner>
        ) : null}
        <DataTable
          table={table}
          label={t('users.tableLabel')}
          columns={userGrid(canManage, compact, narrow)}
          rowHeight={44}
          totalRows={shown && !shown.capped ? shown.n : undefined}
          rowCount={rows.length}
          indexOf={mode === 'positions' ? slice.indexOf : undefined}
          onRangeChange={showRange}
          hasMore={mode === 'pages' && next !== null}
          loading={loading !== null}
          stale={loading === 'first' && rows.length > 0}
          onEndReached={loadMore}
          onRowActivate={(row) => setOpenId(row.id)}
          selectedRowId={openId}
          resetKey={shownQuery}
          empty={<UsersEmpty search={query.search} filtered={query.status !== null || query.role !== null || query.teamId !== null} status={query.status} onClear={clearFilters} failed={error !== null} />}
        />
        <UsersFooter shown={shown} />
      </section>
      {openId ? <UserPanel key={openId} membershipId={openId} onClose={() => setOpenId(null)} /> : null}
      {modal === 'invite' ? <InviteDialog onClose={() => setModal(null)} /> : null}
      {modal === 'import' ? <ImportWizard onClose={() => setModal(null)} /> : null}
    </div>
  )
}

/**
 * A new account holds only its Owner: what to do first, each a click away (invite, import a CSV,
 * the mail server that sends invitations, teams). It goes once someone else is in the account.
 */
function FirstRunGuide({ onInvite, onImport }: { onInvite(): void; onImport(): void }): JSX.Element {
  const t = useT()
  return (
    <section className="settings-card first-run" aria-labelledby="first-run-title">
      <h2 id="first-run-title">{t('users.firstRun.title')}</h2>
      <p className="muted">{t('users.firstRun.intro')}</p>
      <ol className="first-run-steps">
        <li>
          <button type="button" className="button button-sm button-primary" onClick={onInvite}>
            {t('users.firstRun.invite')}
          </button>
          <span>{t('users.firstRun.inviteText')}</span>
        </li>
        <li>
          <button type="button" className="button button-sm" onClick={onImport}>
            {t('users.firstRun.import')}
          </button>
          <span>{t('users.firstRun.importText')}</span>
        </li>
        {/* Shown only to people who manage users, who may also set up the mail server (users:manage). */}
        <li>
          <Link className="button button-sm" to="/settings/email">
            {t('users.firstRun.email')}
          </Link>
          <span>{t('users.firstRun.emailText')}</span>
        </li>
        <li>
          <Link className="button button-sm" to="/teams">
            {t('users.firstRun.teams')}
          </Link>
          <span>{t('users.firstRun.teamsText')}</span>
        </li>
      </ol>
    </section>
  )
}

/** Where the list is: the rows in view of the whole result, or (a search) the rows loaded so far. */
function UsersFooter({ shown }: { shown: ShownCount | null }): JSX.Element {
  const { mode, count, loadedCount, visible, loading, fetchingBlocks } = useUsers(
    useShallow((s) => ({ mode: s.mode, count: s.rows.length, loadedCount: s.loadedCount, visible: s.visible, loading: s.loading, fetchingBlocks: s.fetchingBlocks }))
  )
  const [first, last] = visible
  const t = useT()
  return (
    // Not a live region: "Rows a–b" changes on every scroll (the spinners announce themselves).
    <footer className="screen-footer">
      {loading === 'first' && count === 0 ? <Spinner label={t('users.loadingUsers')} /> : null}
      {mode === 'positions' && count > 0 && shown ? <span>{rowsLine(first, Math.min(last, count - 1), shown)}</span> : null}
      {mode === 'pages' && count > 0 && shown ? <span>{showingLine(loadedCount, shown)}</span> : null}
      {loading === 'more' || fetchingBlocks ? <Spinner label={t('users.loadingMore')} /> : null}
      {loading === 'first' && count > 0 ? <Spinner label={t('users.updating')} /> : null}
    </footer>
  )
}

function SeatMeter({ seats }: { seats: SeatUse | null }): JSX.Element | null {
  const t = useT()
  if (!seats) return null
  const full = seats.used >= seats.total
  return (
    <p className={`seat-meter${full ? ' seat-meter-full' : ''}`} data-testid="seat-use" title={t('users.seatsTitle', { active: formatCount(seats.active), invited: formatCount(seats.invited) })}>
      {t('users.seats', { used: formatCount(seats.used), total: formatCount(seats.total) })}
    </p>
  )
}

function StatusChip(props: { label: string; count: number | null; capped: boolean; pressed: boolean; onClick(): void }): JSX.Element {
  const t = useT()
  return (
    <button
      type="button"
      className="chip"
      aria-pressed={props.pressed}
      onClick={props.onClick}
      title={props.capped && props.count !== null ? t('users.cappedTitle') : undefined}
    >
      <span>{props.label}</span>
      <span className="chip-count">{chipCount(props.count, props.capped)}</span>
    </button>
  )
}

function UsersEmpty(props: { search: string; filtered: boolean; status: UserStatus | null; failed: boolean; onClear(): void }): JSX.Element {
  const { search, filtered, status, failed, onClear } = props
  const t = useT()
  if (failed) return <EmptyState title={t('users.empty.failed')} />
  if (!search && !filtered) return <EmptyState title={t('users.empty.none')} />
  const who = t(status ? EMPTY_NOUNS[status] : 'users.noun.users')
  return (
    <EmptyState title={search ? t('users.empty.search', { who, search }) : t('users.empty.filters', { who })}>
      <p>{t('users.empty.hint')}</p>
      <button type="button" className="button button-sm empty-action" onClick={onClear}>
        {t('users.empty.clear')}
      </button>
    </EmptyState>
  )
}
