import { useEffect, type JSX } from 'react'
import { useTable } from '@tanstack/react-table'
import { useShallow } from 'zustand/react/shallow'
import { DataTable, dataTableFeatures } from '../../components/data-table'
import { Banner } from '../../components/banner'
import { EmptyState } from '../../components/empty-state'
import { Spinner } from '../../components/spinner'
import { useT } from '../../i18n/i18n'
import { useDataChanged } from '../../app/data-events'
import { AUDIT_GRID, AUDIT_GRID_COMPACT, auditColumns, auditColumnsCompact } from './audit-columns'
import { AuditDetail } from './audit-detail'
import { useAudit } from './audit-store'
import './audit.css'

export function AuditScreen(): JSX.Element {
  const { rows, next, loading, error, selected, shownQuery } = useAudit(
    useShallow((s) => ({
      rows: s.rows,
      next: s.next,
      loading: s.loading,
      error: s.error,
      selected: s.selected,
      shownQuery: s.shownQuery
    }))
  )
  const { load, loadMore, select } = useAudit.getState()
  const t = useT()

  useEffect(() => {
    void useAudit.getState().load()
    return () => useAudit.getState().reset()
  }, [])
  useDataChanged('audit', () => void load())

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

  return (
    <section className="screen" aria-labelledby="audit-title">
      <header className="screen-header">
        <div className="screen-heading">
          <h1 id="audit-title">{t('audit.title')}</h1>
          <p className="screen-count">{t('audit.subtitle')}</p>
        </div>
      </header>
      {error ? (
        <Banner
          tone="error"
          action={
            <button type="button" className="button button-sm" onClick={() => void load()}>
              {t('audit.retry')}
            </button>
          }
        >
          {t('audit.loadFailed', { error })}
        </Banner>
      ) : null}
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
                {next === null ? t('audit.startOfLog') : ''}
              </span>
            ) : null}
            {loading === 'more' ? <Spinner label={t('audit.loadingOlder')} /> : null}
          </footer>
        </div>
        {selected ? <AuditDetail event={selected} onClose={() => select(null)} /> : null}
      </div>
    </section>
  )
}
