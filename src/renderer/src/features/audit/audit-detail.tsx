import { useEffect, useRef, useState, type JSX } from 'react'
import { CloseIcon } from '../../components/icons'
import { formatCount, formatDateTime } from '../../components/format'
import type { AuditEventDto } from '../../../../shared/contract/audit'
import { useDismiss } from '../../components/use-dismiss'
import { actionLabel, actorLabel, targetLabel } from './audit-columns'
import { useT } from '../../i18n/i18n'
import { diffValues, shownValue } from './audit-diff'

function pretty(value: unknown): string {
  return value === null || value === undefined ? '—' : JSON.stringify(value, null, 2)
}

function isEmpty(value: unknown): boolean {
  return value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0)
}

/** One side of a change: the value, or "empty" said in words. */
function Value({ value }: { value: unknown }): JSX.Element {
  const t = useT()
  return isEmpty(value) ? <span className="muted">{t('auditDetail.empty')}</span> : <span className="audit-value">{shownValue(value)}</span>
}

/** The values of an event field by field: changed (old → new), added, removed; raw JSON one click away. */
function ValuesDiff({ event }: { event: AuditEventDto }): JSX.Element {
  const t = useT()
  const [raw, setRaw] = useState(false)
  const { changes, unchanged } = diffValues(event.before, event.after)
  return (
    <>
      {changes.length > 0 ? (
        <table className="audit-diff">
          <caption className="visually-hidden">{t('auditDetail.diffCaption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('auditDetail.field')}</th>
              <th scope="col">{t('auditDetail.before')}</th>
              <th scope="col">{t('auditDetail.after')}</th>
            </tr>
          </thead>
          <tbody>
            {changes.map((change) => (
              <tr key={change.path} className={`audit-diff-${change.kind}`}>
                <th scope="row">
                  <code>{change.path}</code>
                  <span className="audit-diff-kind">{t(`auditDetail.kind.${change.kind}`)}</span>
                </th>
                <td>{change.kind === 'added' ? <span className="muted">{t('auditDetail.notSet')}</span> : <Value value={change.before} />}</td>
                <td>{change.kind === 'removed' ? <span className="muted">{t('auditDetail.notSet')}</span> : <Value value={change.after} />}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="muted audit-novalues">{t('auditDetail.noChanges')}</p>
      )}
      {unchanged > 0 ? <p className="muted audit-unchanged">{t('auditDetail.unchanged', { count: unchanged })}</p> : null}
      <button type="button" className="button button-sm audit-raw-toggle" aria-expanded={raw} onClick={() => setRaw(!raw)}>
        {raw ? t('auditDetail.hideRaw') : t('auditDetail.showRaw')}
      </button>
      {raw ? (
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
      ) : null}
    </>
  )
}

export function AuditDetail(props: { event: AuditEventDto; onClose(): void; onShowActor(): void; onShowTarget(): void }): JSX.Element {
  const { event, onClose } = props
  const headingRef = useRef<HTMLHeadingElement>(null)
  const t = useT()
  const panelRef = useRef<HTMLElement>(null)
  // Escape (when no dialog is open) and the close button; focus goes back to the list.
  const close = useDismiss(panelRef, onClose)
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
          {event.actor.id ? (
            <button type="button" className="button button-ghost button-sm audit-fact-action" onClick={props.onShowActor}>
              {t('auditDetail.showActor')}
            </button>
          ) : null}
        </dd>
        <dt>{t('auditDetail.action')}</dt>
        <dd>
          <span className="fact-main">{actionLabel(event.action)}</span>
          <code className="action-code">{event.action}</code>
        </dd>
        <dt>{t('auditDetail.target')}</dt>
        <dd>
          <span className="fact-main">{targetLabel(event.target)}</span>
          <span className="fact-sub">
            {event.target.type}
            {event.target.id ? ` · ${event.target.id}` : ''}
          </span>
          {event.target.id ? (
            <button type="button" className="button button-ghost button-sm audit-fact-action" onClick={props.onShowTarget}>
              {t('auditDetail.showTarget')}
            </button>
          ) : null}
        </dd>
        <dt>{t('auditDetail.ip')}</dt>
        <dd>{event.ip ?? '—'}</dd>
        <dt>{t('auditDetail.device')}</dt>
        <dd>{event.device ?? '—'}</dd>
      </dl>
      <h3 className="audit-detail-section">{t('auditDetail.values')}</h3>
      {hasValues ? <ValuesDiff key={event.seq} event={event} /> : <p className="muted audit-novalues">{t('auditDetail.noValues')}</p>}
    </aside>
  )
}
