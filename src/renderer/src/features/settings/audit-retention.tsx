import { useId, useState, type JSX } from 'react'
import { Banner } from '../../components/banner'
import { ConfirmDialog } from '../../components/dialog'
import { Spinner } from '../../components/spinner'
import { formatCount, formatDate, formatDateTime } from '../../components/format'
import { useT, type Translate } from '../../i18n/i18n'
import { getBridge } from '../../app/bridge'
import { hasPermission, useSession } from '../../app/session-store'
import { useChannelRead } from '../../app/use-channel-read'
import { AUDIT_RETENTIONS, type AuditRetention, type RetentionStatusDto } from '../../../../shared/contract/audit'

/** Read again when the audit log changes (an export finished, a purge, a change of period). */
const RETENTION_TOPICS = ['audit'] as const

export function retentionLabel(t: Translate, retention: AuditRetention): string {
  return t(`retention.option.${retention}`)
}

/** What a purge would remove now, in words; null when nothing is past the period. */
function DueFacts({ status }: { status: RetentionStatusDto }): JSX.Element {
  const t = useT()
  const { due, lastExport } = status
  const waiting = due.events - due.exported
  return (
    <div className="retention-facts" data-testid="retention-due">
      <p>
        {t('retention.due', {
          date: formatDate(status.cutoff!, { year: true }),
          events: due.events,
          eventsShown: formatCount(due.events),
          logins: due.loginEvents,
          loginsShown: formatCount(due.loginEvents)
        })}
      </p>
      <p className="muted">
        {lastExport
          ? t('retention.lastExport', { at: formatDateTime(lastExport.finishedAt), size: formatCount(lastExport.treeSize), root: lastExport.root.slice(0, 16) })
          : t('retention.noExport')}
      </p>
      {waiting > 0 ? <Banner tone="warning">{t('retention.notExported', { count: waiting, shown: formatCount(waiting) })}</Banner> : null}
      {status.purged > 0 ? <p className="muted">{t('retention.purgedSoFar', { count: status.purged, shown: formatCount(status.purged) })}</p> : null}
    </div>
  )
}

/**
 * Settings → Account, retention: how long the account keeps the content of its audit and login
 * events. Owner, Admin and Viewer read it and what a purge would remove; the Owner and Admins choose
 * the period and purge (after a complete export; the core checks what the preview showed).
 */
export function AuditRetentionSection(): JSX.Element {
  const session = useSession((s) => s.session)
  const canChange = hasPermission(session, 'users:manage')
  const { value: status, error, reload, replace } = useChannelRead('audit:retention', {}, RETENTION_TOPICS)
  const [choice, setChoice] = useState<AuditRetention | null>(null)
  const [busy, setBusy] = useState(false)
  const [message, setMessage] = useState<string | null>(null)
  const [saveError, setSaveError] = useState<string | null>(null)
  const [confirming, setConfirming] = useState(false)
  const [purgeError, setPurgeError] = useState<string | null>(null)
  const selectId = useId()
  const t = useT()

  const chosen = choice ?? status?.retention ?? 'forever'

  async function save(): Promise<void> {
    setBusy(true)
    setSaveError(null)
    const result = await getBridge().invoke('audit:retention-set', { retention: chosen })
    setBusy(false)
    if (!result.ok) return setSaveError(result.error.message)
    replace(result.value)
    setChoice(null)
    setMessage(t('retention.saved', { period: retentionLabel(t, result.value.retention) }))
  }

  async function purge(seen: RetentionStatusDto): Promise<void> {
    setBusy(true)
    setPurgeError(null)
    const result = await getBridge().invoke('audit:purge', { expected: { events: seen.due.exported, loginEvents: seen.due.loginEvents } })
    setBusy(false)
    if (!result.ok) {
      setPurgeError(result.error.message)
      // What would go has changed: the dialog's figures follow the newest reading.
      reload()
      return
    }
    replace(result.value.status)
    setConfirming(false)
    setMessage(t('retention.purged', { events: result.value.events, eventsShown: formatCount(result.value.events), logins: result.value.loginEvents, loginsShown: formatCount(result.value.loginEvents) }))
  }

  const purgeable = status !== null && status.cutoff !== null && (status.due.exported > 0 || status.due.loginEvents > 0)
  return (
    <section className="settings-card" aria-labelledby="retention-title">
      <h2 id="retention-title">{t('retention.title')}</h2>
      <p className="muted">{t('retention.intro')}</p>
      {error ? <Banner tone="error">{t('retention.loadFailed', { error })}</Banner> : null}
      {!status && !error ? <Spinner label={t('retention.loading')} /> : null}
      {status ? (
        <>
          {canChange ? (
            <form
              className="settings-actions"
              onSubmit={(event) => {
                event.preventDefault()
                void save()
              }}
            >
              <label className="field-label" htmlFor={selectId}>
                {t('retention.label')}
              </label>
              <select
                id={selectId}
                className="select"
                value={chosen}
                onChange={(e) => {
                  setChoice(e.target.value as AuditRetention)
                  setMessage(null)
                  setSaveError(null)
                }}
              >
                {AUDIT_RETENTIONS.map((r) => (
                  <option key={r} value={r}>
                    {retentionLabel(t, r)}
                  </option>
                ))}
              </select>
              <button type="submit" className="button button-primary" disabled={busy || chosen === status.retention}>
                {t('common.save')}
              </button>
            </form>
          ) : (
            <p data-testid="retention-value">
              {t('retention.current', { period: retentionLabel(t, status.retention) })} <span className="muted">{t('retention.adminsOnly')}</span>
            </p>
          )}
          {saveError ? <Banner tone="error">{saveError}</Banner> : null}
          {/* Always there, so a screen reader hears the text when it appears. */}
          <p role="status" className="muted">
            {message}
          </p>
          {status.cutoff === null ? <p className="muted">{t('retention.forever')}</p> : <DueFacts status={status} />}
          {canChange && status.cutoff !== null ? (
            <div className="settings-actions">
              <button
                type="button"
                className="button button-danger"
                disabled={!purgeable || busy}
                onClick={() => {
                  setPurgeError(null)
                  setConfirming(true)
                }}
              >
                {t('retention.purge')}
              </button>
              {!purgeable ? <span className="muted">{t('retention.nothingToPurge')}</span> : null}
            </div>
          ) : null}
        </>
      ) : null}
      {confirming && status ? (
        <ConfirmDialog
          title={t('retention.confirmTitle')}
          confirmLabel={t('retention.purge')}
          tone="danger"
          busy={busy}
          error={purgeError}
          onCancel={() => setConfirming(false)}
          // The figures shown are the newest reading (read again after a refusal): those are confirmed.
          onConfirm={() => void purge(status)}
        >
          <p data-testid="retention-confirm">
            {t('retention.confirmBody', {
              date: formatDate(status.cutoff ?? 0, { year: true }),
              events: status.due.exported,
              eventsShown: formatCount(status.due.exported),
              logins: status.due.loginEvents,
              loginsShown: formatCount(status.due.loginEvents)
            })}
          </p>
          <p>{t('retention.confirmKeeps')}</p>
        </ConfirmDialog>
      ) : null}
    </section>
  )
}
