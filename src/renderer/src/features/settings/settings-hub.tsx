import type { JSX, ReactNode } from 'react'
import { Link } from 'react-router'
import { SETTINGS_SECTIONS, type ScreenEntry } from '../../app/screens'
import './settings.css'

/**
 * Settings: one place for every setting the session may see, grouped (Account, Access Control,
 * Personal), each a link to its page with what it holds. A group with no page for this role is
 * not shown.
 */
export function SettingsHub({ pages }: { pages: readonly ScreenEntry[] }): JSX.Element {
  return (
    <section className="screen settings-screen" aria-labelledby="settings-title">
      <header className="screen-header">
        <div className="screen-heading">
          <h1 id="settings-title">Settings</h1>
        </div>
      </header>
      <div className="settings-body settings-hub">
        {SETTINGS_SECTIONS.map((section) => {
          const inSection = pages.filter((page) => page.settings?.section === section)
          if (inSection.length === 0) return null
          const id = `settings-${section.toLowerCase().replace(/\s+/g, '-')}`
          return (
            <section key={section} className="settings-hub-section" aria-labelledby={id}>
              <h2 id={id}>{section}</h2>
              <ul className="settings-hub-list">
                {inSection.map((page) => (
                  // Named by all it shows, label then description (axe: the visible text is the name).
                  <li key={page.path}>
                    <Link to={`/${page.path}`} className="settings-hub-link">
                      <page.icon />
                      <span className="settings-hub-text">
                        <span className="settings-hub-label">{page.label}</span>
                        <span className="settings-hub-description">{page.settings!.description}</span>
                      </span>
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
  return (
    <div className="settings-page">
      <nav className="breadcrumb" aria-label="Breadcrumb">
        <ol>
          <li>
            <Link to="/settings">Settings</Link>
          </li>
          <li>{page.settings?.section}</li>
          <li aria-current="page">{page.label}</li>
        </ol>
      </nav>
      {children}
    </div>
  )
}
