import { useId, useState, type JSX } from 'react'
import { AuthCard } from '../../components/auth-card'
import { useSession } from '../../app/session-store'
import { useT } from '../../i18n/i18n'
import { RecoveryKeyBox } from './recovery-key-box'
import './recovery-key.css'

/** Shown exactly once, right after setup; the key is dropped from memory when the person continues. */
export function RecoveryKeyScreen(): JSX.Element {
  const recoveryKey = useSession((s) => s.recoveryKey) ?? ''
  const recoveryKeyStored = useSession((s) => s.recoveryKeyStored)
  const [stored, setStored] = useState(false)
  const explanationId = useId()
  const t = useT()

  return (
    <AuthCard title={t('recovery.title')} subtitle={t('recovery.subtitle')} wide>
      <div className="recovery">
        <p id={explanationId} className="recovery-text">
          {t('recovery.text')}
        </p>
        <RecoveryKeyBox recoveryKey={recoveryKey} label={t('recovery.key')} describedBy={explanationId} testId="recovery-key" />
        <ul className="recovery-tips">
          <li>{t('recovery.tip1')}</li>
          <li>{t('recovery.tip2')}</li>
        </ul>
        <label className="checkbox">
          <input type="checkbox" checked={stored} onChange={(e) => setStored(e.target.checked)} />
          <span>{t('recovery.stored')}</span>
        </label>
        <button type="button" className="button button-primary button-block" disabled={!stored} onClick={recoveryKeyStored}>
          {t('recovery.continue')}
        </button>
      </div>
    </AuthCard>
  )
}
