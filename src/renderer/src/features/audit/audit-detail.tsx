import { useEffect, useRef, type JSX } from 'react'
import { CloseIcon } from '../../components/icons'
import { formatCount, formatDateTime } from '../../components/format'
import type { AuditEventDto } from '../../../../shared/contract/audit'
import { useDismiss } from '../../components/use-dismiss'
import { actorLabel, targetLabel } from './audit-columns'
import { useT } from '../../i18n/i18n'

function pretty(value: unknown): string {
  return value === null || value === undefined ? '—' : JSON.stringify(value, null, 2)
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Top-level fields whose value differs between before and after. */
function changedFields(before: unknown, after: unknown): string[] {
  if (!isRecord(before) && !isRecord(after)) return []
  const b = isRecord(before) ? before : {}
  const a = isRecord(after) ? after : {}
  const keys = new Set([...Object.keys(b), ...Object.keys(a)])
  return [...keys].filter((key) => JSON.stringify(b[key]) !== JSON.stringify(a[key])).sort()
}

export function AuditDetail({ event, onClose }: { event: AuditEventDto; onClose(): void }): JSX.Element {
  const headingRef = useRef<HTMLHeadingElement>(null)
  const t = useT()
  const panelRef = useRef<HTMLElement>(null)
  // Escape (when no dialog is open) and the close button; focus goes back to the list.
  const close = useDismiss(panelRef, onClose)
  const changed = changedFields(event.before, event.after)
  const hasValues = event.before !== null || event.after !== null

  // Announce the new selection by moving the reading position, not keyboard focus.
  useEffect(() => {
    headingRef.current?.scrollIntoView({ block: 'nearest' })
  }, [event.seq])

  return (
    <aside ref={panelRef} className="audit-detail" aria-labelledby="audit-detail-title">
      <div className="audit-detail-head">
        <div className="audit-detail-headings">
          <p className="audit-detail-seq">{t('auditDetail.event', { seq: formatCount(event.seq) })}</p>
          <h2 id="audit-detail-title" ref={headingRef}>
            {event.summary}
          </h2>
        </div>
        <button type="button" className="button button-ghost button-sm" onClick={close} aria-label={t('auditDetail.close')}>
          <CloseIcon />
        </button>
      </div>
      <dl className="audit-facts">
        <dt>{t('auditDetail.time')}</dt>
        <dd>{formatDateTime(event.time, { zone: true })}</dd>
        <dt>{t('auditDetail.actor')}</dt>
        <dd>
          <span className="fact-main">{event.actor.name}</span>
          <span className="fact-sub">
            {actorLabel(event.actor)}
            {event.actor.email ? ` · ${event.actor.email}` : ''}
          </span>
        </dd>
        <dt>{t('auditDetail.action')}</dt>
        <dd>
          <code className="action-code">{event.action}</code>
        </dd>
        <dt>{t('auditDetail.target')}</dt>
        <dd>
          <span className="fact-main">{targetLabel(event.target)}</span>
          <span className="fact-sub">
            {event.target.type}
            {event.target.id ? ` · ${event.target.id}` : ''}
          </span>
        </dd>
        <dt>{t('auditDetail.ip')}</dt>
        <dd>{event.ip ?? '—'}</dd>
        <dt>{t('auditDetail.device')}</dt>
        <dd>{event.device ?? '—'}</dd>
      </dl>
      <h3 className="audit-detail-section">{t('auditDetail.values')}</h3>
      {hasValues ? (
        <>
          {changed.length > 0 ? (
            <p className="audit-changed">
              {t('auditDetail.changed')} {changed.map((key) => <code key={key}>{key}</code>)}
            </p>
          ) : null}
          <div className="audit-values">
            <figure>
              <figcaption>{t('auditDetail.before')}</figcaption>
              <pre tabIndex={0} aria-label={t('auditDetail.valueBefore')}>{pretty(event.before)}</pre>
            </figure>
            <figure>
              <figcaption>{t('auditDetail.after')}</figcaption>
              <pre tabIndex={0} aria-label={t('auditDetail.valueAfter')}>{pretty(event.after)}</pre>
            </figure>
          </div>
        </>
      ) : (
        <p className="muted audit-novalues">{t('auditDetail.noValues')}</p>
      )}
    </aside>
  )
}
