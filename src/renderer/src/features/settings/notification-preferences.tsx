import { useEffect, useState, type JSX } from 'react'
import { Link } from 'react-router'
import { Banner } from '../../components/banner'
import { getBridge } from '../../app/bridge'
import { hasPermission, useSession } from '../../app/session-store'
import type { OutputOf } from '../../../../shared/contract'
import type { NotificationKind } from '../../../../shared/contract/notifications'

type Preferences = OutputOf<'notifications:get'>

const KINDS: Record<NotificationKind, { label: string; description: string }> = {
  security: {
    label: 'Security alerts',
    description: 'Your sign-in was locked after failed attempts; your password was changed or reset.'
  },
  'support-access': {
    label: 'Support Team Access',
    description: "The vendor's support team was let in, its access changed, was turned off or ended."
  }
}

/** Personal settings → Email notifications: which emails this person gets (each saved at once, audited). */
export function NotificationPreferences(): JSX.Element {
  const session = useSession((s) => s.session)
  const [state, setState] = useState<Preferences | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [saved, setSaved] = useState<string | null>(null)
  const [busy, setBusy] = useState<NotificationKind | null>(null)

  useEffect(() => {
    void getBridge()
      .invoke('notifications:get', {})
      .then((result) => (result.ok ? setState(result.value) : setError(result.error.message)))
  }, [])

  async function set(kind: NotificationKind, enabled: boolean): Promise<void> {
    const before = state
    // Shown at once; put back if the core refuses.
    setState((current) => current && { ...current, preferences: current.preferences.map((p) => (p.kind === kind ? { kind, enabled } : p)) })
    setBusy(kind)
    setSaved(null)
    const result = await getBridge().invoke('notifications:set', { kind, enabled })
    setBusy(null)
    if (!result.ok) {
      setState(before)
      return setError(result.error.message)
    }
    setError(null)
    setState(result.value)
    setSaved(`${KINDS[kind].label}: ${enabled ? 'on' : 'off'}. Saved.`)
  }

  return (
    <section className="settings-card" aria-labelledby="notifications-title" data-testid="notification-preferences">
      <h2 id="notifications-title">Email notifications</h2>
      {error ? <Banner tone="error">{error}</Banner> : null}
      {state && !state.emailDelivery ? (
        <Banner tone="warning">
          No mail server is set up for this account, so no emails are sent.{' '}
          {hasPermission(session, 'users:manage') ? <Link to="/settings/email">Set one up in Email delivery.</Link> : 'An administrator can set one up.'}
        </Banner>
      ) : null}
      {state ? (
        <fieldset className="settings-form">
          <legend className="visually-hidden">Emails you get</legend>
          {state.preferences.map(({ kind, enabled }) => (
            <label key={kind} className="checkbox checkbox-described">
              <input type="checkbox" checked={enabled} disabled={busy === kind} onChange={(e) => void set(kind, e.target.checked)} />
              <span>
                <span className="checkbox-label">{KINDS[kind].label}</span>
                <span className="muted checkbox-description">{KINDS[kind].description}</span>
              </span>
            </label>
          ))}
        </fieldset>
      ) : error ? null : (
        <p className="muted">Loading…</p>
      )}
      <p className="visually-hidden" role="status">
        {saved ?? ''}
      </p>
    </section>
  )
}
