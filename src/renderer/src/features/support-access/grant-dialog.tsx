import { useT, type MessageKey } from '../../i18n/i18n'
import { useId, useState, type JSX } from 'react'
import { Dialog } from '../../components/dialog'
import { Banner } from '../../components/banner'
import { formatDateTime } from '../../components/format'
import { getBridge } from '../../app/bridge'
import { useFormErrors } from '../../app/field-errors'
import {
  SUPPORT_DURATIONS,
  SUPPORT_SCOPES,
  type SupportAccessStatus,
  type SupportDuration,
  type SupportScope
} from '../../../../shared/contract/support-access'

const FIELDS = ['duration', 'scope', 'reason'] as const

const SCOPE_TEXT: Record<SupportScope, { label: MessageKey; hint: MessageKey }> = {
  'read-only': { label: 'grant.readOnly', hint: 'grant.readOnlyHint' },
  full: { label: 'grant.full', hint: 'grant.fullHint' }
}

interface GrantDialogProps {
  mode: 'extend' | 'change'
  status: SupportAccessStatus
  onDone(status: SupportAccessStatus): void
  onCancel(): void
}

/** Turning access on (Extend) or changing it while on (Change): duration, scope, optional reason. */
export function GrantDialog({ mode, status, onDone, onCancel }: GrantDialogProps): JSX.Element {
  const [duration, setDuration] = useState<SupportDuration>(mode === 'change' && status.duration ? status.duration : 'day')
  const [scope, setScope] = useState<SupportScope>(mode === 'change' && status.scope ? status.scope : 'read-only')
  const [reason, setReason] = useState('')
  const [busy, setBusy] = useState(false)
  const { fields: errors, banner: error, refuse, edited } = useFormErrors(FIELDS)
  const reasonId = useId()
  const t = useT()
  const options = new Map(status.changeOptions.map((option) => [option.duration, option]))

  async function submit(): Promise<void> {
    if (busy) return
    setBusy(true)
    const input = { duration, scope, ...(reason.trim() ? { reason: reason.trim() } : {}) }
    const result = await getBridge().invoke(mode === 'extend' ? 'support-access:extend' : 'support-access:change', input)
    setBusy(false)
    if (result.ok) onDone(result.value.status)
    else refuse(result.error)
  }

  return (
    <Dialog
      title={mode === 'extend' ? t('grant.turnOnTitle') : t('grant.changeTitle')}
      onClose={onCancel}
      onSubmit={() => void submit()}
      footer={
        <>
          <button type="button" className="button" onClick={onCancel}>
            {t('common.cancel')}
          </button>
          <button type="submit" className="button button-primary" disabled={busy}>
            {busy ? t('grant.saving') : mode === 'extend' ? t('grant.turnOn') : t('grant.save')}
          </button>
        </>
      }
    >
      {mode === 'change' && status.startedAt !== null ? (
        <p className="muted sa-dialog-note">{t('grant.countsFrom', { when: formatDateTime(status.startedAt, { zone: true }) })}</p>
      ) : null}
      <fieldset className="sa-choice-group">
        <legend className="field-label">{t('grant.duration')}</legend>
        {SUPPORT_DURATIONS.map((value) => {
          // Extend has no options list: every duration counts from now and is always allowed.
          const option = mode === 'change' ? options.get(value) : undefined
          const refused = option !== undefined && !option.allowed
          const note =
            option === undefined
              ? null
              : option.endsAt === null
                ? t('grant.noEnd')
                : refused
                  ? t('grant.notAvailable', { when: formatDateTime(option.endsAt, { zone: true }) })
                  : t('grant.ends', { when: formatDateTime(option.endsAt, { zone: true }) })
          return (
            <label key={value} className={`sa-choice${refused ? ' sa-choice-disabled' : ''}`}>
              <input
                type="radio"
                name="duration"
                value={value}
                checked={duration === value}
                disabled={refused}
                onChange={() => {
                  setDuration(value)
                  edited('duration')
                }}
              />
              <span className="sa-choice-text">
                <span>{t(`sa.duration.${value}`)}</span>
                {note ? <span className="sa-choice-hint">{note}</span> : null}
              </span>
            </label>
          )
        })}
        {errors.duration ? <p className="field-error">{errors.duration}</p> : null}
      </fieldset>
      <fieldset className="sa-choice-group">
        <legend className="field-label">{t('grant.scope')}</legend>
        {SUPPORT_SCOPES.map((value) => (
          <label key={value} className="sa-choice">
            <input
              type="radio"
              name="scope"
              value={value}
              checked={scope === value}
              onChange={() => {
                setScope(value)
                edited('scope')
              }}
            />
            <span className="sa-choice-text">
              <span>{t(SCOPE_TEXT[value].label)}</span>
              <span className="sa-choice-hint">{t(SCOPE_TEXT[value].hint)}</span>
            </span>
          </label>
        ))}
        {errors.scope ? <p className="field-error">{errors.scope}</p> : null}
      </fieldset>
      <div className="field">
        <label className="field-label" htmlFor={reasonId}>
          {t('grant.reason')}
        </label>
        <textarea
          id={reasonId}
          className="textarea"
          maxLength={500}
          value={reason}
          onChange={(event) => {
            setReason(event.target.value)
            edited('reason')
          }}
          placeholder={t('grant.reasonPlaceholder')}
          aria-invalid={errors.reason ? true : undefined}
          aria-describedby={errors.reason ? `${reasonId}-error` : undefined}
        />
        {errors.reason ? (
          <p className="field-error" id={`${reasonId}-error`}>
            {errors.reason}
          </p>
        ) : null}
      </div>
      {error ? <Banner tone="error">{error}</Banner> : null}
    </Dialog>
  )
}
