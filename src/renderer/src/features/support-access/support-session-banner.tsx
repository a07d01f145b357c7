import type { JSX } from 'react'
import type { SessionInfo } from '../../../../shared/contract/auth'
import './support-session-banner.css'

/** The session's scope, read from what the core granted (full scope carries users:manage). */
export function supportScopeOf(session: SessionInfo): 'Read-only' | 'Full' {
  return session.permissions.includes('users:manage') ? 'Full' : 'Read-only'
}

/** Always on screen in a support session, so nobody mistakes it for a member's console. */
export function SupportSessionBanner({ session }: { session: SessionInfo }): JSX.Element {
  const text = `Support session — ${supportScopeOf(session)} — ${session.principal.accountName}`
  return (
    <div className="support-session-banner" role="status" data-testid="support-session-banner" title={text}>
      <span className="support-session-dot" aria-hidden="true" />
      <span className="truncate">{text}</span>
    </div>
  )
}
