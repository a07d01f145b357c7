import { useCallback, useEffect, useState, type JSX } from 'react'
import { Banner } from '../../components/banner'
import { formatDateTime } from '../../components/format'
import { getBridge } from '../../app/bridge'
import { useDataChanged } from '../../app/data-events'
import type { AuditEventDto } from '../../../../shared/contract/audit'
import { useT } from '../../i18n/i18n'

const SHOWN = 5

/** What the person did last in this account, newest first, from the audit log (its readers only). */
export function RecentActivity({ personId }: { personId: string }): JSX.Element {
  const [events, setEvents] = useState<AuditEventDto[] | null>(null)
  const [error, setError] = useState<string | null>(null)
  const t = useT()
  // Bumped to fetch again when the audit log grows; the effect owns the request.
  const [version, setVersion] = useState(0)
  const reload = useCallback(() => setVersion((v) => v + 1), [])
  useDataChanged('audit', reload)
  useEffect(() => {
    let live = true
    void getBridge()
      .invoke('audit:list', { filter: { actorId: personId }, limit: SHOWN })
      .then((result) => {
        if (!live) return
        if (result.ok) {
          setEvents(result.value.rows)
          setError(null)
        } else setError(result.error.message)
      })
    return () => {
      live = false
    }
  }, [personId, version])

  return (
    <section className="panel-section" aria-label={t('activity.title')}>
      <p className="field-label">{t('activity.title')}</p>
      {error ? <Banner tone="error">{t('activity.failed', { error })}</Banner> : null}
      {events === null && !error ? <p className="muted">{t('common.loading')}</p> : null}
      {events && events.length === 0 ? <p className="muted">{t('activity.none')}</p> : null}
      {events && events.length > 0 ? (
        <ol className="recent-activity">
          {events.map((event) => (
            <li key={event.seq}>
              <span className="recent-activity-summary">{event.summary}</span>
              <time className="muted" dateTime={new Date(event.time).toISOString()} title={new Date(event.time).toISOString()}>
                {formatDateTime(event.time, { zone: true })}
              </time>
            </li>
          ))}
        </ol>
      ) : null}
    </section>
  )
}
