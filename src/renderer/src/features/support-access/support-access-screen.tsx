import { useState, type JSX } from 'react'
import { ConfirmDialog } from '../../components/dialog'
import { Spinner } from '../../components/spinner'
import { getBridge } from '../../app/bridge'
import type { SupportAccessStatus } from '../../../../shared/contract/support-access'
import { GrantDialog } from './grant-dialog'
import { SupportAgentsList } from './support-agents-list'
import { SupportLogTab } from './support-log-tab'
import { TabList } from '../../components/tab-list'
import { RetryBanner } from '../../components/retry-banner'
import { SupportLoginsTab } from './support-logins-tab'
import { useSupportStatus } from './use-support-status'
import { statusLine } from './countdown'
import { formatCount, formatDateTime } from '../../components/format'
import { useT } from '../../i18n/i18n'
import './support-access.css'

type Open = 'extend' | 'change' | 'disable' | null
/** The tabs' ids start so (#sa-tab-log, #sa-panel-log). */
const TAB_IDS = 'sa'
type Tab = 'log' | 'logins'

/** Settings → Access Control → Support Team Access (the Owner's alone; the core refuses everyone else). */
export function SupportAccessScreen(): JSX.Element {
  const { status, error, remainingMs, reload, replace } = useSupportStatus()
  const [open, setOpen] = useState<Open>(null)
  const [tab, setTab] = useState<Tab>('log')
  const t = useT()
  // The core tells other windows about a change, not the one that made it: the history reloads on this.
  const [changes, setChanges] = useState(0)
  function changed(next: SupportAccessStatus): void {
    replace(next)
    setChanges((n) => n + 1)
    setOpen(null)
  }

  return (
    <section className="screen sa-screen" aria-labelledby="sa-title">
      <header className="screen-header">
        <div className="sa-heading">
          <h1 id="sa-title">{t('sa.title')}</h1>
        </div>
      </header>
      {error ? <RetryBanner message={t('sa.loadFailed', { error })} onRetry={reload} /> : null}
      {status ? (
        <>
          <StatusCard status={status} remainingMs={remainingMs} onOpen={setOpen} />
          <SupportAgentsList agents={status.agents} />
          <div className="sa-tabs">
            <TabList<Tab>
              label={t('sa.history')}
              idPrefix={TAB_IDS}
              tabs={[
                { id: 'log', label: t('sa.tab.log') },
                { id: 'logins', label: t('sa.tab.logins') }
              ]}
              current={tab}
              onSelect={setTab}
            />
            <div className="sa-tabpanel" role="tabpanel" id={`sa-panel-${tab}`} aria-labelledby={`sa-tab-${tab}`}>
              {tab === 'log' ? <SupportLogTab changes={changes} /> : <SupportLoginsTab agents={status.agents} changes={changes} />}
            </div>
          </div>
        </>
      ) : error ? null : (
        <Spinner label={t('sa.loading')} />
      )}
      {status && (open === 'extend' || open === 'change') ? (
        <GrantDialog
          mode={open}
          status={status}
          onCancel={() => setOpen(null)}
          onDone={changed}
        />
      ) : null}
      {status && open === 'disable' ? (
        <DisableDialog
          liveSessions={status.liveSessions}
          onCancel={() => setOpen(null)}
          onDone={changed}
        />
      ) : null}
    </section>
  )
}

function StatusCard(props: { status: SupportAccessStatus; remainingMs: number | null; onOpen(open: Open): void }): JSX.Element {
  const { status, remainingMs, onOpen } = props
  const on = status.state === 'on'
  const t = useT()
  return (
    <div className="sa-card" aria-labelledby="sa-status-heading">
      <div className="sa-card-main">
        <h2 id="sa-status-heading" className="sa-card-title">
          {t('sa.status')}
        </h2>
        <p className={`sa-status ${on ? 'sa-status-on' : 'sa-status-off'}`} data-testid="support-status" aria-live="polite">
          <span className="sa-dot" aria-hidden="true" />
          <span>{statusLine(status, remainingMs)}</span>
        </p>
        {status.trial ? (
          <p className="muted sa-trial" data-testid="support-trial-explanation">
            {t('sa.trialExplanation')}
          </p>
        ) : (
          <p className="muted sa-meta">
            {status.changedBy && status.changedAt !== null
              ? t('sa.lastChanged', { name: status.changedBy.name, when: formatDateTime(status.changedAt, { zone: true }) })
              : t('sa.cannotSignIn')}
            {on ? t('sa.liveNow', { count: status.liveSessions }) : null}
          </p>
        )}
        {on && status.reason ? <p className="sa-meta muted">{t('sa.reason', { reason: status.reason })}</p> : null}
      </div>
      {status.trial ? null : (
        <div className="sa-card-actions">
          <button
            type="button"
            role="switch"
            aria-checked={on}
            className={`sa-switch${on ? ' sa-switch-on' : ''}`}
            onClick={() => onOpen(on ? 'disable' : 'extend')}
          >
            <span className="sa-switch-track" aria-hidden="true">
              <span className="sa-switch-thumb" />
            </span>
            <span>{t('sa.switch')}</span>
          </button>
          {on ? (
            <button type="button" className="button button-sm" onClick={() => onOpen('change')}>
              {t('sa.change')}
            </button>
          ) : null}
        </div>
      )}
    </div>
  )
}

function DisableDialog(props: { liveSessions: number; onCancel(): void; onDone(status: SupportAccessStatus): void }): JSX.Element {
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const t = useT()
  async function confirm(): Promise<void> {
    setBusy(true)
    const result = await getBridge().invoke('support-access:disable', {})
    setBusy(false)
    if (result.ok) props.onDone(result.value.status)
    else setError(result.error.message)
  }
  const live = t('sa.disable.live', { count: formatCount(props.liveSessions) })
  return (
    <ConfirmDialog
      title={t('sa.disable.title')}
      confirmLabel={t('sa.disable.label')}
      tone="danger"
      busy={busy}
      error={error}
      onCancel={props.onCancel}
      onConfirm={() => void confirm()}
    >
      <p>{t('sa.disable.body', { live })}</p>
      <p>{t('sa.disable.body2')}</p>
    </ConfirmDialog>
  )
}
