import type { JSX } from 'react'
import { PersonalSettings } from './personal-settings'
import { SmtpSettings } from './account-settings'
import { useT } from '../../i18n/i18n'
import './settings.css'

/** Settings → Personal: every role, for itself. */
export function PersonalSettingsScreen(): JSX.Element {
  const t = useT()
  return (
    <section className="screen settings-screen" aria-labelledby="personal-title">
      <header className="screen-header">
        <div className="screen-heading">
          <h1 id="personal-title">{t('screen.personal')}</h1>
        </div>
      </header>
      <div className="settings-body">
        <PersonalSettings />
      </div>
    </section>
  )
}

/** Settings → Account → Email delivery: SMTP exists to deliver invitations, so it needs users:manage. */
export function EmailSettingsScreen(): JSX.Element {
  const t = useT()
  return (
    <section className="screen settings-screen" aria-labelledby="email-title">
      <header className="screen-header">
        <div className="screen-heading">
          <h1 id="email-title">{t('screen.email')}</h1>
        </div>
      </header>
      <div className="settings-body">
        <div className="settings-sections">
          <SmtpSettings />
        </div>
      </div>
    </section>
  )
}
