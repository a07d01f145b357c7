import { useEffect, useState, type FormEvent, type JSX } from 'react'
import { Avatar } from '../../components/avatar'
import { Banner } from '../../components/banner'
import { plural } from '../../components/format'
import { TextField } from '../../components/field'
import { NameAndPictureForm } from '../../components/name-picture-form'
import { getBridge } from '../../app/bridge'
import { useFormErrors } from '../../app/field-errors'
import { useSession } from '../../app/session-store'
import { useTheme } from '../../app/theme-store'
import { THEMES, type ProfileDto, type Theme } from '../../../../shared/contract/profile'
import { ROLE_LABELS } from '../../../../shared/permissions'
import { saveTheme } from './profile-theme'
import { NotificationPreferences } from './notification-preferences'

const THEME_LABELS: Record<Theme, string> = { light: 'Light', dark: 'Dark', system: 'Same as the system' }
const PROFILE_FIELDS = ['name', 'avatar'] as const

export function PersonalSettings(): JSX.Element {
  const refresh = useSession((s) => s.refresh)
  const theme = useTheme((s) => s.theme)
  const [profile, setProfile] = useState<ProfileDto | null>(null)
  const [notice, setNotice] = useState<string | null>(null)
  // Loading the profile, reading a picture, saving the theme; a refused name or picture is the form's.
  const [error, setError] = useState<string | null>(null)
  const profileForm = useFormErrors(PROFILE_FIELDS)

  useEffect(() => {
    void getBridge()
      .invoke('profile:get', {})
      .then((result) => {
        if (result.ok) {
          setProfile(result.value)
          setError(null)
        } else setError(result.error.message)
      })
  }, [])

  async function update(input: { name?: string; avatar?: string | null }, message: string): Promise<void> {
    setError(null)
    setNotice(null)
    const result = await getBridge().invoke('profile:update', input)
    if (!result.ok) {
      profileForm.refuse(result.error)
      return
    }
    profileForm.clear()
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
      {profileForm.banner ? <Banner tone="error">{profileForm.banner}</Banner> : null}
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
        <NameAndPictureForm
          className="settings-form"
          name={profile.name}
          hasPicture={profile.avatar !== null}
          save={update}
          onError={setError}
          errors={profileForm.fields}
          onEdit={() => {
            profileForm.edited('name')
            setNotice(null)
          }}
        />
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
                  // A theme that saves clears a theme failure shown before.
                  void saveTheme(value).then(setError)
                }}
              />
              {THEME_LABELS[value]}
            </label>
          ))}
        </fieldset>
      </section>
      <NotificationPreferences />
      <PasswordChange />
    </div>
  )
}

const PASSWORD_FIELDS = ['current', 'next', 'repeat'] as const

function PasswordChange(): JSX.Element {
  const [current, setCurrent] = useState('')
  const [next, setNext] = useState('')
  const [repeat, setRepeat] = useState('')
  // The policy names its field "password": here that is the new one.
  const { fields: errors, banner, refuse, set: setErrors, edited, clear } = useFormErrors(PASSWORD_FIELDS, { aliases: { password: 'next' } })
  const [message, setMessage] = useState<string | null>(null)
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
      refuse(result.error)
      return
    }
    clear()
    setCurrent('')
    setNext('')
    setRepeat('')
    const ended = result.value.otherSessionsEnded
    setMessage(`Password changed. ${plural(ended, 'other session was', 'other sessions were')} signed out.`)
  }

  return (
    <section className="settings-card" aria-labelledby="password-title">
      <h2 id="password-title">Password</h2>
      <p className="muted">Changing it signs you out everywhere else; this window stays signed in.</p>
      <form className="settings-form" onSubmit={(e) => void submit(e)} noValidate aria-label="Change password">
        {banner ? <Banner tone="error">{banner}</Banner> : null}
        {message ? <Banner tone="info">{message}</Banner> : null}
        <TextField
          label="Current password"
          type="password"
          autoComplete="current-password"
          value={current}
          onChange={(e) => {
            setCurrent(e.target.value)
            edited('current')
          }}
          error={errors.current}
        />
        <TextField
          label="New password"
          type="password"
          autoComplete="new-password"
          value={next}
          onChange={(e) => {
            setNext(e.target.value)
            edited('next')
          }}
          error={errors.next}
          hint="At least 12 characters; not your email address or a common password."
        />
        <TextField
          label="Repeat the new password"
          type="password"
          autoComplete="new-password"
          value={repeat}
          onChange={(e) => {
            setRepeat(e.target.value)
            edited('repeat')
          }}
          error={errors.repeat}
        />
        <div className="panel-row">
          <button type="submit" className="button button-primary button-sm" disabled={busy || !current || !next}>
            Change password
          </button>
        </div>
      </form>
    </section>
  )
}
