import { useEffect, useRef, useState, type FormEvent, type JSX } from 'react'
import { AuthCard } from '../../components/auth-card'
import { Banner } from '../../components/banner'
import { CredentialFields } from './credential-fields'
import { getBridge } from '../../app/bridge'
import { useSession } from '../../app/session-store'
import { useFormErrors } from '../../app/field-errors'
import { openInviteRoute } from '../invitations/accept-invitation-screen'
import { openResetRoute } from './reset-password-screen'
import { SupportSignInForm, startsInSupportMode } from './support-sign-in-form'
import { SsoSignInForm } from '../sso/sso-sign-in-form'
import { useT } from '../../i18n/i18n'

const FIELDS = ['email', 'password'] as const

export function SignInScreen(): JSX.Element {
  const signedIn = useSession((s) => s.signedIn)
  const notice = useSession((s) => s.notice)
  const accounts = useSession((s) => s.accounts)
  const [email, setEmail] = useState('')
  const [password, setPassword] = useState('')
  const { fields: errors, banner: message, refuse, edited } = useFormErrors(FIELDS)
  const [busy, setBusy] = useState(false)
  const t = useT()
  const passwordRef = useRef<HTMLInputElement>(null)
  const [refused, setRefused] = useState(0)
  const [supportMode, setSupportMode] = useState(startsInSupportMode)
  const [ssoMode, setSsoMode] = useState(false)

  // Ready for the next try without reaching for the mouse.
  useEffect(() => {
    if (refused > 0) passwordRef.current?.focus()
  }, [refused])

  async function submit(event: FormEvent): Promise<void> {
    event.preventDefault()
    if (busy) return
    setBusy(true)
    const result = await getBridge().invoke('auth:sign-in', { email, password })
    setBusy(false)
    if (result.ok) {
      signedIn(result.value)
      return
    }
    // The core's words: "wrong email or password", or locked and until when; a malformed field beside it.
    refuse(result.error)
    setPassword('')
    setRefused((n) => n + 1)
  }

  if (supportMode) return <SupportSignInForm onBack={() => setSupportMode(false)} />
  if (ssoMode) return <SsoSignInForm onBack={() => setSsoMode(false)} />
  const only = accounts.length === 1 ? accounts[0] : undefined
  return (
    <AuthCard title={only ? t('signIn.titleTo', { account: only.name }) : t('signIn.title')} subtitle={t('signIn.subtitle')}>
      <form className="auth-form" onSubmit={(event) => void submit(event)} noValidate aria-label={t('signIn.title')}>
        {notice && !message ? <Banner tone={notice.tone}>{notice.message}</Banner> : null}
        {message ? <Banner tone="error">{message}</Banner> : null}
        <CredentialFields
          email={email}
          password={password}
          onEmail={(value) => {
            setEmail(value)
            edited('email')
          }}
          onPassword={(value) => {
            setPassword(value)
            edited('password')
          }}
          errors={errors}
          passwordRef={passwordRef}
        />
        <button type="submit" className="button button-primary button-block" disabled={busy}>
          {busy ? t('signIn.signingIn') : t('signIn.title')}
        </button>
        <button type="button" className="button button-block" onClick={() => setSsoMode(true)}>
          {t('signIn.sso')}
        </button>
        <button type="button" className="button button-ghost button-block" onClick={openInviteRoute}>
          {t('signIn.accept')}
        </button>
        <button type="button" className="button button-ghost button-block" onClick={openResetRoute}>
          {t('signIn.reset')}
        </button>
        <button type="button" className="button button-ghost button-block" onClick={() => setSupportMode(true)}>
          {t('signIn.support')}
        </button>
      </form>
    </AuthCard>
  )
}
