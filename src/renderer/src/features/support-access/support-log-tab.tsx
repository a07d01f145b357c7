import type { JSX } from 'react'
import { createColumnHelper, useTable } from '@tanstack/react-table'
import { DataTable, dataTableFeatures, type DataTableFeatures } from '../../components/data-table'
import { EmptyState } from '../../components/empty-state'
import { Banner } from '../../components/banner'
import { Spinner } from '../../components/spinner'
import { useCsvExport } from './use-csv-export'
import { formatCount, viewerZoneName } from '../../components/format'
import { getBridge } from '../../app/bridge'
import { useDataChanged } from '../../app/data-events'
import {
  type SupportLogRow
} from '../../../../shared/contract/support-access'
import { PersonCell, TextCell, TimeCell } from './cells'
import { useKeysetPages } from '../../components/use-keyset-pages'
import { t as tr, useT } from '../../i18n/i18n'

const helper = createColumnHelper<DataTableFeatures, SupportLogRow>()
const columns = helper.columns([
  // Eight columns in a 1280 px window: the zone is said once, in the headers, not in every cell.
  helper.accessor('time', { header: () => tr('saLog.col.time', { zone: viewerZoneName() }), enableSorting: false, cell: (info) => <TimeCell ms={info.getValue()} zone={false} /> }),
  helper.accessor('action', {
    header: () => tr('saLog.col.action'),
    enableSorting: false,
    cell: (info) => <TextCell text={tr(`sa.action.${info.getValue()}`)} />
  }),
  // Owner name and Owner email, stacked in one column (the CSV keeps them apart).
  helper.accessor('ownerName', {
    header: () => tr('saLog.col.owner'),
    enableSorting: false,
    cell: (info) =>
      info.row.original.actorKind === 'system' ? (
        <PersonCell name={tr('saLog.system')} email={null} />
      ) : (
        <PersonCell name={info.getValue()} email={info.row.original.ownerEmail} />
      )
  }),
  helper.accessor('duration', { header: () => tr('saLog.col.duration'), enableSorting: false, cell: (info) => <TextCell text={tr(`sa.duration.${info.getValue()}`)} /> }),
  helper.accessor('scope', { header: () => tr('saLog.col.scope'), enableSorting: false, cell: (info) => <TextCell text={info.getValue() === 'full' ? tr('grant.full') : tr('grant.readOnly')} /> }),
  helper.accessor('endsAt', {
    header: () => tr('saLog.col.endsAt', { zone: viewerZoneName() }),
    enableSorting: false,
    cell: (info) => {
      const value = info.getValue()
      return value === null ? <TextCell text={tr('saLog.noEnd')} /> : <TimeCell ms={value} zone={false} />
    }
  }),
  helper.accessor('reason', { header: () => tr('saLog.col.reason'), enableSorting: false, cell: (info) => <TextCell text={info.getValue() ?? '—'} /> }),
  helper.accessor('sessionsEnded', {
    header: () => tr('saLog.col.sessionsEnded'),
    enableSorting: false,
    cell: (info) => <span className="tabular">{formatCount(info.getValue())}</span>
  })
])
// Fits a 1280 px window (992 px beside the sidebar): the last column is never cut.
const GRID = '148px 84px minmax(126px, 1.4fr) 72px 72px 136px minmax(84px, 1fr) 112px'

/** The support-access log: every Extend, Change, Disable, Expire and Trial conversion, newest first. */
export function SupportLogTab({ changes }: { changes: number }): JSX.Element {
  const { exporting, exportError, exportCsv } = useCsvExport(() => getBridge().invoke('support-access:export-log', {}))
  const { rows, hasMore, loading, error, generation, loadMore, reload } = useKeysetPages(`log|${changes}`, (before?: number) =>
    getBridge().invoke('support-access:log', { limit: 100, ...(before === undefined ? {} : { before }) })
  )
  useDataChanged('support-access', reload)
  const t = useT()

  const table = useTable(
    { features: dataTableFeatures, columns, data: rows, getRowId: (row) => String(row.id), manualSorting: true, enableSorting: false },
    () => null
  )

  return (
    <div className="sa-tab-body">
      <div className="toolbar sa-tab-toolbar">
        <span className="muted sa-tab-note">{t('saLog.note')}</span>
        <button type="button" className="button button-sm" onClick={() => void exportCsv()} disabled={exporting}>
          {exporting ? t('sa.exporting') : t('sa.exportCsv')}
        </button>
      </div>
      {error ? <Banner tone="error">{t('saLog.loadFailed', { error })}</Banner> : null}
      {exportError ? <Banner tone="error">{t('saLog.exportFailed', { error: exportError })}</Banner> : null}
      <DataTable
        table={table}
        label={t('saLog.tableLabel')}
        columns={GRID}
        rowHeight={48}
        hasMore={hasMore}
        loading={loading !== null}
        onEndReached={loadMore}
        resetKey={generation}
        empty={
          <EmptyState title={t('saLog.empty')}>
            <p>{t('saLog.emptyText')}</p>
          </EmptyState>
        }
      />
      <footer className="screen-footer" aria-live="polite">
        {loading === 'first' && rows.length === 0 ? <Spinner label={t('saLog.loading')} /> : null}
        {rows.length > 0 ? <span>{t('saLog.entries', { count: rows.length })}</span> : null}
      </footer>
    </div>
  )
}

