import type { JSX, ReactNode } from 'react'
import { LogoMark } from './icons'
import { useT } from '../i18n/i18n'
import './auth-card.css'

/** The centred card used by every screen shown before the console itself (setup, sign-in). */
export function AuthCard({
  title,
  subtitle,
  children,
  wide = false
}: {
  title: string
  subtitle?: ReactNode
  children: ReactNode
  wide?: boolean
}): JSX.Element {
  const t = useT()
  return (
    <main className="auth-page">
      <div className={`auth-card${wide ? ' auth-card-wide' : ''}`}>
        <div className="auth-brand">
          <LogoMark size={28} />
          <span>{t('app.name')}</span>
        </div>
        <h1 className="auth-title">{title}</h1>
        {subtitle ? <p className="auth-subtitle">{subtitle}</p> : null}
        {children}
      </div>
    </main>
  )
}
