import { useId, useRef, useState, type JSX } from 'react'
import { AuthCard } from '../../components/auth-card'
import { CheckIcon, CopyIcon } from '../../components/icons'
import { useSession } from '../../app/session-store'
import './recovery-key.css'

/** Shown exactly once, right after setup; the key is dropped from memory when the person continues. */
export function RecoveryKeyScreen(): JSX.Element {
  const recoveryKey = useSession((s) => s.recoveryKey) ?? ''
  const recoveryKeyStored = useSession((s) => s.recoveryKeyStored)
  const [stored, setStored] = useState(false)
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null)
  const keyRef = useRef<HTMLElement>(null)
  const explanationId = useId()

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
    <AuthCard title="Save your recovery key" subtitle="This is the only time Gatehouse shows it." wide>
      <div className="recovery">
        <p id={explanationId} className="recovery-text">
          Gatehouse encrypts everything it stores. The recovery key unlocks that encrypted store if the passphrase or
          the operating system&apos;s key vault is ever lost — for example after reinstalling the computer. Without it,
          the data cannot be recovered by anyone.
        </p>
        <div className="recovery-key-box">
          <code ref={keyRef} className="recovery-key" aria-label="Recovery key" aria-describedby={explanationId} data-testid="recovery-key">
            {recoveryKey}
          </code>
          <button type="button" className="button button-sm" onClick={() => void copy()}>
            {copied === 'yes' ? <CheckIcon /> : <CopyIcon />}
            {copied === 'yes' ? 'Copied' : 'Copy'}
          </button>
        </div>
        <p className="recovery-status" role="status">
          {copied === 'failed' ? 'Copying was not allowed. The key is selected: press Ctrl+C (⌘C on macOS).' : ''}
        </p>
        <ul className="recovery-tips">
          <li>Store it in a password manager or print it and keep it somewhere safe.</li>
          <li>Do not store it on this computer only.</li>
        </ul>
        <label className="checkbox">
          <input type="checkbox" checked={stored} onChange={(e) => setStored(e.target.checked)} />
          <span>I have stored the recovery key somewhere safe</span>
        </label>
        <button type="button" className="button button-primary button-block" disabled={!stored} onClick={recoveryKeyStored}>
          Continue to Gatehouse
        </button>
      </div>
    </AuthCard>
  )
}
