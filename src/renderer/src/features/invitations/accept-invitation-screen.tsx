import { useState, type FormEvent, type JSX } from 'react'
import { AuthCard } from '../../components/auth-card'
import { Banner } from '../../components/banner'
import { TextField } from '../../components/field'
import { formatDateTime } from '../../components/format'
import { getBridge } from '../../app/bridge'
import { openLinkRoute, useLinkRoute } from '../../app/link-route'
import { BackToSignIn, LinkLookupCard, useLinkLookup, useLinkSignIn } from '../sign-in/link-lookup'
import type { OutputOf } from '../../../../shared/contract'
import './invitations.css'
import { useT, type MessageKey } from '../../i18n/i18n'
import { roleLabel } from '../../i18n/labels'

const ROUTE = '#/invite'

/** True while the address is #/invite or #/invite/<token> (the deep link lands here). */
export function useInviteRoute(): boolean {
  return useLinkRoute(ROUTE)
}

export function openInviteRoute(): void {
  openLinkRoute(ROUTE)
}

type Inspected = OutputOf<'invitations:inspect'>

const WHY_NOT: Record<Exclude<Inspected['state'], 'pending'>, MessageKey> = {
  expired: 'accept.expired',
  accepted: 'accept.accepted',
  revoked: 'accept.revoked',
  replaced: 'accept.replaced'
}

const FIELDS = ['name', 'password', 'confirm'] as const

/** Paste a link (or arrive by the deep link), see what it is for, choose a name and password. */
export function AcceptInvitationScreen(): JSX.Element {
  const [name, setName] = useState('')
  const t = useT()
  const lookup = useLinkLookup<Inspected>(
    ROUTE,
    (token) => getBridge().invoke('invitations:inspect', { token }),
    t('accept.notFound'),
    (found) => {
      if (found.suggestedName) setName(found.suggestedName)
    }
  )
  const inspected = lookup.found
  const { fields: errors, banner: error, set: setErrors, edited, busy, submit } = useLinkSignIn(FIELDS)
  const [password, setPassword] = useState('')
  const [confirmPassword, setConfirmPassword] = useState('')

  async function accept(event: FormEvent): Promise<void> {
    event.preventDefault()
    if (inspected?.choosesPassword && password !== confirmPassword) {
      setErrors({ confirm: t('reset.differ') })
      return
    }
    await submit(() => getBridge().invoke('invitations:accept', { token: lookup.token, name, password }))
  }

  if (!inspected || inspected.state !== 'pending') {
    return (
      <LinkLookupCard
        lookup={lookup}
        title={t('accept.title')}
        subtitle={t('accept.subtitle')}
        formLabel={t('accept.formLabel')}
        label={t('accept.link')}
        name="invitation"
        placeholder={t('accept.placeholder')}
        warning={inspected ? t(WHY_NOT[inspected.state as Exclude<Inspected['state'], 'pending'>]) : null}
      />
    )
  }

  return (
    <AuthCard
      title={t('accept.join', { account: inspected.accountName })}
      subtitle={t('accept.invitedAs', { role: inspected.role ? roleLabel(t, inspected.role) : t('accept.aMember'), email: inspected.email, until: formatDateTime(inspected.expiresAt) })}
    >
      <form className="auth-form" aria-label={t('accept.formAccept')} noValidate onSubmit={(e) => void accept(e)}>
        {error ? <Banner tone="error">{error}</Banner> : null}
        <TextField
          label={t('accept.name')}
          name="name"
          autoComplete="name"
          value={name}
          onChange={(e) => {
            setName(e.target.value)
            edited('name')
          }}
          error={errors.name}
          autoFocus
        />
        <TextField
          label={inspected.choosesPassword ? t('accept.choosePassword') : t('accept.existingPassword')}
          name="password"
          type="password"
          autoComplete={inspected.choosesPassword ? 'new-password' : 'current-password'}
          value={password}
          onChange={(e) => {
            setPassword(e.target.value)
            edited('password')
          }}
          error={errors.password}
          hint={inspected.choosesPassword ? t('accept.passwordHint') : t('accept.existingHint')}
        />
        {inspected.choosesPassword ? (
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
        ) : null}
        <button type="submit" className="button button-primary button-block" disabled={busy}>
          {busy ? t('accept.joining') : t('accept.submit')}
        </button>
        <BackToSignIn />
      </form>
    </AuthCard>
  )
}
