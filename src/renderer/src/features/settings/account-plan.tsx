import { useCallback, useEffect, useState, type JSX } from 'react'
import { Banner } from '../../components/banner'
import { Badge } from '../../components/badge'
import { ConfirmDialog } from '../../components/dialog'
import { Spinner } from '../../components/spinner'
import { formatCount, formatDateTime, plural } from '../../components/format'
import { getBridge } from '../../app/bridge'
import { useDataChanged } from '../../app/data-events'
import { hasPermission, useSession } from '../../app/session-store'
import type { OutputOf } from '../../../../shared/contract'
import './account-plan.css'

type Account = OutputOf<'settings:account'>

/**
 * Settings → Account, the plan: shown to everyone who may read the account; the Owner of a trial
 * account can convert it to paid here, which also turns support access off.
 */
export function AccountPlanSection(): JSX.Element {
  const session = useSession((s) => s.session)
  const [account, setAccount] = useState<Account | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [confirming, setConfirming] = useState(false)
  const [busy, setBusy] = useState(false)
  const [convertError, setConvertError] = useState<string | null>(null)
  const [converted, setConverted] = useState<number | null>(null)

  const [version, setVersion] = useState(0)
  const load = useCallback(() => setVersion((v) => v + 1), [])
  useEffect(() => {
    void getBridge()
      .invoke('settings:account', {})
      .then((result) => {
        if (result.ok) {
          setAccount(result.value)
          setError(null)
        } else setError(result.error.message)
      })
  }, [version])
  useDataChanged('account', load)

  async function convert(): Promise<void> {
    setBusy(true)
    const result = await getBridge().invoke('account:convert-to-paid', {})
    setBusy(false)
    if (!result.ok) {
      setConvertError(result.error.message)
      return
    }
    setConfirming(false)
    setConverted(result.value.sessionsEnded)
    load()
  }

  const isOwner = hasPermission(session, 'account:owner')
  return (
    <section className="account-plan" aria-labelledby="account-plan-title">
      <h2 id="account-plan-title" className="account-plan-title">
        Plan
      </h2>
      {error ? <Banner tone="error">Could not load the account: {error}</Banner> : null}
      {account ? (
        <>
          <p className="account-plan-line" data-testid="account-plan">
            <Badge tone={account.plan === 'trial' ? 'amber' : 'green'}>{account.plan === 'trial' ? 'Trial' : 'Paid'}</Badge>
            <span>
              {account.name} · {plural(account.seats.total, 'seat', 'seats')} ({formatCount(account.seats.used)} in use) · created{' '}
              {formatDateTime(account.createdAt)}
            </span>
          </p>
          {converted !== null ? (
            <Banner tone="info">
              The account is now on a paid plan. Support access is off
              {converted > 0 ? `; ${plural(converted, 'support session', 'support sessions')} ended` : ''}.
            </Banner>
          ) : null}
          {account.plan === 'trial' && isOwner ? (
            <div className="account-plan-convert">
              <p className="muted">
                During the trial the vendor's support team always has access. A paid account decides that itself in Support
                Team Access.
              </p>
              <button
                type="button"
                className="button button-primary"
                onClick={() => {
                  setConvertError(null)
                  setConfirming(true)
                }}
              >
                Convert to paid
              </button>
            </div>
          ) : null}
          {account.plan === 'trial' && !isOwner ? <p className="muted">Only the account Owner can convert the trial to a paid plan.</p> : null}
        </>
      ) : error ? null : (
        <Spinner label="Loading the account…" />
      )}
      {confirming ? (
        <ConfirmDialog
          title="Convert to a paid account?"
          confirmLabel="Convert to paid"
          busy={busy}
          error={convertError}
          onCancel={() => setConfirming(false)}
          onConfirm={() => void convert()}
        >
          <p>The account leaves the trial and moves to a paid plan.</p>
          <p>
            Support access, always on during the trial, turns off: every live support session ends at once, and support agents
            can sign in again only when you turn access on in Support Team Access.
          </p>
        </ConfirmDialog>
      ) : null}
    </section>
  )
}

/** A minimal Settings → Account screen until the account settings screen mounts the section itself. */
export function AccountPlanScreen(): JSX.Element {
  return (
    <section className="screen account-plan-screen" aria-labelledby="account-title">
      <header className="screen-header">
        <div>
          <p className="account-breadcrumb">Settings</p>
          <h1 id="account-title" className="account-heading">
            Account
          </h1>
        </div>
      </header>
      <AccountPlanSection />
    </section>
  )
}
