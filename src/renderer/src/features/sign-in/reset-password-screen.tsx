import { useState, type FormEvent, type JSX } from 'react'
import { AuthCard } from '../../components/auth-card'
import { Banner } from '../../components/banner'
import { TextField } from '../../components/field'
import { formatDateTime } from '../../components/format'
import { getBridge } from '../../app/bridge'
import { openLinkRoute, useLinkRoute } from '../../app/link-route'
import { BackToSignIn, LinkLookupCard, useLinkLookup, useLinkSignIn } from './link-lookup'
import type { OutputOf } from '../../../../shared/contract'
import { useT, type MessageKey } from '../../i18n/i18n'

const ROUTE = '#/reset'

/** True while the address is #/reset or #/reset/<token> (the deep link lands here). */
export function useResetRoute(): boolean {
  return useLinkRoute(ROUTE)
}

export function openResetRoute(): void {
  openLinkRoute(ROUTE)
}

type Inspected = OutputOf<'password-reset:inspect'>

const WHY_NOT: Record<Exclude<Inspected['state'], 'pending'>, MessageKey> = {
  expired: 'reset.expired',
  used: 'reset.used',
  replaced: 'reset.replaced'
}

const FIELDS = ['password', 'confirm'] as const

/** Paste a reset link (or arrive by the deep link), see whose it is, choose a new password, signed in. */
export function ResetPasswordScreen(): JSX.Element {
  const t = useT()
  const lookup = useLinkLookup<Inspected>(
    ROUTE,
    (token) => getBridge().invoke('password-reset:inspect', { token }),
    t('reset.notFound')
  )
  const inspected = lookup.found
  const { fields: errors, banner: error, set: setErrors, edited, busy, submit } = useLinkSignIn(FIELDS)
  const [password, setPassword] = useState('')
  const [confirmPassword, setConfirmPassword] = useState('')

  async function choose(event: FormEvent): Promise<void> {
    event.preventDefault()
    if (password !== confirmPassword) {
      setErrors({ confirm: t('reset.differ') })
      return
    }
    await submit(() => getBridge().invoke('password-reset:complete', { token: lookup.token, password }))
  }

  if (!inspected || inspected.state !== 'pending') {
    return (
      <LinkLookupCard
        lookup={lookup}
        title={t('reset.title')}
        subtitle={t('reset.subtitle')}
        formLabel={t('reset.formLabel')}
        label={t('reset.link')}
        name="reset-link"
        placeholder={t('reset.placeholder')}
        warning={inspected ? t(WHY_NOT[inspected.state as Exclude<Inspected['state'], 'pending'>]) : null}
      />
    )
  }

  return (
    <AuthCard
      title={t('reset.choose')}
      subtitle={t('reset.for', { email: inspected.email, account: inspected.accountName, until: formatDateTime(inspected.expiresAt) })}
    >
      <form className="auth-form" aria-label={t('reset.choose')} noValidate onSubmit={(e) => void choose(e)}>
        {error ? <Banner tone="error">{error}</Banner> : null}
        <TextField
          label={t('reset.new')}
          name="password"
          type="password"
          autoComplete="new-password"
          value={password}
          onChange={(e) => {
            setPassword(e.target.value)
            edited('password')
          }}
          error={errors.password}
          hint={t('reset.hint')}
          autoFocus
        />
        <TextField
          label={t('reset.repeat')}
          name="confirm"
          type="password"
          autoComplete="new-password"
          value={confirmPassword}
          onChange={(e) => {
            setConfirmPassword(e.target.value)
            edited('confirm')
          }}
          error={errors.confirm}
        />
        <button type="submit" className="button button-primary button-block" disabled={busy}>
          {busy ? t('reset.saving') : t('reset.save')}
        </button>
        <BackToSignIn />
      </form>
    </AuthCard>
  )
}
