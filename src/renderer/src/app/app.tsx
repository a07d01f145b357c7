import type { JSX } from 'react'
import { HashRouter } from 'react-router'
import { Banner } from '../components/banner'
import { Spinner } from '../components/spinner'
import { SetupScreen } from '../features/setup/setup-screen'
import { RecoveryKeyScreen } from '../features/setup/recovery-key-screen'
import { SignInScreen } from '../features/sign-in/sign-in-screen'
import { AcceptInvitationScreen, useInviteRoute } from '../features/invitations/accept-invitation-screen'
import { ResetPasswordScreen, useResetRoute } from '../features/sign-in/reset-password-screen'
import { AppShell } from './app-shell'
import { useConnection } from './bridge'
import { useSession } from './session-store'
import { useT } from '../i18n/i18n'
import './app.css'

export function App(): JSX.Element {
  return (
    <div className="app">
      <ConnectionBanner />
      <div className="app-body">
        <CurrentScreen />
      </div>
    </div>
  )
}

function CurrentScreen(): JSX.Element {
  const phase = useSession((s) => s.phase)
  const session = useSession((s) => s.session)
  const loadError = useSession((s) => s.loadError)
  const start = useSession((s) => s.start)
  const inviteRoute = useInviteRoute()
  const resetRoute = useResetRoute()
  const t = useT()

  switch (phase) {
    case 'loading':
      return (
        <div className="app-center">
          <Spinner label={t('app.opening')} />
        </div>
      )
    case 'unavailable':
      return (
        <div className="app-center">
          <div className="app-center-box">
            <Banner
              tone="error"
              action={
                <button type="button" className="button button-sm" onClick={() => void start()}>
                  {t('common.tryAgain')}
                </button>
              }
            >
              {t('app.couldNotStart', { error: loadError })}
            </Banner>
          </div>
        </div>
      )
    case 'setup':
      return <SetupScreen />
    case 'recovery-key':
      return <RecoveryKeyScreen />
    case 'sign-in':
      return inviteRoute ? <AcceptInvitationScreen /> : resetRoute ? <ResetPasswordScreen /> : <SignInScreen />
    case 'app':
      return session ? (
        <HashRouter>
          <AppShell session={session} />
        </HashRouter>
      ) : (
        <SignInScreen />
      )
  }
}

/** Without the core nothing on screen can be trusted to be current; say so above everything. */
function ConnectionBanner(): JSX.Element | null {
  const state = useConnection((s) => s.state)
  const t = useT()
  if (state !== 'lost' && state !== 'refused') return null
  const reload = (
    <button type="button" className="button button-sm" onClick={() => location.reload()}>
      {t('common.reload')}
    </button>
  )
  return (
    <div className="connection-banner">
      <Banner tone="error" action={reload}>
        {state === 'lost' ? t('app.connectionLost') : t('app.connectionRefused')}
      </Banner>
    </div>
  )
}
