import type { JSX } from 'react'
import type { SessionInfo } from '../../../../shared/contract/auth'
import { formatDateTime } from '../../components/format'
import './support-session-banner.css'

/** The session's scope, read from what the core granted (full scope carries users:manage). */
export function supportScopeOf(session: SessionInfo): 'Read-only' | 'Full' {
  return session.permissions.includes('users:manage') ? 'Full' : 'Read-only'
}

/**
 * "Support session — Read-only — Acme — access ends 1 Dec 2026, 14:05 CET" (or "no end date").
 * The end comes with the session (`auth:status`), which the window asks again on `session:changed`,
 * so an Owner's Change shows here at once.
 */
export function supportBannerText(session: SessionInfo, timeZone?: string): string {
  const base = `Support session — ${supportScopeOf(session)} — ${session.principal.accountName}`
  const ends = session.supportAccessEndsAt
  if (ends === undefined) return base
  return `${base} — ${ends === null ? 'no end date' : `access ends ${formatDateTime(ends, { zone: true, timeZone })}`}`
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
