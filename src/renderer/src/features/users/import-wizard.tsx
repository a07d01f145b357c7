import { useId, useState, type JSX } from 'react'
import { createColumnHelper, useTable } from '@tanstack/react-table'
import { Dialog } from '../../components/dialog'
import { Banner } from '../../components/banner'
import { Badge } from '../../components/badge'
import { DataTable, dataTableFeatures, type DataTableFeatures } from '../../components/data-table'
import { EmptyState } from '../../components/empty-state'
import { downloadText } from '../../components/download'
import { formatCount, plural } from '../../components/format'
import { getBridge } from '../../app/bridge'
import { CSV_MAX_BYTES, USERS_CSV_TEMPLATE, type ImportReport, type ImportRowResult, type InvitationDelivery } from '../../../../shared/contract/users'
import { InvitationResults } from './invite-dialog'

type Step = { kind: 'choose' } | { kind: 'preview'; csv: string; fileName: string; report: ImportReport } | { kind: 'done'; report: ImportReport; invited: InvitationDelivery[] }

const helper = createColumnHelper<DataTableFeatures, ImportRowResult>()
const previewColumns = helper.columns([
  helper.accessor('row', { id: 'row', header: 'Row', enableSorting: false, cell: (info) => <span className="muted tabular">{formatCount(info.getValue())}</span> }),
  helper.accessor('email', {
    id: 'email',
    header: 'Email',
    enableSorting: false,
    cell: (info) => (
      <span className="truncate" title={info.getValue()}>
        {info.getValue() || <span className="muted">(empty)</span>}
      </span>
    )
  }),
  helper.accessor('name', {
    id: 'name',
    header: 'Name',
    enableSorting: false,
    cell: (info) => (
      <span className="truncate" title={info.getValue()}>
        {info.getValue()}
      </span>
    )
  }),
  helper.accessor('role', {
    id: 'role',
    header: 'Role',
    enableSorting: false,
    cell: (info) => (
      <span className="truncate" title={info.getValue()}>
        {info.getValue()}
      </span>
    )
  }),
  helper.accessor('teams', {
    id: 'teams',
    header: 'Teams',
    enableSorting: false,
    cell: (info) => (
      <span className="truncate" title={info.getValue().join(', ')}>
        {info.getValue().join(', ')}
      </span>
    )
  }),
  helper.accessor('status', {
    id: 'status',
    header: 'Result',
    enableSorting: false,
    cell: (info) =>
      info.getValue() === 'ok' ? (
        <Badge tone="green">Ready</Badge>
      ) : (
        // The reason is never clipped unseen: it ends in "…" where the column is too narrow, and the
        // whole reason is the cell's tooltip (and its text for screen readers).
        <span className="import-reason truncate" title={info.row.original.reason ?? undefined}>
          <Badge tone="red">Refused</Badge>{' '}
          <span className="truncate">{info.row.original.reason}</span>
        </span>
      )
  })
])
const PREVIEW_GRID = '52px minmax(160px, 1.5fr) minmax(110px, 1fr) 64px minmax(100px, 1fr) minmax(220px, 2.2fr)'

/** CSV invite: template, upload, a preview of every row, then only the valid rows are sent. */
export function ImportWizard({ onClose }: { onClose(): void }): JSX.Element {
  const [step, setStep] = useState<Step>({ kind: 'choose' })
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const fileId = useId()
  const [dragging, setDragging] = useState(false)

  /** A file dropped on the drop zone: one CSV, as the picker takes. */
  function drop(files: FileList): void {
    setDragging(false)
    if (files.length !== 1) {
      setError(files.length === 0 ? 'Nothing was dropped: drop a CSV file, or choose one.' : `${formatCount(files.length)} files were dropped; drop one CSV file at a time.`)
      return
    }
    const file = files[0]!
    if (!/\.csv$/i.test(file.name) && file.type !== 'text/csv') {
      setError(`${file.name} is not a CSV file. Save the sheet as CSV (UTF-8) and drop that.`)
      return
    }
    void pick(file)
  }

  async function pick(file: File | undefined): Promise<void> {
    setError(null)
    if (!file) return
    // The core refuses it too; checking here spares reading and sending 10 MB for nothing.
    if (file.size > CSV_MAX_BYTES) {
      setError(`${file.name} is larger than 10 MB (${formatCount(Math.ceil(file.size / 1024 / 1024))} MB). Split it into smaller files.`)
      return
    }
    setBusy(true)
    const csv = await file.text()
    const result = await getBridge().invoke('users:import-preview', { csv })
    setBusy(false)
    if (!result.ok) {
      setError(result.error.message)
      return
    }
    setStep({ kind: 'preview', csv, fileName: file.name, report: result.value })
  }

  async function commit(csv: string): Promise<void> {
    setBusy(true)
    setError(null)
    const result = await getBridge().invoke('users:import-commit', { csv })
    setBusy(false)
    if (!result.ok) {
      setError(result.error.message)
      return
    }
    setStep({ kind: 'done', report: result.value, invited: result.value.invited })
  }

  if (step.kind === 'choose') {
    return (
      <Dialog
        title="Import users from CSV"
        onClose={onClose}
        footer={
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
        }
      >
        <p className="muted">
          One person per row with the columns <code>email</code>, <code>name</code>, <code>role</code> (admin, agent or viewer) and{' '}
          <code>teams</code> (separated by “;”). At most 10 MB and 50,000 rows.
        </p>
        <div>
          <button type="button" className="button button-sm" onClick={() => downloadText('gatehouse-users-template.csv', USERS_CSV_TEMPLATE)}>
            Download template
          </button>
        </div>
        <div
          className={`field import-drop${dragging ? ' import-drop-active' : ''}`}
          data-testid="import-drop"
          onDragEnter={(e) => {
            e.preventDefault()
            if (!busy) setDragging(true)
          }}
          onDragOver={(e) => {
            e.preventDefault()
            e.dataTransfer.dropEffect = busy ? 'none' : 'copy'
          }}
          onDragLeave={(e) => {
            if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setDragging(false)
          }}
          onDrop={(e) => {
            e.preventDefault()
            if (!busy) drop(e.dataTransfer.files)
          }}
        >
          <label className="field-label" htmlFor={fileId}>
            CSV file
          </label>
          <p className="muted import-drop-hint">Drop the file here, or choose it:</p>
          <input id={fileId} className="file-input" type="file" accept=".csv,text/csv" disabled={busy} onChange={(e) => void pick(e.target.files?.[0])} />
        </div>
        {busy ? <p className="muted">Checking every row…</p> : null}
        {error ? <Banner tone="error">{error}</Banner> : null}
      </Dialog>
    )
  }

  if (step.kind === 'preview') {
    const { report } = step
    return (
      <Dialog
        title={`Preview of ${step.fileName}`}
        size="lg"
        onClose={onClose}
        footer={
          <>
            {report.errorReportCsv ? (
              <button type="button" className="button footer-left" onClick={() => downloadText('import-errors.csv', report.errorReportCsv ?? '')}>
                Download error report
              </button>
            ) : null}
            <button type="button" className="button" onClick={() => setStep({ kind: 'choose' })}>
              Choose another file
            </button>
            <button type="button" className="button button-primary" disabled={busy || report.okCount === 0} onClick={() => void commit(step.csv)}>
              {busy ? 'Sending…' : `Invite ${plural(report.okCount, 'valid row', 'valid rows')}`}
            </button>
          </>
        }
      >
        <ImportSummary report={report} />
        {error ? <Banner tone="error">{error}</Banner> : null}
        <PreviewTable rows={report.rows} />
      </Dialog>
    )
  }

  const { report, invited } = step
  return (
    <Dialog
      title={`${plural(invited.length, 'person', 'people')} invited`}
      size="lg"
      onClose={onClose}
      footer={
        <>
          {report.errorReportCsv ? (
            <button type="button" className="button footer-left" onClick={() => downloadText('import-errors.csv', report.errorReportCsv ?? '')}>
              Download error report
            </button>
          ) : null}
          <button type="button" className="button button-primary" onClick={onClose}>
            Done
          </button>
        </>
      }
    >
      {report.errorCount > 0 ? <Banner tone="warning">{plural(report.errorCount, 'row was', 'rows were')} refused and not written.</Banner> : null}
      <InvitationResults deliveries={invited} />
    </Dialog>
  )
}

function ImportSummary({ report }: { report: ImportReport }): JSX.Element {
  return (
    <p className="import-summary" data-testid="import-summary">
      <Badge tone="green">{plural(report.okCount, 'row ready', 'rows ready')}</Badge>{' '}
      {report.errorCount > 0 ? <Badge tone="red">{plural(report.errorCount, 'row refused', 'rows refused')}</Badge> : null}{' '}
      <span className="muted">
        Seats: {formatCount(report.seats.used)} of {formatCount(report.seats.total)} in use.
      </span>
    </p>
  )
}

function PreviewTable({ rows }: { rows: ImportRowResult[] }): JSX.Element {
  const table = useTable({ features: dataTableFeatures, columns: previewColumns, data: rows, getRowId: (row) => String(row.row), manualSorting: true })
  return (
    <div className="import-preview">
      <DataTable
        table={table}
        label="Import preview"
        columns={PREVIEW_GRID}
        rowHeight={36}
        totalRows={rows.length}
        hasMore={false}
        loading={false}
        onEndReached={noop}
        resetKey="preview"
        empty={<EmptyState title="The file has no rows" />}
      />
    </div>
  )
}

function noop(): void {}
