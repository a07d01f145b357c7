import { useEffect, useRef, useState, type FormEvent, type JSX } from 'react'
import { AuthCard } from '../../components/auth-card'
import { Banner } from '../../components/banner'
import { TextField } from '../../components/field'
import { getBridge } from '../../app/bridge'
import { useSession } from '../../app/session-store'
import { useFormErrors, type FieldErrors } from '../../app/field-errors'
import { useT } from '../../i18n/i18n'

type Plan = 'trial' | 'paid'

const FIELDS = ['accountName', 'plan', 'seats', 'ownerName', 'ownerEmail', 'ownerPassword', 'confirm'] as const
type Field = (typeof FIELDS)[number]

/** First run: the account and its Owner. The core checks every rule; this form shows its answers. */
export function SetupScreen(): JSX.Element {
  const setupCompleted = useSession((s) => s.setupCompleted)
  const [accountName, setAccountName] = useState('')
  const [plan, setPlan] = useState<Plan>('trial')
  const [seats, setSeats] = useState('10')
  const [ownerName, setOwnerName] = useState('')
  const [ownerEmail, setOwnerEmail] = useState('')
  const [ownerPassword, setOwnerPassword] = useState('')
  const [confirm, setConfirm] = useState('')
  // Core rules name the policy's field generically ("password"); the gate names the setup's own.
  const { fields: errors, banner: message, refuse, set: setErrors, edited } = useFormErrors(FIELDS, {
    aliases: { password: 'ownerPassword', email: 'ownerEmail', name: 'ownerName' },
    summary: true
  })
  const [busy, setBusy] = useState(false)
  const formRef = useRef<HTMLFormElement>(null)
  const [refused, setRefused] = useState(0)
  const t = useT()

  // After each refusal, keyboard and screen-reader users land on the first field that needs fixing.
  useEffect(() => {
    if (refused > 0) formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus()
  }, [refused])

  async function submit(event: FormEvent): Promise<void> {
    event.preventDefault()
    if (busy) return
    const seatCount = Number(seats)
    const local: FieldErrors<Field> = {}
    if (seats.trim() === '' || !Number.isInteger(seatCount)) local.seats = t('setup.wholeSeats')
    if (confirm !== ownerPassword) local.confirm = t('setup.noMatch')
    if (Object.keys(local).length > 0) {
      setErrors(local)
      setRefused((n) => n + 1)
      return
    }
    setBusy(true)
    const result = await getBridge().invoke('auth:setup', {
      accountName,
      plan,
      seats: seatCount,
      ownerName,
      ownerEmail,
      ownerPassword
    })
    setBusy(false)
    if (result.ok) {
      setupCompleted(result.value.recoveryKey, result.value.session)
      return
    }
    // Every problem beside its field; the banner only for what no field shows.
    refuse(result.error)
    setRefused((n) => n + 1)
  }

  return (
    <AuthCard title={t('setup.title')} subtitle={t('setup.subtitle')} wide>
      <form ref={formRef} className="auth-form" onSubmit={(event) => void submit(event)} noValidate aria-label={t('setup.title')}>
        {message ? <Banner tone="error">{message}</Banner> : null}
        <h2 className="auth-section-title">{t('setup.account')}</h2>
        <TextField
          label={t('setup.accountName')}
          name="accountName"
          autoComplete="organization"
          value={accountName}
          onChange={(e) => {
            setAccountName(e.target.value)
            edited('accountName')
          }}
          error={errors.accountName}
          required
          autoFocus
        />
        <div className="form-row">
          <fieldset className="choice-group">
            <legend>{t('setup.plan')}</legend>
            <div className="segmented">
              {(['trial', 'paid'] as const).map((value) => (
                <label key={value}>
                  <input
                    type="radio"
                    name="plan"
                    value={value}
                    checked={plan === value}
                    onChange={() => {
                      setPlan(value)
                      edited('plan')
                    }}
                  />
                  {value === 'trial' ? t('setup.trial') : t('setup.paid')}
                </label>
              ))}
            </div>
            {errors.plan ? <p className="field-error">{errors.plan}</p> : null}
          </fieldset>
          <TextField
            label={t('setup.seats')}
            name="seats"
            type="number"
            inputMode="numeric"
            min={1}
            value={seats}
            onChange={(e) => {
              setSeats(e.target.value)
              edited('seats')
            }}
            error={errors.seats}
            required
          />
        </div>
        <h2 className="auth-section-title">{t('setup.owner')}</h2>
        <TextField
          label={t('setup.fullName')}
          name="ownerName"
          autoComplete="name"
          value={ownerName}
          onChange={(e) => {
            setOwnerName(e.target.value)
            edited('ownerName')
          }}
          error={errors.ownerName}
          required
        />
        <TextField
          label={t('setup.email')}
          name="ownerEmail"
          type="email"
          autoComplete="email"
          value={ownerEmail}
          onChange={(e) => {
            setOwnerEmail(e.target.value)
            edited('ownerEmail')
          }}
          error={errors.ownerEmail}
          required
        />
        <TextField
          label={t('setup.password')}
          name="ownerPassword"
          type="password"
          autoComplete="new-password"
          value={ownerPassword}
          onChange={(e) => {
            setOwnerPassword(e.target.value)
            edited('ownerPassword')
          }}
          error={errors.ownerPassword}
          hint={t('setup.passwordHint')}
          required
        />
        <TextField
          label={t('setup.confirm')}
          name="confirm"
          type="password"
          autoComplete="new-password"
          value={confirm}
          onChange={(e) => {
            setConfirm(e.target.value)
            edited('confirm')
          }}
          error={errors.confirm}
          required
        />
        <button type="submit" className="button button-primary button-block" disabled={busy}>
          {busy ? t('setup.creating') : t('setup.create')}
        </button>
      </form>
    </AuthCard>
  )
}
