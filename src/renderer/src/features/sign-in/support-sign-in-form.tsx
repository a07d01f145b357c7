import { useEffect, useId, useRef, useState, type FormEvent, type JSX } from 'react'
import { AuthCard } from '../../components/auth-card'
import { Banner } from '../../components/banner'
import { CredentialFields } from './credential-fields'
import { getBridge } from '../../app/bridge'
import { useSession } from '../../app/session-store'
import { useFormErrors } from '../../app/field-errors'
import { useT } from '../../i18n/i18n'
import './support-sign-in.css'

const FIELDS = ['email', 'password', 'account'] as const

// An agent whose session ends (access turned off, expired) comes back to this form, not the member one.
let lastSignInWasSupport = false
export function startsInSupportMode(): boolean {
  return lastSignInWasSupport
}

/**
 * "Sign in as support agent": a vendor agent into one account whose Owner has turned support access
 * on. The core decides (off, expired, wrong password, locked) and its words are shown as they are.
 */
export function SupportSignInForm({ onBack }: { onBack(): void }): JSX.Element {
  const signedIn = useSession((s) => s.signedIn)
  const notice = useSession((s) => s.notice)
  const accounts = useSession((s) => s.accounts)
  const [email, setEmail] = useState('')
  const [password, setPassword] = useState('')
  const [account, setAccount] = useState(accounts.length === 1 ? (accounts[0]?.id ?? '') : '')
  const { fields: errors, banner: message, refuse, set: setErrors, edited } = useFormErrors(FIELDS)
  const [busy, setBusy] = useState(false)
  const [refused, setRefused] = useState(0)
  const passwordRef = useRef<HTMLInputElement>(null)
  const accountId = useId()
  const t = useT()

  useEffect(() => {
    if (refused > 0) passwordRef.current?.focus()
  }, [refused])

  async function submit(event: FormEvent): Promise<void> {
    event.preventDefault()
    if (busy) return
    if (!account) {
      setErrors({ account: t('support.chooseAccount') })
      return
    }
    setBusy(true)
    const result = await getBridge().invoke('auth:support-sign-in', { email, password, account })
    setBusy(false)
    if (result.ok) {
      lastSignInWasSupport = true
      signedIn(result.value)
      return
    }
    refuse(result.error)
    setPassword('')
    setRefused((n) => n + 1)
  }

  const accountError = errors.account
  return (
    <AuthCard title={t('support.title')} subtitle={t('support.subtitle')}>
      <form className="auth-form" onSubmit={(event) => void submit(event)} noValidate aria-label={t('support.formLabel')}>
        {notice && !message ? <Banner tone={notice.tone}>{notice.message}</Banner> : null}
        {message ? <Banner tone="error">{message}</Banner> : null}
        <div className="field">
          <label className="field-label" htmlFor={accountId}>
            {t('support.account')}
          </label>
          <select
            id={accountId}
            className="select support-account-select"
            value={account}
            onChange={(event) => {
              setAccount(event.target.value)
              edited('account')
            }}
            aria-invalid={accountError ? true : undefined}
            aria-describedby={accountError ? `${accountId}-error` : undefined}
          >
            <option value="" disabled>
              {t('support.accountPlaceholder')}
            </option>
            {accounts.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name}
              </option>
            ))}
          </select>
          {accountError ? (
            <p className="field-error" id={`${accountId}-error`}>
              {accountError}
            </p>
          ) : null}
        </div>
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
          {busy ? t('signIn.signingIn') : t('support.title')}
        </button>
        <button type="button" className="button button-ghost button-block" onClick={() => {
            lastSignInWasSupport = false
            onBack()
          }}
        >
          {t('support.back')}
        </button>
      </form>
    </AuthCard>
  )
}
