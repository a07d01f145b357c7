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
  SUPPORT_DURATION_LABELS,
  SUPPORT_LOG_ACTION_LABELS,
  type SupportLogRow
} from '../../../../shared/contract/support-access'
import { PersonCell, TextCell, TimeCell } from './cells'
import { useKeysetPages } from './use-keyset-pages'

const helper = createColumnHelper<DataTableFeatures, SupportLogRow>()
const columns = helper.columns([
  // Eight columns in a 1280 px window: the zone is said once, in the headers, not in every cell.
  helper.accessor('time', { header: () => `Date and time (${viewerZoneName()})`, enableSorting: false, cell: (info) => <TimeCell ms={info.getValue()} zone={false} /> }),
  helper.accessor('action', {
    header: 'Action',
    enableSorting: false,
    cell: (info) => <TextCell text={SUPPORT_LOG_ACTION_LABELS[info.getValue()]} />
  }),
  // Owner name and Owner email, stacked in one column (the CSV keeps them apart).
  helper.accessor('ownerName', {
    header: 'Owner',
    enableSorting: false,
    cell: (info) =>
      info.row.original.actorKind === 'system' ? (
        <PersonCell name="System" email={null} />
      ) : (
        <PersonCell name={info.getValue()} email={info.row.original.ownerEmail} />
      )
  }),
  helper.accessor('duration', { header: 'Duration', enableSorting: false, cell: (info) => <TextCell text={SUPPORT_DURATION_LABELS[info.getValue()]} /> }),
  helper.accessor('scope', { header: 'Scope', enableSorting: false, cell: (info) => <TextCell text={info.getValue() === 'full' ? 'Full' : 'Read-only'} /> }),
  helper.accessor('endsAt', {
    header: () => `End time (${viewerZoneName()})`,
    enableSorting: false,
    cell: (info) => {
      const value = info.getValue()
      return value === null ? <TextCell text="No end date" /> : <TimeCell ms={value} zone={false} />
    }
  }),
  helper.accessor('reason', { header: 'Reason', enableSorting: false, cell: (info) => <TextCell text={info.getValue() ?? '—'} /> }),
  helper.accessor('sessionsEnded', {
    header: 'Sessions ended',
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

  const table = useTable(
    { features: dataTableFeatures, columns, data: rows, getRowId: (row) => String(row.id), manualSorting: true, enableSorting: false },
    () => null
  )

  return (
    <div className="sa-tab-body">
      <div className="toolbar sa-tab-toolbar">
        <span className="muted sa-tab-note">Every change to support access, newest first. Each is also in the audit log.</span>
        <button type="button" className="button button-sm" onClick={() => void exportCsv()} disabled={exporting}>
          {exporting ? 'Exporting…' : 'Export CSV'}
        </button>
      </div>
      {error ? <Banner tone="error">Could not load the support access log: {error}</Banner> : null}
      {exportError ? <Banner tone="error">Could not export the log: {exportError}</Banner> : null}
      <DataTable
        table={table}
        label="Support access log"
        columns={GRID}
        rowHeight={48}
        hasMore={hasMore}
        loading={loading !== null}
        onEndReached={loadMore}
        resetKey={generation}
        empty={
          <EmptyState title="Support access has not been changed yet">
            <p>Turning it on, changing it, turning it off and expiry are recorded here.</p>
          </EmptyState>
        }
      />
      <footer className="screen-footer" aria-live="polite">
        {loading === 'first' && rows.length === 0 ? <Spinner label="Loading the log…" /> : null}
        {rows.length > 0 ? <span>{rows.length === 1 ? '1 entry' : `${formatCount(rows.length)} entries`}</span> : null}
      </footer>
    </div>
  )
}

