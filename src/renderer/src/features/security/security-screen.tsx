import { useCallback, useEffect, useId, useRef, useState, type JSX } from 'react'
import { Banner } from '../../components/banner'
import { Badge } from '../../components/badge'
import { ConfirmDialog, Dialog } from '../../components/dialog'
import { TextField } from '../../components/field'
import { Spinner } from '../../components/spinner'
import { CheckIcon, CopyIcon } from '../../components/icons'
import { DateTime } from '../../components/date-time'
import { formatCount } from '../../components/format'
import { getBridge } from '../../app/bridge'
import { useDataChanged } from '../../app/data-events'
import { useFormErrors } from '../../app/field-errors'
import type { SecurityStatus } from '../../../../shared/contract/security'
import '../settings/settings.css'
import '../setup/recovery-key.css'

const PASSWORD_FIELDS = ['password'] as const

/** One way of opening the store's key, as a line of the Keys card. */
function SlotLine({ present, label, detail }: { present: boolean; label: string; detail: string }): JSX.Element {
  return (
    <>
      <dt>{label}</dt>
      <dd>
        <Badge tone={present ? 'green' : 'grey'}>{present ? 'Set' : 'Not set'}</Badge> {detail}
      </dd>
    </>
  )
}

/**
 * Settings → Security, the Owner's: where the data is, what protects it at rest, the ways its key
 * is kept, the audit ledger, and a new recovery key (the old one stops working at once).
 */
export function SecurityScreen(): JSX.Element {
  const [status, setStatus] = useState<SecurityStatus | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [replacing, setReplacing] = useState(false)
  const [newKey, setNewKey] = useState<string | null>(null)
  const [version, setVersion] = useState(0)
  const latest = useRef(0)
  const reload = useCallback(() => setVersion((v) => v + 1), [])
  useEffect(() => {
    const mine = ++latest.current
    void getBridge()
      .invoke('security:status', {})
      .then((result) => {
        if (mine !== latest.current) return
        if (!result.ok) return setError(result.error.message)
        setError(null)
        setStatus(result.value)
      })
  }, [version])
  useDataChanged('settings', reload)

  return (
    <section className="screen settings-screen" aria-labelledby="security-title">
      <header className="screen-header">
        <div className="screen-heading">
          <h1 id="security-title">Store and keys</h1>
        </div>
      </header>
      <div className="settings-body">
        <div className="settings-sections">
          {error ? <Banner tone="error">Could not load the security settings: {error}</Banner> : null}
          {!status && !error ? <Spinner label="Loading the security settings…" /> : null}
          {status ? (
            <>
              <section className="settings-card" aria-labelledby="security-store-title" data-testid="security-store">
                <h2 id="security-store-title">The store</h2>
                <dl className="settings-facts">
                  <dt>Kind</dt>
                  <dd>{status.store.kind === 'sqlite' ? 'Encrypted file on this computer' : 'Shared PostgreSQL directory'}</dd>
                  <dt>{status.store.kind === 'sqlite' ? 'File' : 'Server'}</dt>
                  <dd>
                    <code>{status.store.location}</code>
                  </dd>
                  <dt>At rest</dt>
                  <dd>{status.store.atRest}</dd>
                  <dt>Audit ledger</dt>
                  <dd>
                    {formatCount(status.ledger.events)} events, hash-chained
                    {status.ledger.lastSignedAt !== null ? (
                      <>
                        ; last signed tree head <DateTime ms={status.ledger.lastSignedAt} />
                      </>
                    ) : null}
                  </dd>
                </dl>
              </section>
              <section className="settings-card" aria-labelledby="security-keys-title" data-testid="security-keys">
                <h2 id="security-keys-title">Where the store&apos;s key is kept</h2>
                <p className="muted">
                  The key that encrypts the store is never written in the clear. Each way below holds a copy of it wrapped with
                  a secret; any one of them opens the store.
                </p>
                <dl className="settings-facts">
                  <SlotLine
                    present={status.keys.passphrase.present}
                    label="Passphrase"
                    detail={
                      status.keys.passphrase.scryptN
                        ? `scrypt (N = ${formatCount(status.keys.passphrase.scryptN)}) and AES-256-GCM; asked for when the web host or a command opens the store.`
                        : 'Asked for when the web host or a command opens the store.'
                    }
                  />
                  <SlotLine present={status.keys.recovery.present} label="Recovery key" detail="scrypt and AES-256-GCM; for when the passphrase or this computer is lost." />
                  <SlotLine present={status.keys.keychain.present} label="This computer's keychain" detail="The desktop app's copy, in the operating system's key vault." />
                </dl>
              </section>
              <section className="settings-card" aria-labelledby="security-recovery-title" data-testid="security-recovery">
                <h2 id="security-recovery-title">Recovery key</h2>
                <p>
                  {status.keys.recovery.replacedAt !== null ? (
                    <>
                      Replaced <DateTime ms={status.keys.recovery.replacedAt} />
                      {status.keys.recovery.replacedBy ? ` by ${status.keys.recovery.replacedBy}` : ''}.
                    </>
                  ) : (
                    'The recovery key shown at first-run setup is the one in use.'
                  )}{' '}
                  If it may have been seen by someone else, or was lost, create a new one: the old key stops opening the store
                  at once.
                </p>
                {status.capabilities.replaceRecoveryKey ? (
                  <div>
                    <button type="button" className="button" onClick={() => setReplacing(true)}>
                      Create a new recovery key…
                    </button>
                  </div>
                ) : (
                  <p className="muted">Only the account Owner can replace the recovery key.</p>
                )}
              </section>
            </>
          ) : null}
        </div>
      </div>
      {replacing ? (
        <ReplaceRecoveryKeyDialog
          onCancel={() => setReplacing(false)}
          onReplaced={(key) => {
            setReplacing(false)
            setNewKey(key)
            reload()
          }}
        />
      ) : null}
      {newKey ? <NewRecoveryKeyDialog recoveryKey={newKey} onDone={() => setNewKey(null)} /> : null}
    </section>
  )
}

/** The Owner's password, then the new key; a wrong password is said beside the field. */
function ReplaceRecoveryKeyDialog({ onCancel, onReplaced }: { onCancel(): void; onReplaced(key: string): void }): JSX.Element {
  const [password, setPassword] = useState('')
  const [busy, setBusy] = useState(false)
  const form = useFormErrors(PASSWORD_FIELDS)

  async function replace(): Promise<void> {
    setBusy(true)
    form.clear()
    const result = await getBridge().invoke('security:replace-recovery-key', { password })
    setBusy(false)
    if (result.ok) return onReplaced(result.value.recoveryKey)
    form.refuse(result.error)
    setPassword('')
  }

  return (
    <ConfirmDialog
      title="Create a new recovery key?"
      confirmLabel="Create a new recovery key"
      tone="danger"
      busy={busy}
      error={form.banner}
      confirmDisabled={password === ''}
      onCancel={onCancel}
      onConfirm={() => void replace()}
      extra={
        <TextField
          label="Your password"
          type="password"
          autoComplete="current-password"
          value={password}
          error={form.fields.password}
          onChange={(e) => {
            setPassword(e.target.value)
            form.edited('password')
          }}
          autoFocus
        />
      }
    >
      <p>The current recovery key stops opening the store as soon as the new one is created. The passphrase keeps working.</p>
      <p>The new key is shown once: have a password manager or a safe place ready.</p>
    </ConfirmDialog>
  )
}

/** Shown once; the key leaves memory when the dialog closes. */
function NewRecoveryKeyDialog({ recoveryKey, onDone }: { recoveryKey: string; onDone(): void }): JSX.Element {
  const [stored, setStored] = useState(false)
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null)
  const keyRef = useRef<HTMLElement>(null)
  const explanationId = useId()

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
    <Dialog
      title="Save the new recovery key"
      size="md"
      describedBy={explanationId}
      // Closing is allowed only once the person says the key is stored.
      onClose={() => {
        if (stored) onDone()
      }}
      footer={
        <button type="button" className="button button-primary" disabled={!stored} onClick={onDone}>
          Done
        </button>
      }
    >
      <div className="recovery">
        <p id={explanationId} className="recovery-text">
          This is the only time Gatehouse shows it. The previous recovery key no longer opens the store.
        </p>
        <div className="recovery-key-box">
          <code ref={keyRef} className="recovery-key" aria-label="New recovery key" data-testid="new-recovery-key">
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
        <label className="checkbox">
          <input type="checkbox" checked={stored} onChange={(e) => setStored(e.target.checked)} />
          <span>I have stored the new recovery key somewhere safe</span>
        </label>
      </div>
    </Dialog>
  )
}
