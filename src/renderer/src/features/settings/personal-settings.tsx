import { useEffect, useState, type FormEvent, type JSX } from 'react'
import { Avatar } from '../../components/avatar'
import { Banner } from '../../components/banner'
import { TextField } from '../../components/field'
import { NameAndPictureForm } from '../../components/name-picture-form'
import { getBridge } from '../../app/bridge'
import { useFormErrors } from '../../app/field-errors'
import { useSession } from '../../app/session-store'
import { useTheme } from '../../app/theme-store'
import { THEMES, type ProfileDto, type Theme } from '../../../../shared/contract/profile'
import { LANGUAGE_NAMES, LANGUAGES, useLanguage, useT, type Language, type MessageKey } from '../../i18n/i18n'
import { roleLabel } from '../../i18n/labels'
import { saveLanguage, saveTheme } from './profile-theme'
import { NotificationPreferences } from './notification-preferences'

const THEME_LABELS: Record<Theme, MessageKey> = { light: 'theme.light', dark: 'theme.dark', system: 'theme.systemLong' }
const PROFILE_FIELDS = ['name', 'avatar'] as const

export function PersonalSettings(): JSX.Element {
  const refresh = useSession((s) => s.refresh)
  const theme = useTheme((s) => s.theme)
  const language = useLanguage((s) => s.language)
  const t = useT()
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

  if (!profile) return error ? <Banner tone="error">{error}</Banner> : <p className="muted">{t('common.loading')}</p>

  return (
    <div className="settings-sections">
      {notice ? <Banner tone="info">{notice}</Banner> : null}
      {error ? <Banner tone="error">{error}</Banner> : null}
      {profileForm.banner ? <Banner tone="error">{profileForm.banner}</Banner> : null}
      <section className="settings-card" aria-labelledby="profile-title">
        <h2 id="profile-title">{t('personal.profile')}</h2>
        <div className="panel-identity">
          <Avatar name={profile.name} seed={profile.personId} size="lg" src={profile.avatar} />
          <div className="panel-identity-text">
            <span className="truncate">{profile.email}</span>
            <span className="muted">{t('personal.roleOf', { role: roleLabel(t, profile.role), account: profile.accountName })}</span>
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
        <h2 id="theme-title">{t('theme.legend')}</h2>
        <fieldset className="settings-radios">
          <legend className="visually-hidden">{t('theme.legend')}</legend>
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
              {t(THEME_LABELS[value])}
            </label>
          ))}
        </fieldset>
      </section>
      <section className="settings-card" aria-labelledby="language-title">
        <h2 id="language-title">{t('personal.language')}</h2>
        <div className="field settings-language">
          <label className="visually-hidden" htmlFor="profile-language">
            {t('personal.language')}
          </label>
          <select
            id="profile-language"
            className="select"
            value={language}
            aria-describedby="profile-language-hint"
            onChange={(e) => {
              // Every word, number and date changes at once; a language that saves clears an earlier failure.
              void saveLanguage(e.target.value as Language).then(setError)
            }}
          >
            {LANGUAGES.map((value) => (
              <option key={value} value={value} lang={value}>
                {LANGUAGE_NAMES[value]}
              </option>
            ))}
          </select>
          <p id="profile-language-hint" className="field-hint">
            {t('personal.languageHint')}
          </p>
        </div>
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
  const t = useT()

  async function submit(event: FormEvent): Promise<void> {
    event.preventDefault()
    setMessage(null)
    if (next !== repeat) {
      setErrors({ repeat: t('password.differ') })
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
    setMessage(t('password.changed', { count: ended }))
  }

  return (
    <section className="settings-card" aria-labelledby="password-title">
      <h2 id="password-title">{t('password.title')}</h2>
      <p className="muted">{t('password.intro')}</p>
      <form className="settings-form" onSubmit={(e) => void submit(e)} noValidate aria-label={t('password.change')}>
        {banner ? <Banner tone="error">{banner}</Banner> : null}
        {message ? <Banner tone="info">{message}</Banner> : null}
        <TextField
          label={t('password.current')}
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
          label={t('password.new')}
          type="password"
          autoComplete="new-password"
          value={next}
          onChange={(e) => {
            setNext(e.target.value)
            edited('next')
          }}
          error={errors.next}
          hint={t('password.newHint')}
        />
        <TextField
          label={t('password.repeat')}
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
            {t('password.change')}
          </button>
        </div>
      </form>
    </section>
  )
}
