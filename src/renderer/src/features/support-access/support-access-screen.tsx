import { useState, type JSX, type KeyboardEvent } from 'react'
import { Banner } from '../../components/banner'
import { ConfirmDialog } from '../../components/dialog'
import { Spinner } from '../../components/spinner'
import { getBridge } from '../../app/bridge'
import type { SupportAccessStatus } from '../../../../shared/contract/support-access'
import { GrantDialog } from './grant-dialog'
import { SupportAgentsList } from './support-agents-list'
import { SupportLogTab } from './support-log-tab'
import { SupportLoginsTab } from './support-logins-tab'
import { useSupportStatus } from './use-support-status'
import { statusLine } from './countdown'
import { formatCount, formatDateTime, plural } from '../../components/format'
import './support-access.css'

type Open = 'extend' | 'change' | 'disable' | null
type Tab = 'log' | 'logins'

/** Settings → Access Control → Support Team Access (the Owner's alone; the core refuses everyone else). */
export function SupportAccessScreen(): JSX.Element {
  const { status, error, remainingMs, reload, replace } = useSupportStatus()
  const [open, setOpen] = useState<Open>(null)
  const [tab, setTab] = useState<Tab>('log')
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
          <h1 id="sa-title">Support Team Access</h1>
        </div>
      </header>
      {error ? (
        <Banner
          tone="error"
          action={
            <button type="button" className="button button-sm" onClick={reload}>
              Retry
            </button>
          }
        >
          Could not load support access: {error}
        </Banner>
      ) : null}
      {status ? (
        <>
          <StatusCard status={status} remainingMs={remainingMs} onOpen={setOpen} />
          <SupportAgentsList agents={status.agents} />
          <div className="sa-tabs">
            <div className="sa-tablist" role="tablist" aria-label="Support access history">
              <TabButton id="log" label="Log" current={tab} onSelect={setTab} />
              <TabButton id="logins" label="Support login history" current={tab} onSelect={setTab} />
            </div>
            <div className="sa-tabpanel" role="tabpanel" id={`sa-panel-${tab}`} aria-labelledby={`sa-tab-${tab}`}>
              {tab === 'log' ? <SupportLogTab changes={changes} /> : <SupportLoginsTab agents={status.agents} changes={changes} />}
            </div>
          </div>
        </>
      ) : error ? null : (
        <Spinner label="Loading support access…" />
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
  return (
    <div className="sa-card" aria-labelledby="sa-status-heading">
      <div className="sa-card-main">
        <h2 id="sa-status-heading" className="sa-card-title">
          Status
        </h2>
        <p className={`sa-status ${on ? 'sa-status-on' : 'sa-status-off'}`} data-testid="support-status" aria-live="polite">
          <span className="sa-dot" aria-hidden="true" />
          <span>{statusLine(status, remainingMs)}</span>
        </p>
        {status.trial ? (
          <p className="muted sa-trial" data-testid="support-trial-explanation">
            {status.trialExplanation}
          </p>
        ) : (
          <p className="muted sa-meta">
            {status.changedBy && status.changedAt !== null
              ? `Last changed by ${status.changedBy.name} on ${formatDateTime(status.changedAt, { zone: true })}. `
              : 'Support agents cannot sign in to this account until you turn access on. '}
            {on ? `${plural(status.liveSessions, 'support session', 'support sessions')} live now.` : null}
          </p>
        )}
        {on && status.reason ? <p className="sa-meta muted">Reason: {status.reason}</p> : null}
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
            <span>Support access</span>
          </button>
          {on ? (
            <button type="button" className="button button-sm" onClick={() => onOpen('change')}>
              Change duration or scope
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
  async function confirm(): Promise<void> {
    setBusy(true)
    const result = await getBridge().invoke('support-access:disable', {})
    setBusy(false)
    if (result.ok) props.onDone(result.value.status)
    else setError(result.error.message)
  }
  const live = `${formatCount(props.liveSessions)} live now`
  return (
    <ConfirmDialog
      title="Turn off support access?"
      confirmLabel="Turn off"
      tone="danger"
      busy={busy}
      error={error}
      onCancel={props.onCancel}
      onConfirm={() => void confirm()}
    >
      <p>Every live support session ends at once — {live}.</p>
      <p>Support agents cannot sign in again until you turn access back on.</p>
    </ConfirmDialog>
  )
}

function TabButton(props: { id: Tab; label: string; current: Tab; onSelect(tab: Tab): void }): JSX.Element {
  const selected = props.id === props.current
  // Arrow keys move between the two tabs (WAI-ARIA tabs pattern, automatic activation).
  function onKeyDown(event: KeyboardEvent<HTMLButtonElement>): void {
    if (event.key !== 'ArrowLeft' && event.key !== 'ArrowRight') return
    event.preventDefault()
    const other: Tab = props.id === 'log' ? 'logins' : 'log'
    props.onSelect(other)
    document.getElementById(`sa-tab-${other}`)?.focus()
  }
  return (
    <button
      type="button"
      role="tab"
      id={`sa-tab-${props.id}`}
      aria-selected={selected}
      aria-controls={`sa-panel-${props.id}`}
      tabIndex={selected ? 0 : -1}
      className={`sa-tab${selected ? ' sa-tab-selected' : ''}`}
      onClick={() => props.onSelect(props.id)}
      onKeyDown={onKeyDown}
    >
      {props.label}
    </button>
  )
}
