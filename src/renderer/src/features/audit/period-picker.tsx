import type { JSX } from 'react'
import { useT } from '../../i18n/i18n'
import { PERIODS, viewRange, type Period, type PeriodView } from './audit-view'

const DAY = 86_400_000

/** yyyy-mm-dd of a local day, for <input type="date">. */
function dateValue(ms: number | null): string {
  if (ms === null) return ''
  const d = new Date(ms)
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`
}

/** Local midnight of a yyyy-mm-dd, or null. */
function dateMs(value: string): number | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value)
  if (!match) return null
  return new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3])).getTime()
}

/**
 * The time range of a filter: a preset (last 24 hours … last year), or a custom range picked by day
 * (local days; the end day included). Used by the audit log and the login history.
 */
export function PeriodPicker({ idPrefix, view, onChange }: { idPrefix: string; view: PeriodView; onChange(change: Partial<PeriodView>): void }): JSX.Element {
  const t = useT()
  return (
    <>
      <label className="visually-hidden" htmlFor={`${idPrefix}-period`}>
        {t('audit.period')}
      </label>
      <select
        id={`${idPrefix}-period`}
        className="select"
        value={view.period ?? ''}
        onChange={(e) => {
          const value = e.target.value
          if (value === 'custom') {
            // A custom range starts as the range shown (or the last 7 days), to be changed by date.
            const now = Date.now()
            const range = viewRange(view, now)
            onChange({ period: 'custom', from: range.from ?? now - 7 * DAY, to: range.to })
          }
          else onChange({ period: (value || null) as Period | null, from: null, to: null })
        }}
      >
        <option value="">{t('audit.period.any')}</option>
        {PERIODS.map((p) => (
          <option key={p} value={p}>
            {t(`audit.period.${p}`)}
          </option>
        ))}
        <option value="custom">{t('audit.period.custom')}</option>
      </select>
      {view.period === 'custom' ? (
        <span className="audit-dates">
          <label htmlFor={`${idPrefix}-from`}>{t('audit.from')}</label>
          <input
            id={`${idPrefix}-from`}
            className="input"
            type="date"
            value={dateValue(view.from)}
            max={dateValue(view.to !== null ? view.to - 1 : null) || undefined}
            onChange={(e) => onChange({ from: dateMs(e.target.value) })}
          />
          <label htmlFor={`${idPrefix}-to`}>{t('audit.to')}</label>
          <input
            id={`${idPrefix}-to`}
            className="input"
            type="date"
            value={dateValue(view.to !== null ? view.to - 1 : null)}
            min={dateValue(view.from) || undefined}
            onChange={(e) => {
              const day = dateMs(e.target.value)
              onChange({ to: day === null ? null : new Date(new Date(day).setDate(new Date(day).getDate() + 1)).getTime() })
            }}
          />
        </span>
      ) : null}
    </>
  )
}
