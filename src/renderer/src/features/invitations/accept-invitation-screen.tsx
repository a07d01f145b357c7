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
import { ROLE_LABELS } from '../../../../shared/permissions'

const ROUTE = '#/invite'

/** True while the address is #/invite or #/invite/<token> (the deep link lands here). */
export function useInviteRoute(): boolean {
  return useLinkRoute(ROUTE)
}

export function openInviteRoute(): void {
  openLinkRoute(ROUTE)
}

type Inspected = OutputOf<'invitations:inspect'>

const WHY_NOT: Record<Exclude<Inspected['state'], 'pending'>, string> = {
  expired: 'This invitation has expired. Ask an administrator of the account to send a new one.',
  accepted: 'This invitation was already used. Sign in with the password chosen then.',
  revoked: 'This invitation was revoked by an administrator.',
  replaced: 'A newer invitation replaced this one. Use the link from the most recent email.'
}

const FIELDS = ['name', 'password', 'confirm'] as const

/** Paste a link (or arrive by the deep link), see what it is for, choose a name and password. */
export function AcceptInvitationScreen(): JSX.Element {
  const [name, setName] = useState('')
  const lookup = useLinkLookup<Inspected>(
    ROUTE,
    (token) => getBridge().invoke('invitations:inspect', { token }),
    'No invitation has this link. Check that you copied all of it.',
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
      setErrors({ confirm: 'The two passwords differ' })
      return
    }
    await submit(() => getBridge().invoke('invitations:accept', { token: lookup.token, name, password }))
  }

  if (!inspected || inspected.state !== 'pending') {
    return (
      <LinkLookupCard
        lookup={lookup}
        title="Accept an invitation"
        subtitle="Paste the invitation link from your email, or just its code."
        formLabel="Find invitation"
        label="Invitation link"
        name="invitation"
        placeholder="gatehouse://invite/…"
        warning={inspected ? WHY_NOT[inspected.state as Exclude<Inspected['state'], 'pending'>] : null}
      />
    )
  }

  return (
    <AuthCard title={`Join ${inspected.accountName}`} subtitle={`You were invited as ${inspected.role ? ROLE_LABELS[inspected.role] : 'a member'} with ${inspected.email}. The invitation is valid until ${formatDateTime(inspected.expiresAt)}.`}>
      <form className="auth-form" aria-label="Accept invitation" noValidate onSubmit={(e) => void accept(e)}>
        {error ? <Banner tone="error">{error}</Banner> : null}
        <TextField
          label="Your name"
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
          label={inspected.choosesPassword ? 'Choose a password' : 'Your Gatehouse password'}
          name="password"
          type="password"
          autoComplete={inspected.choosesPassword ? 'new-password' : 'current-password'}
          value={password}
          onChange={(e) => {
            setPassword(e.target.value)
            edited('password')
          }}
          error={errors.password}
          hint={inspected.choosesPassword ? 'At least 12 characters; not your email address or a common password.' : 'You already have a Gatehouse password for another account.'}
        />
        {inspected.choosesPassword ? (
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
        ) : null}
        <button type="submit" className="button button-primary button-block" disabled={busy}>
          {busy ? 'Joining…' : 'Accept and sign in'}
        </button>
        <BackToSignIn />
      </form>
    </AuthCard>
  )
}
