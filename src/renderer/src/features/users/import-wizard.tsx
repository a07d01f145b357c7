import { useId, useState, type JSX } from 'react'
import { createColumnHelper, useTable } from '@tanstack/react-table'
import { Dialog } from '../../components/dialog'
import { Banner } from '../../components/banner'
import { Badge } from '../../components/badge'
import { DataTable, dataTableFeatures, type DataTableFeatures } from '../../components/data-table'
import { EmptyState } from '../../components/empty-state'
import { downloadText } from '../../components/download'
import { formatCount } from '../../components/format'
import { t as tr, useT } from '../../i18n/i18n'
import { getBridge } from '../../app/bridge'
import { CSV_MAX_BYTES, USERS_CSV_TEMPLATE, type ImportReport, type ImportRowResult, type InvitationDelivery } from '../../../../shared/contract/users'
import { InvitationResults } from './invite-dialog'

type Step = { kind: 'choose' } | { kind: 'preview'; csv: string; fileName: string; report: ImportReport } | { kind: 'done'; report: ImportReport; invited: InvitationDelivery[] }

const helper = createColumnHelper<DataTableFeatures, ImportRowResult>()
const previewColumns = helper.columns([
  helper.accessor('row', { id: 'row', header: () => tr('import.col.row'), enableSorting: false, cell: (info) => <span className="muted tabular">{formatCount(info.getValue())}</span> }),
  helper.accessor('email', {
    id: 'email',
    header: () => tr('import.col.email'),
    enableSorting: false,
    cell: (info) => (
      <span className="truncate" title={info.getValue()}>
        {info.getValue() || <span className="muted">{tr('import.empty')}</span>}
      </span>
    )
  }),
  helper.accessor('name', {
    id: 'name',
    header: () => tr('import.col.name'),
    enableSorting: false,
    cell: (info) => (
      <span className="truncate" title={info.getValue()}>
        {info.getValue()}
      </span>
    )
  }),
  helper.accessor('role', {
    id: 'role',
    header: () => tr('import.col.role'),
    enableSorting: false,
    cell: (info) => (
      <span className="truncate" title={info.getValue()}>
        {info.getValue()}
      </span>
    )
  }),
  helper.accessor('teams', {
    id: 'teams',
    header: () => tr('import.col.teams'),
    enableSorting: false,
    cell: (info) => (
      <span className="truncate" title={info.getValue().join(', ')}>
        {info.getValue().join(', ')}
      </span>
    )
  }),
  helper.accessor('status', {
    id: 'status',
    header: () => tr('import.col.result'),
    enableSorting: false,
    cell: (info) =>
      info.getValue() === 'ok' ? (
        <Badge tone="green">{tr('import.ready')}</Badge>
      ) : (
        // The reason is never clipped unseen: it ends in "…" where the column is too narrow, and the
        // whole reason is the cell's tooltip (and its text for screen readers).
        <span className="import-reason truncate" title={info.row.original.reason ?? undefined}>
          <Badge tone="red">{tr('import.refused')}</Badge>{' '}
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
  const t = useT()

  /** A file dropped on the drop zone: one CSV, as the picker takes. */
  function drop(files: FileList): void {
    setDragging(false)
    if (files.length !== 1) {
      setError(files.length === 0 ? t('import.nothingDropped') : t('import.manyDropped', { count: formatCount(files.length) }))
      return
    }
    const file = files[0]!
    if (!/\.csv$/i.test(file.name) && file.type !== 'text/csv') {
      setError(t('import.notCsv', { name: file.name }))
      return
    }
    void pick(file)
  }

  async function pick(file: File | undefined): Promise<void> {
    setError(null)
    if (!file) return
    // The core refuses it too; checking here spares reading and sending 10 MB for nothing.
    if (file.size > CSV_MAX_BYTES) {
      setError(t('import.tooLarge', { name: file.name, size: formatCount(Math.ceil(file.size / 1024 / 1024)) }))
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
        title={t('import.title')}
        onClose={onClose}
        footer={
          <button type="button" className="button" onClick={onClose}>
            {t('common.cancel')}
          </button>
        }
      >
        <p className="muted">{t.rich('import.intro', { code: (chunks) => <code>{chunks}</code> })}</p>
        <div>
          <button type="button" className="button button-sm" onClick={() => downloadText('gatehouse-users-template.csv', USERS_CSV_TEMPLATE)}>
            {t('import.template')}
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
            {t('import.file')}
          </label>
          <p className="muted import-drop-hint">{t('import.dropHint')}</p>
          <input id={fileId} className="file-input" type="file" accept=".csv,text/csv" disabled={busy} onChange={(e) => void pick(e.target.files?.[0])} />
        </div>
        {busy ? <p className="muted">{t('import.checking')}</p> : null}
        {error ? <Banner tone="error">{error}</Banner> : null}
      </Dialog>
    )
  }

  if (step.kind === 'preview') {
    const { report } = step
    return (
      <Dialog
        title={t('import.previewOf', { name: step.fileName })}
        size="lg"
        onClose={onClose}
        footer={
          <>
            {report.errorReportCsv ? (
              <button type="button" className="button footer-left" onClick={() => downloadText('import-errors.csv', report.errorReportCsv ?? '')}>
                {t('import.errorReport')}
              </button>
            ) : null}
            <button type="button" className="button" onClick={() => setStep({ kind: 'choose' })}>
              {t('import.another')}
            </button>
            <button type="button" className="button button-primary" disabled={busy || report.okCount === 0} onClick={() => void commit(step.csv)}>
              {busy ? t('import.sending') : t('import.invite', { count: report.okCount })}
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
      title={t('import.invited', { count: invited.length })}
      size="lg"
      onClose={onClose}
      footer={
        <>
          {report.errorReportCsv ? (
            <button type="button" className="button footer-left" onClick={() => downloadText('import-errors.csv', report.errorReportCsv ?? '')}>
              {t('import.errorReport')}
            </button>
          ) : null}
          <button type="button" className="button button-primary" onClick={onClose}>
            {t('invite.done')}
          </button>
        </>
      }
    >
      {report.errorCount > 0 ? <Banner tone="warning">{t('import.refusedNotWritten', { count: report.errorCount })}</Banner> : null}
      <InvitationResults deliveries={invited} />
    </Dialog>
  )
}

function ImportSummary({ report }: { report: ImportReport }): JSX.Element {
  const t = useT()
  return (
    <p className="import-summary" data-testid="import-summary">
      <Badge tone="green">{t('import.rowsReady', { count: report.okCount })}</Badge>{' '}
      {report.errorCount > 0 ? <Badge tone="red">{t('import.rowsRefused', { count: report.errorCount })}</Badge> : null}{' '}
      <span className="muted">{t('import.seats', { used: formatCount(report.seats.used), total: formatCount(report.seats.total) })}</span>
    </p>
  )
}

function PreviewTable({ rows }: { rows: ImportRowResult[] }): JSX.Element {
  const t = useT()
  const table = useTable({ features: dataTableFeatures, columns: previewColumns, data: rows, getRowId: (row) => String(row.row), manualSorting: true })
  return (
    <div className="import-preview">
      <DataTable
        table={table}
        label={t('import.previewLabel')}
        columns={PREVIEW_GRID}
        rowHeight={36}
        totalRows={rows.length}
        hasMore={false}
        loading={false}
        onEndReached={noop}
        resetKey="preview"
        empty={<EmptyState title={t('import.noRows')} />}
      />
    </div>
  )
}

function noop(): void {}
