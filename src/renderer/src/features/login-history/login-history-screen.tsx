import { useCallback, useMemo, useRef, type JSX } from 'react'
import { useSearchParams } from 'react-router'
import { createColumnHelper, useTable } from '@tanstack/react-table'
import { DataTable, dataTableFeatures, type DataTableFeatures } from '../../components/data-table'
import { RetryBanner } from '../../components/retry-banner'
import { Badge } from '../../components/badge'
import { DateTime } from '../../components/date-time'
import { EmptyState } from '../../components/empty-state'
import { FilterChip } from '../../components/filter-chip'
import { SearchBox } from '../../components/search-box'
import { Spinner } from '../../components/spinner'
import { TabList } from '../../components/tab-list'
import { ExportStatus, usePagedExport, type ExportSource, type ExportWords } from '../../components/paged-export'
import { useKeysetPages } from '../../components/use-keyset-pages'
import { getBridge } from '../../app/bridge'
import { useDataChanged } from '../../app/data-events'
import { hasPermission, useSession } from '../../app/session-store'
import { t as tr, useT } from '../../i18n/i18n'
import {
  LOGIN_EXPORT_PAGE,
  LOGIN_METHODS,
  LOGIN_RESULTS,
  type LoginCursor,
  type LoginEventRowDto,
  type LoginFilterDto,
  type LoginMethodName,
  type LoginResultName
} from '../../../../shared/contract/login-history'
import { PeriodPicker } from '../audit/period-picker'
import { LoginHistory } from '../users/login-history'
import { DormantTab } from './dormant-tab'
import { EMPTY_LOGIN_VIEW, isLoginFiltered, loginFilter, loginViewParams, parseLoginView, type LoginTab, type LoginView } from './login-history-view'
import '../audit/audit.css'
import './login-history.css'

/** The ids of the screen's fields and tabs start so (#logins-period, #logins-tab-dormant). */
const IDS = 'logins'

const LOGIN_EXPORT: ExportSource<LoginFilterDto, LoginCursor> = {
  fileStem: 'gatehouse-login-history',
  start: (filter, format) => getBridge().invoke('login-history:export-start', { filter, format }),
  page: (filter, format, after) => getBridge().invoke('login-history:export-page', { filter, format, limit: LOGIN_EXPORT_PAGE, ...(after ? { after } : {}) })
}
const LOGIN_EXPORT_WORDS: ExportWords = { running: 'loginsPage.export.running', done: 'loginsPage.export.done', cancelled: 'loginsPage.export.cancelled' }

const RESULT_TONE: Record<LoginResultName, 'green' | 'red' | 'amber'> = { success: 'green', failure: 'red', locked: 'amber' }

const helper = createColumnHelper<DataTableFeatures, LoginEventRowDto>()

/** The person's name and the email typed; an email nobody holds says so. */
function PersonCell({ row, onPick }: { row: LoginEventRowDto; onPick(member: { id: string; name: string }): void }): JSX.Element {
  const name = row.name ?? tr('loginsPage.unknownPerson')
  return (
    <span className="login-person truncate" title={`${name} <${row.email}>`}>
      {row.membershipId ? (
        <button
          type="button"
          className="link-button truncate"
          tabIndex={-1}
          onClick={(event) => {
            event.stopPropagation()
            onPick({ id: row.membershipId!, name })
          }}
          aria-label={tr('loginsPage.onlyPerson', { name })}
        >
          {name}
        </button>
      ) : (
        <span className={`truncate${row.name ? '' : ' muted'}`}>{name}</span>
      )}
      <span className="muted truncate">{row.email}</span>
    </span>
  )
}

function columnsFor(onPick: (member: { id: string; name: string }) => void) {
  return helper.columns([
    helper.accessor('time', {
      header: () => tr('loginsPage.col.time'),
      enableSorting: false,
      cell: (info) => <DateTime className="truncate tabular" ms={info.getValue()} zone />
    }),
    helper.accessor('name', { header: () => tr('loginsPage.col.person'), enableSorting: false, cell: (info) => <PersonCell row={info.row.original} onPick={onPick} /> }),
    helper.accessor('method', {
      header: () => tr('loginsPage.col.method'),
      enableSorting: false,
      cell: (info) => {
        const provider = info.row.original.provider
        const label = tr(`loginsPage.method.${info.getValue()}`)
        return <span className="truncate">{provider ? tr('loginsPage.viaProvider', { method: label, provider }) : label}</span>
      }
    }),
    helper.accessor('result', {
      header: () => tr('loginsPage.col.result'),
      enableSorting: false,
      cell: (info) => {
        const reason = info.row.original.reason
        return (
          <span className="login-result truncate" title={reason ?? undefined}>
            <Badge tone={RESULT_TONE[info.getValue()]}>{tr(`loginsPage.result.${info.getValue()}`)}</Badge>
            {reason ? <span className="muted truncate">{reason}</span> : null}
          </span>
        )
      }
    }),
    helper.accessor('ip', {
      header: () => tr('loginsPage.col.from'),
      enableSorting: false,
      cell: (info) => {
        const device = info.row.original.device
        return (
          <span className="login-person truncate" title={device ?? undefined}>
            <span className="truncate tabular">{info.getValue() ?? '—'}</span>
            <span className="muted truncate">{device ?? tr('logins.unknownDevice')}</span>
          </span>
        )
      }
    })
  ])
}
const GRID = '160px minmax(140px, 1.4fr) 100px minmax(120px, 1.2fr) minmax(120px, 1fr)'

/**
 * Login history across the account (issue 10 part 2): every sign-in attempt with filters (time,
 * person, email tried, method, result, address) and keyset paging, export of the filter, and the
 * dormant members with a bulk deactivate. With a person chosen, their own history (chart, addresses,
 * devices, lockout, sessions) heads the page: the full page of the user panel's tab.
 */
export function LoginHistoryScreen(): JSX.Element {
  const t = useT()
  const session = useSession((s) => s.session)
  const canExport = hasPermission(session, 'reports:export')
  const [params, setParams] = useSearchParams()
  const key = params.toString()
  const view = useMemo(() => parseLoginView(new URLSearchParams(key)), [key])
  const update = useCallback(
    (change: Partial<LoginView>) => setParams(loginViewParams({ ...parseLoginView(new URLSearchParams(key)), ...change }), { replace: true }),
    [key, setParams]
  )
  const exporter = usePagedExport(LOGIN_EXPORT)

  return (
    <section className="screen" aria-labelledby="logins-title">
      <header className="screen-header">
        <div className="screen-heading">
          <h1 id="logins-title">{view.member && view.tab === 'attempts' ? t('loginsPage.titleFor', { name: view.member.name }) : t('loginsPage.title')}</h1>
          <p className="screen-count">{t('loginsPage.subtitle')}</p>
        </div>
        {canExport && view.tab === 'attempts' ? (
          <div className="screen-actions">
            <button type="button" className="button" disabled={exporter.state.phase === 'running'} onClick={() => void exporter.run(loginFilter(view, Date.now()), 'csv')}>
              {t('audit.exportCsv')}
            </button>
            <button type="button" className="button" disabled={exporter.state.phase === 'running'} onClick={() => void exporter.run(loginFilter(view, Date.now()), 'jsonl')}>
              {t('audit.exportJsonl')}
            </button>
          </div>
        ) : null}
      </header>
      <TabList<LoginTab>
        label={t('loginsPage.tabs')}
        idPrefix={IDS}
        tabs={[
          { id: 'attempts', label: t('loginsPage.tab.attempts') },
          { id: 'dormant', label: t('loginsPage.tab.dormant') }
        ]}
        current={view.tab}
        onSelect={(tab) => update({ tab })}
      />
      <div className="logins-panel" role="tabpanel" id={`${IDS}-panel-${view.tab}`} aria-labelledby={`${IDS}-tab-${view.tab}`}>
        {view.tab === 'attempts' ? (
          <>
            <ExportStatus state={exporter.state} words={LOGIN_EXPORT_WORDS} onCancel={exporter.cancel} onDismiss={exporter.dismiss} />
            <AttemptsTab view={view} queryKey={key} update={update} />
          </>
        ) : (
          <DormantTab idle={view.idle} onIdle={(idle) => update({ idle })} />
        )}
      </div>
    </section>
  )
}

function AttemptsTab({ view, queryKey, update }: { view: LoginView; queryKey: string; update(change: Partial<LoginView>): void }): JSX.Element {
  const t = useT()
  const session = useSession((s) => s.session)
  // A preset period counts back from the first page's moment; the later pages keep it.
  const filterRef = useRef<LoginFilterDto>({})
  const { rows, hasMore, loading, error, generation, loadMore, reload } = useKeysetPages(queryKey, (after?: LoginCursor) => {
    if (!after) filterRef.current = loginFilter(view, Date.now())
    return getBridge().invoke('login-history:list', { filter: filterRef.current, limit: 100, ...(after ? { after } : {}) })
  })
  // A sign-in, an unlock or a sign-out everywhere reaches the screens as a change of users.
  useDataChanged('users', reload)
  const pick = useCallback((member: { id: string; name: string }) => update({ member }), [update])
  const columns = useMemo(() => columnsFor(pick), [pick])
  const table = useTable({ features: dataTableFeatures, columns, data: rows, getRowId: (row) => String(row.id), manualSorting: true, enableSorting: false }, () => null)
  const filtered = isLoginFiltered(view)
  const setEmail = useCallback((email: string) => update({ email }), [update])
  const setIp = useCallback((ip: string) => update({ ip }), [update])

  return (
    <>
      {view.member ? <LoginHistory key={view.member.id} membershipId={view.member.id} canManage={hasPermission(session, 'users:manage')} /> : null}
      <div className="toolbar audit-toolbar" role="search" aria-label={t('loginsPage.filters')}>
        <PeriodPicker idPrefix={IDS} view={view} onChange={update} />
        <label className="visually-hidden" htmlFor={`${IDS}-method`}>
          {t('loginsPage.col.method')}
        </label>
        <select id={`${IDS}-method`} className="select" value={view.method ?? ''} onChange={(e) => update({ method: (e.target.value || null) as LoginMethodName | null })}>
          <option value="">{t('loginsPage.method.any')}</option>
          {LOGIN_METHODS.map((m) => (
            <option key={m} value={m}>
              {t(`loginsPage.method.${m}`)}
            </option>
          ))}
        </select>
        <label className="visually-hidden" htmlFor={`${IDS}-result`}>
          {t('loginsPage.col.result')}
        </label>
        <select id={`${IDS}-result`} className="select" value={view.result ?? ''} onChange={(e) => update({ result: (e.target.value || null) as LoginResultName | null })}>
          <option value="">{t('loginsPage.result.any')}</option>
          {LOGIN_RESULTS.map((r) => (
            <option key={r} value={r}>
              {t(`loginsPage.result.${r}`)}
            </option>
          ))}
        </select>
        <SearchBox id={`${IDS}-email`} label={t('loginsPage.email')} placeholder={t('loginsPage.emailPlaceholder')} value={view.email} onSearch={setEmail} />
        <SearchBox id={`${IDS}-ip`} label={t('loginsPage.ip')} placeholder={t('loginsPage.ipPlaceholder')} value={view.ip} onSearch={setIp} />
        {view.member ? <FilterChip label={t('loginsPage.chip.person', { name: view.member.name })} onRemove={() => update({ member: null })} /> : null}
        {filtered ? (
          <button type="button" className="button button-ghost button-sm" onClick={() => update({ ...EMPTY_LOGIN_VIEW, tab: 'attempts', idle: view.idle })}>
            {t('audit.clearFilters')}
          </button>
        ) : null}
      </div>
      {error ? <RetryBanner message={t('loginsPage.loadFailed', { error })} onRetry={reload} /> : null}
      <div className="logins-list">
        <DataTable
          table={table}
          label={t('loginsPage.tableLabel')}
          columns={GRID}
          rowHeight={48}
          hasMore={hasMore}
          loading={loading !== null}
          onEndReached={loadMore}
          resetKey={generation}
          empty={
            filtered ? (
              <EmptyState title={t('loginsPage.empty.filtered')}>
                <p>{t('loginsPage.empty.filteredText')}</p>
              </EmptyState>
            ) : (
              <EmptyState title={t('loginsPage.empty.none')} />
            )
          }
        />
      </div>
      <footer className="screen-footer" aria-live="polite">
        {loading === 'first' && rows.length === 0 ? <Spinner label={t('loginsPage.loading')} /> : null}
        {rows.length > 0 ? (
          <span>
            {t('loginsPage.loaded', { count: rows.length })}
            {hasMore ? '' : t('loginsPage.end')}
          </span>
        ) : null}
        {loading === 'more' ? <Spinner label={t('loginsPage.loadingOlder')} /> : null}
      </footer>
    </>
  )
}
