import { useEffect, useState, type FormEvent, type JSX } from 'react'
import { Avatar } from '../../components/avatar'
import { Banner } from '../../components/banner'
import { TextField } from '../../components/field'
import { NameAndPictureForm } from '../../components/name-picture-form'
import { getBridge } from '../../app/bridge'
import { fieldErrors, type FieldErrors } from '../../app/field-errors'
import { useSession } from '../../app/session-store'
import { useTheme } from '../../app/theme-store'
import { THEMES, type ProfileDto, type Theme } from '../../../../shared/contract/profile'
import { ROLE_LABELS } from '../../../../shared/permissions'
import { saveTheme } from './profile-theme'

const THEME_LABELS: Record<Theme, string> = { light: 'Light', dark: 'Dark', system: 'Same as the system' }

export function PersonalSettings(): JSX.Element {
  const refresh = useSession((s) => s.refresh)
  const theme = useTheme((s) => s.theme)
  const [profile, setProfile] = useState<ProfileDto | null>(null)
  const [notice, setNotice] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)

  useEffect(() => {
    void getBridge()
      .invoke('profile:get', {})
      .then((result) => {
        if (result.ok) {
          setProfile(result.value)
        } else setError(result.error.message)
      })
  }, [])

  async function update(input: { name?: string; avatar?: string | null }, message: string): Promise<void> {
    setError(null)
    setNotice(null)
    const result = await getBridge().invoke('profile:update', input)
    if (!result.ok) {
      setError((result.error.details as { issues?: { message: string }[] } | undefined)?.issues?.[0]?.message ?? result.error.message)
      return
    }
    setProfile(result.value)
    setNotice(message)
    // The sidebar shows the name from the session.
    void refresh()
  }

  if (!profile) return error ? <Banner tone="error">{error}</Banner> : <p className="muted">Loading…</p>

  return (
    <div className="settings-sections">
      {notice ? <Banner tone="info">{notice}</Banner> : null}
      {error ? <Banner tone="error">{error}</Banner> : null}
      <section className="settings-card" aria-labelledby="profile-title">
        <h2 id="profile-title">Profile</h2>
        <div className="panel-identity">
          <Avatar name={profile.name} seed={profile.personId} size="lg" src={profile.avatar} />
          <div className="panel-identity-text">
            <span className="truncate">{profile.email}</span>
            <span className="muted">
              {ROLE_LABELS[profile.role]} of {profile.accountName}
            </span>
          </div>
        </div>
        <NameAndPictureForm className="settings-form" name={profile.name} hasPicture={profile.avatar !== null} save={update} onError={setError} />
      </section>
      <section className="settings-card" aria-labelledby="theme-title">
        <h2 id="theme-title">Theme</h2>
        <fieldset className="settings-radios">
          <legend className="visually-hidden">Theme</legend>
          {THEMES.map((value) => (
            <label key={value} className="checkbox">
              <input
                type="radio"
                name="profile-theme"
                value={value}
                checked={theme === value}
                onChange={() => {
                  void saveTheme(value).then((failure) => failure && setError(failure))
                }}
              />
              {THEME_LABELS[value]}
            </label>
          ))}
        </fieldset>
      </section>
      <PasswordChange />
    </div>
  )
}

const PASSWORD_FIELDS = ['current', 'next'] as const
type PasswordField = (typeof PASSWORD_FIELDS)[number]

function PasswordChange(): JSX.Element {
  const [current, setCurrent] = useState('')
  const [next, setNext] = useState('')
  const [repeat, setRepeat] = useState('')
  const [errors, setErrors] = useState<FieldErrors<PasswordField | 'repeat'>>({})
  const [message, setMessage] = useState<{ tone: 'info' | 'error'; text: string } | null>(null)
  const [busy, setBusy] = useState(false)

  async function submit(event: FormEvent): Promise<void> {
    event.preventDefault()
    setMessage(null)
    if (next !== repeat) {
      setErrors({ repeat: 'The two new passwords differ' })
      return
    }
    setBusy(true)
    const result = await getBridge().invoke('profile:change-password', { current, next })
    setBusy(false)
    if (!result.ok) {
      const mapped = fieldErrors(result.error, PASSWORD_FIELDS, { password: 'next' })
      setErrors(mapped)
      if (Object.keys(mapped).length === 0) setMessage({ tone: 'error', text: result.error.message })
      return
    }
    setErrors({})
    setCurrent('')
    setNext('')
    setRepeat('')
    const ended = result.value.otherSessionsEnded
    setMessage({ tone: 'info', text: `Password changed. ${ended === 1 ? '1 other session was' : `${ended} other sessions were`} signed out.` })
  }

  return (
    <section className="settings-card" aria-labelledby="password-title">
      <h2 id="password-title">Password</h2>
      <p className="muted">Changing it signs you out everywhere else; this window stays signed in.</p>
      <form className="settings-form" onSubmit={(e) => void submit(e)} noValidate aria-label="Change password">
        {message ? <Banner tone={message.tone}>{message.text}</Banner> : null}
        <TextField label="Current password" type="password" autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.target.value)} error={errors.current} />
        <TextField
          label="New password"
          type="password"
          autoComplete="new-password"
          value={next}
          onChange={(e) => setNext(e.target.value)}
          error={errors.next}
          hint="At least 12 characters; not your email address or a common password."
        />
        <TextField label="Repeat the new password" type="password" autoComplete="new-password" value={repeat} onChange={(e) => setRepeat(e.target.value)} error={errors.repeat} />
        <div className="panel-row">
          <button type="submit" className="button button-primary button-sm" disabled={busy || !current || !next}>
            Change password
          </button>
        </div>
      </form>
    </section>
  )
}
