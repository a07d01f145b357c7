import { useMemo, useState, type JSX } from 'react'
import { createColumnHelper, useTable } from '@tanstack/react-table'
import { DataTable, dataTableFeatures, type DataTableFeatures } from '../../components/data-table'
import { Banner } from '../../components/banner'
import { ConfirmDialog } from '../../components/dialog'
import { DateTime } from '../../components/date-time'
import { EmptyState } from '../../components/empty-state'
import { formatCount } from '../../components/format'
import { Spinner } from '../../components/spinner'
import { useKeysetPages } from '../../components/use-keyset-pages'
import { getBridge } from '../../app/bridge'
import { useDataChanged } from '../../app/data-events'
import { hasPermission, useSession } from '../../app/session-store'
import { roleLabel } from '../../i18n/labels'
import { t as tr, useT } from '../../i18n/i18n'
import { DORMANT_PERIODS, type DormantCursor, type DormantPeriod, type DormantRowDto } from '../../../../shared/contract/login-history'

const helper = createColumnHelper<DataTableFeatures, DormantRowDto>()
const GRID = 'minmax(200px, 2fr) 100px minmax(170px, 1fr) minmax(150px, 1fr)'
const GRID_WITH_TICKS = `44px ${GRID}`
/** Ids fetched per call when deactivating every dormant member. */
const ALL_PAGE = 5000

/**
 * Active members with no sign-in for 30, 60 or 90 days (those who never signed in among them), or
 * who never signed in; Owner and Admin deactivate the ones they tick, or all of them, at once
 * (`users:bulk-deactivate`: all or nothing, audited). The Owner and oneself cannot be deactivated so.
 */
export function DormantTab({ idle, onIdle }: { idle: DormantPeriod; onIdle(idle: DormantPeriod): void }): JSX.Element {
  const t = useT()
  const session = useSession((s) => s.session)
  const canManage = hasPermission(session, 'users:manage')
  const [total, setTotal] = useState<number | null>(null)
  const [ticked, setTicked] = useState<ReadonlySet<string>>(new Set())
  const [confirm, setConfirm] = useState<'ticked' | 'all' | null>(null)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [notice, setNotice] = useState<string | null>(null)
  const pages = useKeysetPages(idle, async (after?: DormantCursor) => {
    const answer = await getBridge().invoke('login-history:dormant', { period: idle, limit: 100, ...(after ? { after } : {}) })
    if (answer.ok && !after) setTotal(answer.value.total)
    return answer
  })
  useDataChanged('users', pages.reload)
  const eligible = (row: DormantRowDto) => row.role !== 'owner' && row.personId !== session?.principal.personId

  const columns = useMemo(() => {
    const list = [
      helper.accessor('name', {
        header: () => tr('dormant.col.person'),
        enableSorting: false,
        cell: (info) => (
          <span className="login-person truncate" title={`${info.getValue()} <${info.row.original.email}>`}>
            <span className="truncate">{info.getValue()}</span>
            <span className="muted truncate">{info.row.original.email}</span>
          </span>
        )
      }),
      helper.accessor('role', { header: () => tr('dormant.col.role'), enableSorting: false, cell: (info) => <span>{roleLabel(tr, info.getValue())}</span> }),
      helper.accessor('lastLoginAt', {
        header: () => tr('dormant.col.last'),
        enableSorting: false,
        cell: (info) => {
          const value = info.getValue()
          return value === null ? <span className="muted">{tr('logins.never')}</span> : <DateTime className="truncate" ms={value} zone />
        }
      }),
      helper.accessor('addedAt', { header: () => tr('dormant.col.added'), enableSorting: false, cell: (info) => <DateTime className="truncate" ms={info.getValue()} /> })
    ]
    if (!canManage) return helper.columns(list)
    return helper.columns([
      helper.display({
        id: 'select',
        header: () => tr('dormant.col.select'),
        cell: (info) => {
          const row = info.row.original
          return (
            <input
              type="checkbox"
              className="row-check"
              tabIndex={-1}
              disabled={!eligible(row)}
              aria-label={tr('users.selectOne', { name: row.name || row.email })}
              checked={ticked.has(row.membershipId)}
              onClick={(event) => event.stopPropagation()}
              onChange={() => {
                const next = new Set(ticked)
                if (!next.delete(row.membershipId)) next.add(row.membershipId)
                setTicked(next)
              }}
            />
          )
        }
      }),
      ...list
    ])
    // eligible reads the session, which the columns follow through canManage and ticked.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [canManage, ticked, session?.principal.personId])
  const table = useTable(
    { features: dataTableFeatures, columns, data: pages.rows, getRowId: (row) => row.membershipId, manualSorting: true, enableSorting: false },
    () => null
  )

  /** Every dormant member one may deactivate, page by page (the list on screen may hold only some). */
  async function allIds(): Promise<string[]> {
    const ids: string[] = []
    let after: DormantCursor | undefined
    do {
      const page = await getBridge().invoke('login-history:dormant', { period: idle, limit: ALL_PAGE, ...(after ? { after } : {}) })
      if (!page.ok) throw new Error(page.error.message)
      ids.push(...page.value.rows.filter(eligible).map((r) => r.membershipId))
      after = page.value.next ?? undefined
    } while (after)
    return ids
  }

  async function deactivate(): Promise<void> {
    setBusy(true)
    setError(null)
    try {
      const membershipIds = confirm === 'all' ? await allIds() : [...ticked]
      if (membershipIds.length === 0) {
        setConfirm(null)
        return
      }
      const answer = await getBridge().invoke('users:bulk-deactivate', { membershipIds })
      if (!answer.ok) {
        setError(answer.error.message)
        return
      }
      setConfirm(null)
      setTicked(new Set())
      setNotice(t('dormant.done', { count: answer.value.changed, shown: formatCount(answer.value.changed) }))
      pages.reload()
    } catch (e) {
      setError((e as Error).message)
    } finally {
      setBusy(false)
    }
  }

  const others = total === null ? 0 : total
  return (
    <>
      <div className="toolbar logins-dormant-toolbar">
        <label className="field-label" htmlFor="dormant-period">
          {t('dormant.period')}
        </label>
        <select id="dormant-period" className="select" value={idle} onChange={(e) => onIdle(e.target.value as DormantPeriod)}>
          {DORMANT_PERIODS.map((p) => (
            <option key={p} value={p}>
              {t(`dormant.period.${p}`)}
            </option>
          ))}
        </select>
        <span className="muted" aria-live="polite">
          {total === null ? '\u00a0' : t('dormant.total', { count: total, shown: formatCount(total) })}
        </span>
        <span className="sa-toolbar-spacer" />
        {canManage ? (
          <>
            <button type="button" className="button button-sm" disabled={ticked.size === 0} onClick={() => setConfirm('ticked')}>
              {t('dormant.deactivateTicked', { count: ticked.size, shown: formatCount(ticked.size) })}
            </button>
            <button type="button" className="button button-sm" disabled={others === 0} onClick={() => setConfirm('all')}>
              {t('dormant.deactivateAll')}
            </button>
          </>
        ) : null}
      </div>
      {notice ? <Banner tone="info">{notice}</Banner> : null}
      {pages.error ? <Banner tone="error">{t('dormant.loadFailed', { error: pages.error })}</Banner> : null}
      <div className="logins-list">
        <DataTable
          table={table}
          label={t('dormant.tableLabel')}
          columns={canManage ? GRID_WITH_TICKS : GRID}
          rowHeight={48}
          hasMore={pages.hasMore}
          loading={pages.loading !== null}
          onEndReached={pages.loadMore}
          resetKey={pages.generation}
          empty={
            <EmptyState title={t('dormant.empty')}>
              <p>{t(idle === 'never' ? 'dormant.emptyNever' : 'dormant.emptyText', { days: idle })}</p>
            </EmptyState>
          }
        />
      </div>
      <footer className="screen-footer" aria-live="polite">
        {pages.loading === 'first' && pages.rows.length === 0 ? <Spinner label={t('loginsPage.loading')} /> : null}
      </footer>
      {confirm ? (
        <ConfirmDialog
          title={confirm === 'all' ? t('dormant.confirmAll', { count: others, shown: formatCount(others) }) : t('dormant.confirmTicked', { count: ticked.size, shown: formatCount(ticked.size) })}
          confirmLabel={t('bulk.deactivate')}
          tone="danger"
          busy={busy}
          error={error}
          onConfirm={() => void deactivate()}
          onCancel={() => {
            setConfirm(null)
            setError(null)
          }}
        >
          <p>{t('bulk.deactivate.body')}</p>
          {confirm === 'all' ? <p className="muted">{t('dormant.allNote')}</p> : null}
          <p className="muted">{t('bulk.allOrNothing')}</p>
        </ConfirmDialog>
      ) : null}
    </>
  )
}
