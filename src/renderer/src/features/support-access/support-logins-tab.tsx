import { useId, useState, type JSX } from 'react'
import { createColumnHelper, useTable } from '@tanstack/react-table'
import type { z } from 'zod'
import { DataTable, dataTableFeatures, type DataTableFeatures } from '../../components/data-table'
import { EmptyState } from '../../components/empty-state'
import { Banner } from '../../components/banner'
import { Badge } from '../../components/badge'
import { Spinner } from '../../components/spinner'
import { useCsvExport } from './use-csv-export'
import { getBridge } from '../../app/bridge'
import { useDataChanged } from '../../app/data-events'
import {
  type SupportAgentRow,
  type SupportLoginRow,
  type supportLoginCursor
} from '../../../../shared/contract/support-access'
import { PersonCell, TextCell, TimeCell, formatSessionLength } from './cells'
import { useKeysetPages } from '../../components/use-keyset-pages'
import { t as tr, useT, type MessageKey } from '../../i18n/i18n'

type Cursor = z.infer<typeof supportLoginCursor>

const helper = createColumnHelper<DataTableFeatures, SupportLoginRow>()
const columns = helper.columns([
  helper.accessor('agentName', {
    header: () => tr('saLogins.col.agent'),
    enableSorting: false,
    cell: (info) => <PersonCell name={info.getValue()} email={info.row.original.agentEmail} />
  }),
  helper.accessor('loginAt', { header: () => tr('saLogins.col.login'), enableSorting: false, cell: (info) => <TimeCell ms={info.getValue()} /> }),
  helper.accessor('logoutAt', {
    header: () => tr('saLogins.col.logout'),
    enableSorting: false,
    cell: (info) => {
      const value = info.getValue()
      return value === null ? <TextCell text="—" /> : <TimeCell ms={value} />
    }
  }),
  helper.accessor('durationMs', {
    header: () => tr('saLogins.col.duration'),
    enableSorting: false,
    cell: (info) => {
      const value = info.getValue()
      return <span className="tabular">{value === null ? '—' : formatSessionLength(value)}</span>
    }
  }),
  helper.accessor('endReason', {
    header: () => tr('saLogins.col.ended'),
    enableSorting: false,
    cell: (info) => {
      const value = info.getValue()
      return value === null ? <Badge tone="green">{tr('saLogins.signedInNow')}</Badge> : <TextCell text={tr(`sa.end.${value}`)} />
    }
  }),
  helper.accessor('ip', { header: () => tr('saLogins.col.ip'), enableSorting: false, cell: (info) => <TextCell text={info.getValue() ?? '—'} /> }),
  helper.accessor('device', { header: () => tr('saLogins.col.device'), enableSorting: false, cell: (info) => <TextCell text={info.getValue() ?? '—'} /> })
])
const GRID = 'minmax(170px, 1.5fr) 164px 164px 76px 124px 100px minmax(100px, 1fr)'

const PERIODS = {
  all: { label: 'saLogins.period.all', ms: null },
  day: { label: 'saLogins.period.day', ms: 24 * 3_600_000 },
  week: { label: 'saLogins.period.week', ms: 7 * 24 * 3_600_000 },
  month: { label: 'saLogins.period.month', ms: 30 * 24 * 3_600_000 }
} as const satisfies Record<string, { label: MessageKey; ms: number | null }>
type Period = keyof typeof PERIODS

/** One row per support session in this account: who, when, how long, how it ended, from where. */
export function SupportLoginsTab({ agents, changes }: { agents: SupportAgentRow[]; changes: number }): JSX.Element {
  const [period, setPeriod] = useState<Period>('all')
  const [agentId, setAgentId] = useState('')
  const periodId = useId()
  const agentFieldId = useId()
  const t = useT()

  // The period counts back from when it was chosen, so the query key carries that moment.
  const [periodStart, setPeriodStart] = useState<number | null>(null)
  const filters = { ...(periodStart === null ? {} : { from: periodStart }), ...(agentId ? { agentId } : {}) }
  const { rows, hasMore, loading, error, generation, loadMore, reload } = useKeysetPages(`${periodStart}|${agentId}|${changes}`, (after?: Cursor) =>
    getBridge().invoke('support-access:logins', { ...filters, limit: 100, ...(after ? { after } : {}) })
  )
  // Support sign-ins and session ends reach the Owner as support-access changes.
  useDataChanged('support-access', reload)

  function choosePeriod(value: Period): void {
    setPeriod(value)
    const span = PERIODS[value].ms
    setPeriodStart(span === null ? null : Date.now() - span)
  }

  const { exporting, exportError, exportCsv } = useCsvExport(() => getBridge().invoke('support-access:export-logins', filters))

  const table = useTable(
    { features: dataTableFeatures, columns, data: rows, getRowId: (row) => row.id, manualSorting: true, enableSorting: false },
    () => null
  )
  const filtered = period !== 'all' || agentId !== ''

  return (
    <div className="sa-tab-body">
      <div className="toolbar sa-tab-toolbar">
        <div className="sa-filter">
          <label className="field-label" htmlFor={periodId}>
            {t('saLogins.period')}
          </label>
          <select id={periodId} className="select" value={period} onChange={(event) => choosePeriod(event.target.value as Period)}>
            {Object.entries(PERIODS).map(([value, { label }]) => (
              <option key={value} value={value}>
                {t(label)}
              </option>
            ))}
          </select>
        </div>
        <div className="sa-filter">
          <label className="field-label" htmlFor={agentFieldId}>
            {t('saLogins.agent')}
          </label>
          <select id={agentFieldId} className="select" value={agentId} onChange={(event) => setAgentId(event.target.value)}>
            <option value="">{t('saLogins.allAgents')}</option>
            {agents.map((agent) => (
              <option key={agent.id} value={agent.id}>
                {t('saLogins.agentOption', { name: agent.name, email: agent.email })}
              </option>
            ))}
          </select>
        </div>
        <span className="sa-toolbar-spacer" />
        <button type="button" className="button button-sm" onClick={() => void exportCsv()} disabled={exporting}>
          {exporting ? t('sa.exporting') : t('sa.exportCsv')}
        </button>
      </div>
      {error ? <Banner tone="error">{t('saLogins.loadFailed', { error })}</Banner> : null}
      {exportError ? <Banner tone="error">{t('saLogins.exportFailed', { error: exportError })}</Banner> : null}
      <DataTable
        table={table}
        label={t('saLogins.tableLabel')}
        columns={GRID}
        rowHeight={48}
        hasMore={hasMore}
        loading={loading !== null}
        onEndReached={loadMore}
        resetKey={generation}
        empty={
          filtered ? (
            <EmptyState title={t('saLogins.noMatch')} />
          ) : (
            <EmptyState title={t('saLogins.none')}>
              <p>{t('saLogins.noneText')}</p>
            </EmptyState>
          )
        }
      />
      <footer className="screen-footer" aria-live="polite">
        {loading === 'first' && rows.length === 0 ? <Spinner label={t('saLogins.loading')} /> : null}
        {rows.length > 0 ? <span>{t('saLogins.sessions', { count: rows.length })}</span> : null}
      </footer>
    </div>
  )
}
