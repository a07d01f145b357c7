import { useId, useState, type JSX } from 'react'
import { Banner } from '../../components/banner'
import { Badge } from '../../components/badge'
import { ConfirmDialog, Dialog } from '../../components/dialog'
import { TextField } from '../../components/field'
import { Spinner } from '../../components/spinner'
import { formatCount, formatDateTime } from '../../components/format'
import { getBridge } from '../../app/bridge'
import { useFormErrors } from '../../app/field-errors'
import { useT } from '../../i18n/i18n'
import '../settings/settings.css'
import { RecoveryKeyBox } from '../setup/recovery-key-box'
import { useChannelRead } from '../../app/use-channel-read'

/** What the screen reads again when the core says it changed. */
const SECURITY_TOPICS = ['settings'] as const

const PASSWORD_FIELDS = ['password'] as const

/** One way of opening the store's key, as a line of the Keys card. */
function SlotLine({ present, label, detail }: { present: boolean; label: string; detail: string }): JSX.Element {
  const t = useT()
  return (
    <>
      <dt>{label}</dt>
      <dd>
        <Badge tone={present ? 'green' : 'grey'}>{t(present ? 'security.slotSet' : 'security.slotNotSet')}</Badge> {detail}
      </dd>
    </>
  )
}

/**
 * Settings → Security, the Owner's: where the data is, what protects it at rest, the ways its key
 * is kept, the audit ledger, and a new recovery key (the old one stops working at once).
 */
export function SecurityScreen(): JSX.Element {
  const t = useT()
  const { value: status, error, reload } = useChannelRead('security:status', {}, SECURITY_TOPICS)
  const [replacing, setReplacing] = useState(false)
  const [newKey, setNewKey] = useState<string | null>(null)

  return (
    <section className="screen settings-screen" aria-labelledby="security-title">
      <header className="screen-header">
        <div className="screen-heading">
          <h1 id="security-title">{t('screen.security')}</h1>
        </div>
      </header>
      <div className="settings-body">
        <div className="settings-sections">
          {error ? <Banner tone="error">{t('security.loadFailed', { error })}</Banner> : null}
          {!status && !error ? <Spinner label={t('security.loading')} /> : null}
          {status ? (
            <>
              <section className="settings-card" aria-labelledby="security-store-title" data-testid="security-store">
                <h2 id="security-store-title">{t('security.store')}</h2>
                <dl className="settings-facts">
                  <dt>{t('security.kind')}</dt>
                  <dd>{t(status.store.kind === 'sqlite' ? 'security.kindSqlite' : 'security.kindPostgres')}</dd>
                  <dt>{t(status.store.kind === 'sqlite' ? 'security.file' : 'security.server')}</dt>
                  <dd>
                    <code>{status.store.location}</code>
                  </dd>
                  <dt>{t('security.atRest')}</dt>
                  <dd>{t(status.store.kind === 'sqlite' ? 'security.atRestSqlite' : 'security.atRestPostgres')}</dd>
                  <dt>{t('security.ledger')}</dt>
                  <dd>
                    {status.ledger.lastSignedAt !== null
                      ? t('security.ledgerSigned', { count: status.ledger.events, at: formatDateTime(status.ledger.lastSignedAt) })
                      : t('security.ledgerEvents', { count: status.ledger.events })}
                  </dd>
                </dl>
              </section>
              <section className="settings-card" aria-labelledby="security-keys-title" data-testid="security-keys">
                <h2 id="security-keys-title">{t('security.keys')}</h2>
                <p className="muted">{t('security.keysIntro')}</p>
                <dl className="settings-facts">
                  <SlotLine
                    present={status.keys.passphrase.present}
                    label={t('security.passphrase')}
                    detail={
                      status.keys.passphrase.scryptN
                        ? t('security.passphraseDetail', { n: formatCount(status.keys.passphrase.scryptN) })
                        : t('security.passphraseAsked')
                    }
                  />
                  <SlotLine present={status.keys.recovery.present} label={t('security.recoveryKey')} detail={t('security.recoveryDetail')} />
                  <SlotLine present={status.keys.keychain.present} label={t('security.keychain')} detail={t('security.keychainDetail')} />
                </dl>
              </section>
              <section className="settings-card" aria-labelledby="security-recovery-title" data-testid="security-recovery">
                <h2 id="security-recovery-title">{t('security.recoveryKey')}</h2>
                <p>
                  {status.keys.recovery.replacedAt !== null
                    ? t('security.recoveryReplaced', { at: formatDateTime(status.keys.recovery.replacedAt), by: status.keys.recovery.replacedBy ?? '' })
                    : t('security.recoveryFromSetup')}{' '}
                  {t('security.recoveryAdvice')}
                </p>
                {status.capabilities.replaceRecoveryKey ? (
                  <div>
                    <button type="button" className="button" onClick={() => setReplacing(true)}>
                      {t('security.newKeyButton')}
                    </button>
                  </div>
                ) : (
                  <p className="muted">{t('security.ownerOnly')}</p>
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
  const t = useT()
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
      title={t('security.replaceTitle')}
      confirmLabel={t('security.replaceConfirm')}
      tone="danger"
      busy={busy}
      error={form.banner}
      confirmDisabled={password === ''}
      onCancel={onCancel}
      onConfirm={() => void replace()}
      extra={
        <TextField
          label={t('security.yourPassword')}
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
      <p>{t('security.replaceWarning')}</p>
      <p>{t('security.replaceReady')}</p>
    </ConfirmDialog>
  )
}

/** Shown once; the key leaves memory when the dialog closes. */
function NewRecoveryKeyDialog({ recoveryKey, onDone }: { recoveryKey: string; onDone(): void }): JSX.Element {
  const t = useT()
  const [stored, setStored] = useState(false)
  const explanationId = useId()

  return (
    <Dialog
      title={t('security.newKeyTitle')}
      size="md"
      describedBy={explanationId}
      // Closing is allowed only once the person says the key is stored.
      onClose={() => {
        if (stored) onDone()
      }}
      footer={
        <button type="button" className="button button-primary" disabled={!stored} onClick={onDone}>
          {t('security.done')}
        </button>
      }
    >
      <div className="recovery">
        <p id={explanationId} className="recovery-text">
          {t('security.newKeyOnce')}
        </p>
        <RecoveryKeyBox recoveryKey={recoveryKey} label={t('security.newKeyLabel')} describedBy={explanationId} testId="new-recovery-key" />
        <label className="checkbox">
          <input type="checkbox" checked={stored} onChange={(e) => setStored(e.target.checked)} />
          <span>{t('security.stored')}</span>
        </label>
      </div>
    </Dialog>
  )
}
