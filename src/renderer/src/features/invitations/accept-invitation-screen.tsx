import { useEffect, useState, useSyncExternalStore, type FormEvent, type JSX } from 'react'
import { AuthCard } from '../../components/auth-card'
import { Banner } from '../../components/banner'
import { TextField } from '../../components/field'
import { formatDateTime } from '../../components/format'
import { getBridge } from '../../app/bridge'
import { useSession } from '../../app/session-store'
import { useFormErrors } from '../../app/field-errors'
import type { OutputOf, Result } from '../../../../shared/contract'
import './invitations.css'
import { ROLE_LABELS } from '../../../../shared/permissions'

const ROUTE = '#/invite'

function subscribe(listener: () => void): () => void {
  window.addEventListener('hashchange', listener)
  return () => window.removeEventListener('hashchange', listener)
}

/** True while the address is #/invite or #/invite/<token> (the deep link lands here). */
export function useInviteRoute(): boolean {
  return useSyncExternalStore(subscribe, () => location.hash === ROUTE || location.hash.startsWith(`${ROUTE}/`))
}

export function openInviteRoute(): void {
  location.hash = `${ROUTE}/`
}

function tokenInHash(): string {
  return decodeURIComponent(location.hash.slice(ROUTE.length + 1))
}

type Inspected = OutputOf<'invitations:inspect'>

const WHY_NOT: Record<Exclude<Inspected['state'], 'pending'>, string> = {
  expired: 'This invitation has expired. Ask an administrator of the account to send a new one.',
  accepted: 'This invitation was already used. Sign in with the password chosen then.',
  revoked: 'This invitation was revoked by an administrator.',
  replaced: 'A newer invitation replaced this one. Use the link from the most recent email.'
}

const FIELDS = ['name', 'password', 'confirm'] as const
const LINK_FIELDS = ['token'] as const

/** Paste a link (or arrive by the deep link), see what it is for, choose a name and password. */
export function AcceptInvitationScreen(): JSX.Element {
  const signedIn = useSession((s) => s.signedIn)
  const [link, setLink] = useState(tokenInHash)
  const [inspected, setInspected] = useState<Inspected | null>(null)
  const [token, setToken] = useState('')
  // The link's form and the accept form each show their refusals beside their fields.
  const linkForm = useFormErrors(LINK_FIELDS)
  const { fields: errors, banner: error, refuse, set: setErrors, clear, edited } = useFormErrors(FIELDS)
  const [name, setName] = useState('')
  const [password, setPassword] = useState('')
  const [confirmPassword, setConfirmPassword] = useState('')
  const [busy, setBusy] = useState(false)

  function inspect(value: string): Promise<void> {
    return getBridge()
      .invoke('invitations:inspect', { token: value })
      .then((result) => showInspected(value, result))
  }

  function showInspected(value: string, result: Result<Inspected>): void {
    setInspected(null)
    if (!result.ok) {
      if (result.error.code === 'NOT_FOUND') linkForm.set({ token: 'No invitation has this link. Check that you copied all of it.' })
      else linkForm.refuse(result.error)
      return
    }
    linkForm.clear()
    setToken(value)
    setInspected(result.value)
    if (result.value.suggestedName) setName(result.value.suggestedName)
  }

  // The deep link carries the token: look it up at once.
  useEffect(() => {
    const initial = tokenInHash()
    // Only the address the screen opened with; later lookups come from the form.
    if (initial) void getBridge().invoke('invitations:inspect', { token: initial }).then((result) => showInspected(initial, result))
    // Once, on opening: showInspected only sets this screen's state.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [])

  async function accept(event: FormEvent): Promise<void> {
    event.preventDefault()
    if (busy) return
    if (inspected?.choosesPassword && password !== confirmPassword) {
      setErrors({ confirm: 'The two passwords differ' })
      return
    }
    setBusy(true)
    const result = await getBridge().invoke('invitations:accept', { token, name, password })
    setBusy(false)
    if (!result.ok) {
      refuse(result.error)
      return
    }
    clear()
    history.replaceState(null, '', `${location.pathname}${location.search}#/`)
    signedIn(result.value)
  }

  const back = (
    <a className="auth-link" href="#/" onClick={() => history.replaceState(null, '', `${location.pathname}${location.search}`)}>
      Back to sign-in
    </a>
  )

  if (!inspected || inspected.state !== 'pending') {
    return (
      <AuthCard title="Accept an invitation" subtitle="Paste the invitation link from your email, or just its code.">
        <form
          className="auth-form"
          aria-label="Find invitation"
          noValidate
          onSubmit={(e) => {
            e.preventDefault()
            void inspect(link)
          }}
        >
          {linkForm.banner ? <Banner tone="error">{linkForm.banner}</Banner> : null}
          {inspected ? <Banner tone="warning">{WHY_NOT[inspected.state as Exclude<Inspected['state'], 'pending'>]}</Banner> : null}
          <TextField
            label="Invitation link"
            name="invitation"
            value={link}
            onChange={(e) => {
              setLink(e.target.value)
              linkForm.edited('token')
            }}
            error={linkForm.fields.token}
            placeholder="gatehouse://invite/…"
            autoFocus
            spellCheck={false}
            autoComplete="off"
          />
          <button type="submit" className="button button-primary button-block" disabled={!link.trim()}>
            Continue
          </button>
          {back}
        </form>
      </AuthCard>
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
        {back}
      </form>
    </AuthCard>
  )
}
