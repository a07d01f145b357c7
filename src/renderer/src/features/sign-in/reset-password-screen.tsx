import { useState, type FormEvent, type JSX } from 'react'
import { AuthCard } from '../../components/auth-card'
import { Banner } from '../../components/banner'
import { TextField } from '../../components/field'
import { formatDateTime } from '../../components/format'
import { getBridge } from '../../app/bridge'
import { openLinkRoute, useLinkRoute } from '../../app/link-route'
import { BackToSignIn, LinkLookupCard, useLinkLookup, useLinkSignIn } from './link-lookup'
import type { OutputOf } from '../../../../shared/contract'

const ROUTE = '#/reset'

/** True while the address is #/reset or #/reset/<token> (the deep link lands here). */
export function useResetRoute(): boolean {
  return useLinkRoute(ROUTE)
}

export function openResetRoute(): void {
  openLinkRoute(ROUTE)
}

type Inspected = OutputOf<'password-reset:inspect'>

const WHY_NOT: Record<Exclude<Inspected['state'], 'pending'>, string> = {
  expired: 'This password reset link has expired. Ask an administrator of the account for a new one.',
  used: 'This password reset link was already used. Sign in with the password chosen then.',
  replaced: 'A newer password reset link replaced this one. Use the most recent link.'
}

const FIELDS = ['password', 'confirm'] as const

/** Paste a reset link (or arrive by the deep link), see whose it is, choose a new password, signed in. */
export function ResetPasswordScreen(): JSX.Element {
  const lookup = useLinkLookup<Inspected>(
    ROUTE,
    (token) => getBridge().invoke('password-reset:inspect', { token }),
    'No password reset has this link. Check that you copied all of it.'
  )
  const inspected = lookup.found
  const { fields: errors, banner: error, set: setErrors, edited, busy, submit } = useLinkSignIn(FIELDS)
  const [password, setPassword] = useState('')
  const [confirmPassword, setConfirmPassword] = useState('')

  async function choose(event: FormEvent): Promise<void> {
    event.preventDefault()
    if (password !== confirmPassword) {
      setErrors({ confirm: 'The two passwords differ' })
      return
    }
    await submit(() => getBridge().invoke('password-reset:complete', { token: lookup.token, password }))
  }

  if (!inspected || inspected.state !== 'pending') {
    return (
      <LinkLookupCard
        lookup={lookup}
        title="Reset your password"
        subtitle="Paste the password reset link an administrator sent you, or just its code."
        formLabel="Find password reset"
        label="Password reset link"
        name="reset-link"
        placeholder="gatehouse://reset/…"
        warning={inspected ? WHY_NOT[inspected.state as Exclude<Inspected['state'], 'pending'>] : null}
      />
    )
  }

  return (
    <AuthCard
      title="Choose a new password"
      subtitle={`For ${inspected.email} in ${inspected.accountName}. The link works once, until ${formatDateTime(inspected.expiresAt)}; your other sessions end when you save.`}
    >
      <form className="auth-form" aria-label="Choose a new password" noValidate onSubmit={(e) => void choose(e)}>
        {error ? <Banner tone="error">{error}</Banner> : null}
        <TextField
          label="New password"
          name="password"
          type="password"
          autoComplete="new-password"
          value={password}
          onChange={(e) => {
            setPassword(e.target.value)
            edited('password')
          }}
          error={errors.password}
          hint="At least 12 characters; not your email address or a common password. It is your password in every Gatehouse account you belong to."
          autoFocus
        />
        <TextField
          label="Repeat the password"
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
          {busy ? 'Saving…' : 'Save password and sign in'}
        </button>
        <BackToSignIn />
      </form>
    </AuthCard>
  )
}
