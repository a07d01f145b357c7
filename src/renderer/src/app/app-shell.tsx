import type { JSX } from 'react'
import { NavLink, Navigate, Route, Routes, useLocation } from 'react-router'
import { Avatar } from '../components/avatar'
import { LogoMark, SettingsIcon, SignOutIcon } from '../components/icons'
import { SettingsHub, SettingsPage } from '../features/settings/settings-hub'
import type { SessionInfo } from '../../../shared/contract/auth'
import { hasPermission, useSession } from './session-store'
import { SCREENS } from './screens'
import { ThemeSwitch } from './theme-switch'
import { useProfilePreferences } from '../features/settings/profile-theme'
import { useT, type Translate } from '../i18n/i18n'
import { roleLabel } from '../i18n/labels'
import { SupportSessionBanner } from '../features/support-access/support-session-banner'
import './app-shell.css'

function principalRole(session: SessionInfo, t: Translate): string {
  const { principal } = session
  if (principal.kind === 'support') return t('shell.supportAgent')
  return principal.role ? roleLabel(t, principal.role) : t('shell.member')
}

export function AppShell({ session }: { session: SessionInfo }): JSX.Element {
  const signOut = useSession((s) => s.signOut)
  const screens = SCREENS.filter((screen) => hasPermission(session, screen.permission))
  // Settings pages are reached from the Settings hub; the sidebar has one Settings link for them.
  const settingsPages = screens.filter((screen) => screen.settings)
  const navScreens = screens.filter((screen) => !screen.settings)
  const { principal } = session
  const home = navScreens[0] ?? settingsPages[0]
  const location = useLocation()
  useProfilePreferences(session.principal.personId)
  const t = useT()

  return (
    <div className="shell">
      <nav className="sidebar" aria-label={t('shell.mainNav')}>
        <div className="sidebar-account">
          <LogoMark size={28} />
          <div className="sidebar-account-text">
            <span className="sidebar-account-name truncate" title={principal.accountName} data-testid="account-name">
              {principal.accountName}
            </span>
            <span className="sidebar-plan">{principal.plan === 'trial' ? t('shell.trialPlan') : t('shell.paidPlan')}</span>
          </div>
        </div>
        <ul className="nav-list">
          {navScreens.map((screen) => (
            <li key={screen.path}>
              <NavLink to={`/${screen.path}`} className="nav-link">
                <screen.icon />
                <span>{t(screen.label)}</span>
              </NavLink>
            </li>
          ))}
          {settingsPages.length > 0 ? (
            <li>
              {/* Active on the hub and on every page under it; the current page only on the hub (a page under it has its breadcrumb). */}
              <NavLink to="/settings" className="nav-link" aria-current={location.pathname === '/settings' ? 'page' : 'true'}>
                <SettingsIcon />
                <span>{t('shell.settings')}</span>
                {settingsPages.map((page) => (page.attention ? <page.attention key={page.path} /> : null))}
              </NavLink>
            </li>
          ) : null}
        </ul>
        <div className="sidebar-footer">
          <ThemeSwitch />
          <div className="sidebar-person">
            <Avatar name={principal.name} seed={principal.personId} />
            <div className="sidebar-person-text">
              <span className="truncate sidebar-person-name" title={principal.name} data-testid="person-name">
                {principal.name}
              </span>
              <span className="truncate sidebar-person-role" data-testid="person-role">
                {principalRole(session, t)}
              </span>
            </div>
            <button type="button" className="button button-ghost button-sm sidebar-signout" onClick={() => void signOut()}>
              <SignOutIcon />
              {t('shell.signOut')}
            </button>
          </div>
        </div>
      </nav>
      <main className="content">
        {principal.kind === 'support' ? <SupportSessionBanner session={session} /> : null}
        <Routes>
          {navScreens.map((screen) => (
            <Route key={screen.path} path={`/${screen.path}`} element={<screen.element />} />
          ))}
          {settingsPages.length > 0 ? <Route path="/settings" element={<SettingsHub pages={settingsPages} />} /> : null}
          {settingsPages.map((screen) => (
            <Route
              key={screen.path}
              path={`/${screen.path}`}
              element={
                <SettingsPage page={screen}>
                  <screen.element />
                </SettingsPage>
              }
            />
          ))}
          <Route path="*" element={home ? <Navigate to={`/${home.path}`} replace /> : <NothingToShow session={session} />} />
        </Routes>
      </main>
    </div>
  )
}

/** A role with no console screens yet (an Agent today) still gets a clear answer, not a blank page. */
function NothingToShow({ session }: { session: SessionInfo }): JSX.Element {
  const t = useT()
  return (
    <section className="screen screen-centered" aria-labelledby="welcome-title">
      <h1 id="welcome-title">{t('shell.signedInAs', { name: session.principal.name })}</h1>
      <p className="muted">{t('shell.noScreens', { role: principalRole(session, t) })}</p>
    </section>
  )
}
