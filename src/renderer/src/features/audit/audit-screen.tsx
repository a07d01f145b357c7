import { useCallback, useEffect, useMemo, type JSX } from 'react'
import { useSearchParams } from 'react-router'
import { useTable } from '@tanstack/react-table'
import { useShallow } from 'zustand/react/shallow'
import { DataTable, dataTableFeatures } from '../../components/data-table'
import { RetryBanner } from '../../components/retry-banner'
import { EmptyState } from '../../components/empty-state'
import { Spinner } from '../../components/spinner'
import { SearchBox } from '../../components/search-box'
import { FilterChip } from '../../components/filter-chip'
import { formatCapped } from '../../components/format'
import { useT } from '../../i18n/i18n'
import { useDataChanged } from '../../app/data-events'
import { hasPermission, useSession } from '../../app/session-store'
import { AUDIT_ACTION_GROUPS } from '../../../../shared/audit-actions'
import { ACTOR_KINDS, AUDIT_EXPORT_PAGE, type ActorKind, type AuditCursor, type AuditEventDto, type AuditFilterDto } from '../../../../shared/contract/audit'
import { AUDIT_GRID, AUDIT_GRID_COMPACT, actionLabel, auditColumns, auditColumnsCompact, targetLabel } from './audit-columns'
import { AuditDetail } from './audit-detail'
import { AuditChart } from './audit-chart'
import { AuditIntegrity } from './audit-integrity'
import { useAudit } from './audit-store'
import { ExportStatus, usePagedExport, type ExportSource, type ExportWords } from '../../components/paged-export'
import { getBridge } from '../../app/bridge'
import { EMPTY_VIEW, TARGET_TYPES, isFiltered, parseView, viewParams, type AuditView } from './audit-view'
import { PeriodPicker } from './period-picker'
import '../../components/search-box.css'
import './audit.css'

/** The ids of the screen's period fields start so (#audit-period). */
const ID_PREFIX = 'audit'

const AUDIT_EXPORT: ExportSource<AuditFilterDto, AuditCursor> = {
  fileStem: 'gatehouse-audit',
  start: (filter, format) => getBridge().invoke('audit:export-start', { filter, format }),
  page: (filter, format, after, exportId) =>
    getBridge().invoke('audit:export-page', { filter, format, limit: AUDIT_EXPORT_PAGE, ...(after ? { after } : {}), ...(exportId ? { exportId } : {}) })
}
const AUDIT_EXPORT_WORDS: ExportWords = { running: 'audit.export.running', done: 'audit.export.done', cancelled: 'audit.export.cancelled' }

export function AuditScreen(): JSX.Element {
  const { rows, next, loading, error, selected, shownQuery, total, series, seriesError } = useAudit(
    useShallow((s) => ({
      rows: s.rows,
      next: s.next,
      loading: s.loading,
      error: s.error,
      selected: s.selected,
      shownQuery: s.shownQuery,
      total: s.total,
      series: s.series,
      seriesError: s.seriesError
    }))
  )
  const { loadMore, select } = useAudit.getState()
  const t = useT()
  const session = useSession((s) => s.session)
  const canExport = hasPermission(session, 'reports:export')
  const exporter = usePagedExport(AUDIT_EXPORT)
  const exporting = exporter.state.phase === 'running'
  const [params, setParams] = useSearchParams()
  const key = params.toString()
  const view = useMemo(() => parseView(new URLSearchParams(key)), [key])

  const update = useCallback(
    (change: Partial<AuditView>) => {
      const nextView = { ...parseView(new URLSearchParams(key)), ...change }
      setParams(viewParams(nextView), { replace: true })
    },
    [key, setParams]
  )
  const setSearch = useCallback((search: string) => update({ search }), [update])
  const reload = useCallback(() => void useAudit.getState().load(parseView(new URLSearchParams(key))), [key])

  useEffect(() => {
    reload()
  }, [reload])
  useEffect(() => () => useAudit.getState().reset(), [])
  useDataChanged('audit', reload)

  const table = useTable(
    {
      features: dataTableFeatures,
      columns: selected ? auditColumnsCompact : auditColumns,
      data: rows,
      getRowId: (row) => String(row.seq),
      manualSorting: true,
      enableSorting: false
    },
    () => null
  )

  const filtered = isFiltered(view)
  const countLine = total
    ? t(filtered ? 'audit.matching' : 'audit.total', { count: total.count, shown: formatCapped(total.count, !total.exact) })
    : '\u00a0'

  return (
    <section className="screen" aria-labelledby="audit-title">
      <header className="screen-header">
        <div className="screen-heading">
          <h1 id="audit-title">{t('audit.title')}</h1>
          <p className="screen-count" aria-live="polite">
            {countLine}
          </p>
        </div>
        {canExport ? (
          <div className="screen-actions">
            <button type="button" className="button" disabled={exporting} onClick={() => void exporter.run(useAudit.getState().filter, 'csv')}>
              {t('audit.exportCsv')}
            </button>
            <button type="button" className="button" disabled={exporting} onClick={() => void exporter.run(useAudit.getState().filter, 'jsonl')}>
              {t('audit.exportJsonl')}
            </button>
          </div>
        ) : null}
      </header>
      <AuditIntegrity />
      <ExportStatus state={exporter.state} words={AUDIT_EXPORT_WORDS} onCancel={exporter.cancel} onDismiss={exporter.dismiss} />
      <div className="toolbar audit-toolbar" role="search" aria-label={t('audit.filters')}>
        <SearchBox id="audit-search" label={t('audit.searchLabel')} placeholder={t('audit.searchPlaceholder')} value={view.search} onSearch={setSearch} />
        <PeriodPicker idPrefix={ID_PREFIX} view={view} onChange={update} />
        <label className="visually-hidden" htmlFor="audit-actor-kind">
          {t('audit.actorKind')}
        </label>
        <select id="audit-actor-kind" className="select" value={view.actorKind ?? ''} onChange={(e) => update({ actorKind: (e.target.value || null) as ActorKind | null })}>
          <option value="">{t('audit.actorKind.any')}</option>
          {ACTOR_KINDS.map((kind) => (
            <option key={kind} value={kind}>
              {t(`audit.actorKind.${kind}`)}
            </option>
          ))}
        </select>
        <label className="visually-hidden" htmlFor="audit-action">
          {t('audit.action')}
        </label>
        <select id="audit-action" className="select audit-action-select" value={view.action ?? ''} onChange={(e) => update({ action: e.target.value || null })}>
          <option value="">{t('audit.action.any')}</option>
          {AUDIT_ACTION_GROUPS.map((group) => (
            <optgroup key={group.group} label={group.group}>
              <option value={`group:${group.group}`}>{t('audit.action.group', { group: group.group })}</option>
              {group.actions.map((code) => (
                <option key={code} value={code}>
                  {actionLabel(code)}
                </option>
              ))}
            </optgroup>
          ))}
        </select>
        <label className="visually-hidden" htmlFor="audit-target-type">
          {t('audit.targetType')}
        </label>
        <select id="audit-target-type" className="select" value={view.targetType ?? ''} onChange={(e) => update({ targetType: e.target.value || null })}>
          <option value="">{t('audit.targetType.any')}</option>
          {TARGET_TYPES.map((type) => (
            <option key={type} value={type}>
              {type}
            </option>
          ))}
        </select>
        {view.actor ? <FilterChip label={t('audit.chip.actor', { name: view.actor.name })} onRemove={() => update({ actor: null })} /> : null}
        {view.target ? <FilterChip label={t('audit.chip.target', { name: view.target.name })} onRemove={() => update({ target: null })} /> : null}
        {filtered ? (
          <button type="button" className="button button-ghost button-sm" onClick={() => setParams(viewParams(EMPTY_VIEW), { replace: true })}>
            {t('audit.clearFilters')}
          </button>
        ) : null}
      </div>
      {series ? (
        <AuditChart series={series} onRange={(from, to) => update({ period: 'custom', from, to })} />
      ) : seriesError ? (
        <p className="muted audit-chart-error">{t('audit.chartFailed', { error: seriesError })}</p>
      ) : (
        <div className="audit-chart audit-chart-pending" aria-hidden="true" />
      )}
      {error ? <RetryBanner message={t('audit.loadFailed', { error })} onRetry={reload} /> : null}
      <div className={`audit-layout${selected ? ' audit-layout-split' : ''}`}>
        <div className="audit-list">
          <DataTable
            table={table}
            label={t('audit.tableLabel')}
            columns={selected ? AUDIT_GRID_COMPACT : AUDIT_GRID}
            rowHeight={44}
            hasMore={next !== null}
            loading={loading !== null}
            stale={loading === 'first' && rows.length > 0}
            onEndReached={loadMore}
            onRowActivate={(event) => select(selected?.seq === event.seq ? null : event)}
            selectedRowId={selected ? String(selected.seq) : null}
            resetKey={shownQuery}
            empty={
              error ? (
                <EmptyState title={t('audit.empty.failed')} />
              ) : filtered ? (
                <EmptyState title={t('audit.empty.filtered')}>
                  <p>{t('audit.empty.filteredText')}</p>
                </EmptyState>
              ) : (
                <EmptyState title={t('audit.empty.none')}>
                  <p>{t('audit.empty.text')}</p>
                </EmptyState>
              )
            }
          />
          <footer className="screen-footer" aria-live="polite">
            {loading === 'first' && rows.length === 0 ? <Spinner label={t('audit.loading')} /> : null}
            {rows.length > 0 ? (
              <span>
                {t('audit.loaded', { count: rows.length })}
                {next === null ? t(filtered ? 'audit.endOfMatches' : 'audit.startOfLog') : ''}
              </span>
            ) : null}
            {loading === 'more' ? <Spinner label={t('audit.loadingOlder')} /> : null}
          </footer>
        </div>
        {selected ? (
          <AuditDetail
            event={selected}
            onClose={() => select(null)}
            onShowActor={() => showActor(selected, update)}
            onShowTarget={() => update({ target: { id: selected.target.id!, name: targetLabel(selected.target) } })}
          />
        ) : null}
      </div>
    </section>
  )
}

function showActor(event: AuditEventDto, update: (change: Partial<AuditView>) => void): void {
  if (event.actor.id) update({ actor: { id: event.actor.id, name: event.actor.name } })
}
