import type { JSX } from 'react'
import type { SessionInfo } from '../../../../shared/contract/auth'
import { formatDateTime } from '../../components/format'
import { t } from '../../i18n/i18n'
import './support-session-banner.css'

/** The session's scope, read from what the core granted (full scope carries users:manage). */
export function supportScopeOf(session: SessionInfo): string {
  return session.permissions.includes('users:manage') ? t('sa.banner.full') : t('sa.banner.readOnly')
}

/**
 * "Support session — Read-only — Acme — access ends 1 Dec 2026, 14:05 CET" (or "no end date").
 * The end comes with the session (`auth:status`), which the window asks again on `session:changed`,
 * so an Owner's Change shows here at once.
 */
export function supportBannerText(session: SessionInfo, timeZone?: string): string {
  const base = t('sa.banner.base', { scope: supportScopeOf(session), account: session.principal.accountName })
  const ends = session.supportAccessEndsAt
  if (ends === undefined) return base
  return ends === null ? t('sa.banner.noEnd', { base }) : t('sa.banner.ends', { base, when: formatDateTime(ends, { zone: true, timeZone }) })
}

/** Always on screen in a support session, so nobody mistakes it for a member's console. */
export function SupportSessionBanner({ session }: { session: SessionInfo }): JSX.Element {
  const text = supportBannerText(session)
  return (
    <div className="support-session-banner" role="status" data-testid="support-session-banner" title={text}>
      <span className="support-session-dot" aria-hidden="true" />
      <span className="truncate">{text}</span>
    </div>
  )
}
