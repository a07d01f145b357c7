import type { JSX, ReactNode } from 'react'
import './banner.css'

export type BannerTone = 'info' | 'warning' | 'error'

/** An inline message; errors and warnings are announced (role="alert"), info politely. */
export function Banner({ tone, children, action }: { tone: BannerTone; children: ReactNode; action?: ReactNode }): JSX.Element {
  return (
    <div className={`banner banner-${tone}`} role={tone === 'info' ? 'status' : 'alert'}>
      <span className="banner-text">{children}</span>
      {action ? <span className="banner-action">{action}</span> : null}
    </div>
  )
}
