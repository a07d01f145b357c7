import { useId, useRef, useState, type JSX } from 'react'
import { AuthCard } from '../../components/auth-card'
import { CheckIcon, CopyIcon } from '../../components/icons'
import { useSession } from '../../app/session-store'
import { useT } from '../../i18n/i18n'
import './recovery-key.css'

/** Shown exactly once, right after setup; the key is dropped from memory when the person continues. */
export function RecoveryKeyScreen(): JSX.Element {
  const recoveryKey = useSession((s) => s.recoveryKey) ?? ''
  const recoveryKeyStored = useSession((s) => s.recoveryKeyStored)
  const [stored, setStored] = useState(false)
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null)
  const keyRef = useRef<HTMLElement>(null)
  const explanationId = useId()
  const t = useT()

  async function copy(): Promise<void> {
    try {
      await navigator.clipboard.writeText(recoveryKey)
      setCopied('yes')
    } catch {
      // Clipboard can be refused; select the key so Ctrl+C works.
      const node = keyRef.current
      if (node) window.getSelection()?.selectAllChildren(node)
      setCopied('failed')
    }
  }

  return (
    <AuthCard title={t('recovery.title')} subtitle={t('recovery.subtitle')} wide>
      <div className="recovery">
        <p id={explanationId} className="recovery-text">
          {t('recovery.text')}
        </p>
        <div className="recovery-key-box">
          <code ref={keyRef} className="recovery-key" aria-label={t('recovery.key')} aria-describedby={explanationId} data-testid="recovery-key">
            {recoveryKey}
          </code>
          <button type="button" className="button button-sm" onClick={() => void copy()}>
            {copied === 'yes' ? <CheckIcon /> : <CopyIcon />}
            {copied === 'yes' ? t('recovery.copied') : t('recovery.copy')}
          </button>
        </div>
        <p className="recovery-status" role="status">
          {copied === 'failed' ? t('recovery.copyFailed') : ''}
        </p>
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
