import type { JSX, ReactNode } from 'react'
import { Link } from 'react-router'
import { SETTINGS_SECTIONS, type ScreenEntry, type SettingsSection } from '../../app/screens'
import { useT, type MessageKey } from '../../i18n/i18n'
import './settings.css'

const SECTION_LABELS: Record<SettingsSection, MessageKey> = {
  account: 'section.account',
  security: 'section.security',
  'access-control': 'section.accessControl',
  personal: 'section.personal'
}

/**
 * Settings: one place for every setting the session may see, grouped (Account, Access Control,
 * Personal), each a link to its page with what it holds. A group with no page for this role is
 * not shown.
 */
export function SettingsHub({ pages }: { pages: readonly ScreenEntry[] }): JSX.Element {
  const t = useT()
  return (
    <section className="screen settings-screen" aria-labelledby="settings-title">
      <header className="screen-header">
        <div className="screen-heading">
          <h1 id="settings-title">{t('shell.settings')}</h1>
        </div>
      </header>
      <div className="settings-body settings-hub">
        {SETTINGS_SECTIONS.map((section) => {
          const inSection = pages.filter((page) => page.settings?.section === section)
          if (inSection.length === 0) return null
          const id = `settings-${section}`
          return (
            <section key={section} className="settings-hub-section" aria-labelledby={id}>
              <h2 id={id}>{t(SECTION_LABELS[section])}</h2>
              <ul className="settings-hub-list">
                {inSection.map((page) => (
                  // Named by all it shows, label then description (axe: the visible text is the name).
                  <li key={page.path}>
                    <Link to={`/${page.path}`} className="settings-hub-link">
                      <page.icon />
                      <span className="settings-hub-text">
                        <span className="settings-hub-label">{t(page.label)}</span>
                        <span className="settings-hub-description">{t(page.settings!.description)}</span>
                      </span>
                      {page.attention ? <page.attention /> : null}
                    </Link>
                  </li>
                ))}
              </ul>
            </section>
          )
        })}
      </div>
    </section>
  )
}

/** A settings page under the hub: a way back to Settings above the page itself. */
export function SettingsPage({ page, children }: { page: ScreenEntry; children: ReactNode }): JSX.Element {
  const t = useT()
  return (
    <div className="settings-page">
      <nav className="breadcrumb" aria-label={t('settings.breadcrumb')}>
        <ol>
          <li>
            <Link to="/settings">{t('shell.settings')}</Link>
          </li>
          <li>{page.settings ? t(SECTION_LABELS[page.settings.section]) : null}</li>
          <li aria-current="page">{t(page.label)}</li>
        </ol>
      </nav>
      {children}
    </div>
  )
}
