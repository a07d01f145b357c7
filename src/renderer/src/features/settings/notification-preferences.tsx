import { useEffect, useState, type JSX } from 'react'
import { Link } from 'react-router'
import { Banner } from '../../components/banner'
import { getBridge } from '../../app/bridge'
import { hasPermission, useSession } from '../../app/session-store'
import type { OutputOf } from '../../../../shared/contract'
import type { NotificationKind } from '../../../../shared/contract/notifications'
import { useT, type MessageKey } from '../../i18n/i18n'

type Preferences = OutputOf<'notifications:get'>

const KINDS: Record<NotificationKind, { label: MessageKey; description: MessageKey }> = {
  security: { label: 'notifications.security', description: 'notifications.securityDescription' },
  'support-access': { label: 'notifications.supportAccess', description: 'notifications.supportAccessDescription' }
}

/** Personal settings → Email notifications: which emails this person gets (each saved at once, audited). */
export function NotificationPreferences(): JSX.Element {
  const t = useT()
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
    setSaved(t(enabled ? 'notifications.savedOn' : 'notifications.savedOff', { kind: t(KINDS[kind].label) }))
  }

  return (
    <section className="settings-card" aria-labelledby="notifications-title" data-testid="notification-preferences">
      <h2 id="notifications-title">{t('notifications.title')}</h2>
      {error ? <Banner tone="error">{error}</Banner> : null}
      {state && !state.emailDelivery ? (
        <Banner tone="warning">
          {t('notifications.noServer')}{' '}
          {hasPermission(session, 'users:manage') ? <Link to="/settings/email">{t('notifications.setUp')}</Link> : t('notifications.askAdmin')}
        </Banner>
      ) : null}
      {state ? (
        <fieldset className="settings-form">
          <legend className="visually-hidden">{t('notifications.legend')}</legend>
          {state.preferences.map(({ kind, enabled }) => (
            <label key={kind} className="checkbox checkbox-described">
              <input type="checkbox" checked={enabled} disabled={busy === kind} onChange={(e) => void set(kind, e.target.checked)} />
              <span>
                <span className="checkbox-label">{t(KINDS[kind].label)}</span>
                <span className="muted checkbox-description">{t(KINDS[kind].description)}</span>
              </span>
            </label>
          ))}
        </fieldset>
      ) : error ? null : (
        <p className="muted">{t('common.loading')}</p>
      )}
      <p className="visually-hidden" role="status">
        {saved ?? ''}
      </p>
    </section>
  )
}
