import { useRef, useState, type JSX } from 'react'
import { CheckIcon, CopyIcon } from '../../components/icons'
import { useT } from '../../i18n/i18n'
import './recovery-key.css'

/**
 * A recovery key to write down, with Copy (refused clipboard: the key is selected for Ctrl+C) and
 * a status line that says so: first-run setup and Settings → Security show a new key through it.
 */
export function RecoveryKeyBox({ recoveryKey, label, describedBy, testId }: { recoveryKey: string; label: string; describedBy?: string; testId: string }): JSX.Element {
  const t = useT()
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null)
  const keyRef = useRef<HTMLElement>(null)

  async function copy(): Promise<void> {
    try {
      await navigator.clipboard.writeText(recoveryKey)
      setCopied('yes')
    } catch {
      const node = keyRef.current
      if (node) window.getSelection()?.selectAllChildren(node)
      setCopied('failed')
    }
  }

  return (
    <>
      <div className="recovery-key-box">
        <code ref={keyRef} className="recovery-key" aria-label={label} aria-describedby={describedBy} data-testid={testId}>
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
    </>
  )
}
