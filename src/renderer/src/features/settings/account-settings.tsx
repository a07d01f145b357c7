import { useEffect, useId, useState, type JSX } from 'react'
import { Banner } from '../../components/banner'
import { TextField } from '../../components/field'
import { getBridge } from '../../app/bridge'
import { useFormErrors } from '../../app/field-errors'
import { SMTP_TLS_MODES } from '../../../../shared/contract/settings'
import { useT, type MessageKey } from '../../i18n/i18n'

type TlsMode = (typeof SMTP_TLS_MODES)[number]

const TLS_LABELS: Record<TlsMode, MessageKey> = {
  none: 'smtp.tls.none',
  starttls: 'smtp.tls.starttls',
  tls: 'smtp.tls.tls'
}

const SMTP_FIELDS = ['host', 'port', 'tls', 'user', 'password', 'from', 'fromName'] as const
type SmtpField = (typeof SMTP_FIELDS)[number]
const TEST_FIELDS = ['to'] as const

export function SmtpSettings(): JSX.Element {
  const tlsId = useId()
  const t = useT()
  const [loaded, setLoaded] = useState(false)
  const [configured, setConfigured] = useState(false)
  const [host, setHost] = useState('')
  const [port, setPort] = useState('587')
  const [tls, setTls] = useState<TlsMode>('starttls')
  const [user, setUser] = useState('')
  const [password, setPassword] = useState('')
  const [hasPassword, setHasPassword] = useState(false)
  const [from, setFrom] = useState('')
  const [fromName, setFromName] = useState('Gatehouse')
  const [testTo, setTestTo] = useState('')
  const form = useFormErrors(SMTP_FIELDS)
  const testForm = useFormErrors(TEST_FIELDS)
  const errors = form.fields
  // What the last action said (saved, removed, the test's outcome); a refusal is the form's banner.
  const [message, setMessage] = useState<{ tone: 'info' | 'error' | 'warning'; text: string } | null>(null)
  const [busy, setBusy] = useState(false)

  useEffect(() => {
    void getBridge()
      .invoke('settings:smtp-get', {})
      .then((result) => {
        setLoaded(true)
        if (!result.ok) {
          setMessage({ tone: 'error', text: result.error.message })
          return
        }
        const smtp = result.value
        if (!smtp) return
        setConfigured(true)
        setHost(smtp.host)
        setPort(String(smtp.port))
        setTls(smtp.tls)
        setUser(smtp.user)
        setHasPassword(smtp.hasPassword)
        setFrom(smtp.from)
        setFromName(smtp.fromName)
      })
  }, [])

  /** The person changed a setting: its message, the banner and the last outcome (whose cause may be fixed) go. */
  function change(field: SmtpField, apply: () => void): void {
    apply()
    form.edited(field)
    setMessage(null)
  }

  async function save(): Promise<void> {
    setMessage(null)
    const portNumber = Number(port)
    if (port.trim() === '' || !Number.isInteger(portNumber)) {
      form.set({ port: t('smtp.portWhole') })
      return
    }
    setBusy(true)
    const result = await getBridge().invoke('settings:smtp-set', {
      smtp: { host, port: portNumber, tls, user, from, fromName, ...(password ? { password } : {}) }
    })
    setBusy(false)
    if (!result.ok) {
      form.refuse(result.error)
      return
    }
    form.clear()
    setPassword('')
    setConfigured(result.value !== null)
    setHasPassword(result.value?.hasPassword ?? false)
    setMessage({ tone: 'info', text: t('smtp.saved') })
  }

  async function remove(): Promise<void> {
    setMessage(null)
    const result = await getBridge().invoke('settings:smtp-set', { smtp: null })
    if (!result.ok) {
      form.refuse(result.error)
      return
    }
    form.clear()
    setConfigured(false)
    setHasPassword(false)
    setMessage({ tone: 'info', text: t('smtp.removed') })
  }

  async function test(): Promise<void> {
    setBusy(true)
    setMessage(null)
    const result = await getBridge().invoke('settings:smtp-test', testTo.trim() ? { to: testTo.trim() } : {})
    setBusy(false)
    if (!result.ok) {
      testForm.refuse(result.error)
      return
    }
    testForm.clear()
    setMessage({ tone: result.value.delivered ? 'info' : 'error', text: result.value.message })
  }

  if (!loaded) return <p className="muted">{t('common.loading')}</p>
  return (
    <section className="settings-card" aria-labelledby="smtp-title">
      <h2 id="smtp-title">{t('smtp.title')}</h2>
      <p className="muted">
        {configured ? t('smtp.configured') : t('smtp.notConfigured')}
      </p>
      <form
        className="settings-form"
        noValidate
        aria-label={t('smtp.formLabel')}
        onSubmit={(e) => {
          e.preventDefault()
          void save()
        }}
      >
        {form.banner ? <Banner tone="error">{form.banner}</Banner> : null}
        {message ? <Banner tone={message.tone}>{message.text}</Banner> : null}
        <div className="settings-grid">
          <TextField label={t('smtp.server')} name="smtp-host" value={host} onChange={(e) => change('host', () => setHost(e.target.value))} error={errors.host} placeholder={t('smtp.serverPlaceholder')} spellCheck={false} />
          <TextField label={t('smtp.port')} name="smtp-port" inputMode="numeric" value={port} onChange={(e) => change('port', () => setPort(e.target.value))} error={errors.port} />
        </div>
        <div className="field">
          <label className="field-label" htmlFor={tlsId}>
            {t('smtp.encryption')}
          </label>
          <select
            id={tlsId}
            className="select"
            value={tls}
            onChange={(e) => change('tls', () => setTls(e.target.value as TlsMode))}
            aria-invalid={errors.tls ? true : undefined}
          >
            {SMTP_TLS_MODES.map((mode) => (
              <option key={mode} value={mode}>
                {t(TLS_LABELS[mode])}
              </option>
            ))}
          </select>
          {errors.tls ? <p className="field-error">{errors.tls}</p> : null}
        </div>
        <div className="settings-grid">
          <TextField label={t('smtp.user')} name="smtp-user" autoComplete="off" value={user} onChange={(e) => change('user', () => setUser(e.target.value))} error={errors.user} />
          <TextField
            label={t('smtp.password')}
            name="smtp-password"
            type="password"
            autoComplete="new-password"
            value={password}
            onChange={(e) => change('password', () => setPassword(e.target.value))}
            error={errors.password}
            hint={hasPassword ? t('smtp.passwordStored') : undefined}
          />
        </div>
        <div className="settings-grid">
          <TextField label={t('smtp.from')} name="smtp-from" type="email" value={from} onChange={(e) => change('from', () => setFrom(e.target.value))} error={errors.from} placeholder={t('smtp.fromPlaceholder')} />
          <TextField label={t('smtp.fromName')} name="smtp-from-name" value={fromName} onChange={(e) => change('fromName', () => setFromName(e.target.value))} error={errors.fromName} />
        </div>
        <div className="panel-row">
          <button type="submit" className="button button-primary button-sm" disabled={busy}>
            {t('smtp.save')}
          </button>
          {configured ? (
            <button type="button" className="button button-sm button-ghost" onClick={() => void remove()}>
              {t('smtp.remove')}
            </button>
          ) : null}
        </div>
      </form>
      {configured ? (
        <form
          className="settings-test"
          aria-label={t('smtp.testLabel')}
          noValidate
          onSubmit={(e) => {
            e.preventDefault()
            void test()
          }}
        >
          {testForm.banner ? <Banner tone="error">{testForm.banner}</Banner> : null}
          <TextField
            label={t('smtp.testTo')}
            name="smtp-test-to"
            type="email"
            value={testTo}
            onChange={(e) => {
              setTestTo(e.target.value)
              testForm.edited('to')
            }}
            error={testForm.fields.to}
            placeholder={t('smtp.testPlaceholder')}
          />
          <button type="submit" className="button button-sm" disabled={busy}>
            {t('smtp.testLabel')}
          </button>
        </form>
      ) : null}
    </section>
  )
}
