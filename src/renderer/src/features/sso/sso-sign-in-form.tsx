import { useEffect, useState, type FormEvent, type JSX } from 'react'
import { AuthCard } from '../../components/auth-card'
import { Banner } from '../../components/banner'
import { TextField } from '../../components/field'
import { Spinner } from '../../components/spinner'
import { getBridge } from '../../app/bridge'
import { useFormErrors } from '../../app/field-errors'
import { useSession } from '../../app/session-store'
import { useT } from '../../i18n/i18n'

const FIELDS = ['email'] as const

/**
 * Sign in with SSO: the email first (it names the account and its provider), then the provider in
 * the browser. The core signs this window in when the provider's redirect reaches it; a refusal
 * comes back here with its reason.
 */
export function SsoSignInForm({ onBack }: { onBack(): void }): JSX.Element {
  const t = useT()
  const signedIn = useSession((s) => s.signedIn)
  const [email, setEmail] = useState('')
  const [flow, setFlow] = useState<{ flowId: string; provider: string } | null>(null)
  const [refusal, setRefusal] = useState<string | null>(null)
  const form = useFormErrors(FIELDS)

  useEffect(() => {
    if (!flow) return
    let stopped = false
    const poll = async (): Promise<void> => {
      const result = await getBridge().invoke('sso:sign-in-result', { flowId: flow.flowId })
      if (stopped) return
      if (!result.ok) {
        setFlow(null)
        return setRefusal(result.error.message)
      }
      if (result.value.status === 'signed-in' && result.value.session) return signedIn(result.value.session)
      if (result.value.status === 'refused') {
        setFlow(null)
        return setRefusal(result.value.message)
      }
      setTimeout(() => void poll(), 1000)
    }
    void poll()
    return () => {
      stopped = true
    }
  }, [flow, signedIn])

  async function submit(event: FormEvent): Promise<void> {
    event.preventDefault()
    setRefusal(null)
    const result = await getBridge().invoke('sso:sign-in-start', { email })
    if (!result.ok) return void form.refuse(result.error)
    form.clear()
    setFlow({ flowId: result.value.flowId, provider: result.value.provider })
    window.open(result.value.authorizationUrl, '_blank', 'noopener')
  }

  return (
    <AuthCard title={t('ssoSignIn.title')} subtitle={t('ssoSignIn.subtitle')}>
      <form className="auth-form" onSubmit={(event) => void submit(event)} noValidate aria-label={t('ssoSignIn.title')}>
        {form.banner ? <Banner tone="error">{form.banner}</Banner> : null}
        {refusal ? <Banner tone="error">{refusal}</Banner> : null}
        {flow ? (
          <Spinner label={t('ssoSignIn.waiting', { provider: flow.provider })} />
        ) : (
          <>
            <TextField
              label={t('signIn.email')}
              name="sso-email"
              type="email"
              autoComplete="username"
              value={email}
              error={form.fields.email}
              onChange={(e) => {
                setEmail(e.target.value)
                form.edited('email')
              }}
            />
            <button type="submit" className="button button-primary button-block">
              {t('ssoSignIn.continue')}
            </button>
          </>
        )}
        <button type="button" className="button button-ghost button-block" onClick={onBack}>
          {t('ssoSignIn.back')}
        </button>
      </form>
    </AuthCard>
  )
}
