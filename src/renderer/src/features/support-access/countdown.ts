import type { SupportAccessStatus } from '../../../../shared/contract/support-access'
import { formatDateTime } from '../../components/format'
import { t } from '../../i18n/i18n'

const MINUTE = 60_000
const HOUR = 3_600_000
const DAY = 24 * HOUR

/** Same wording as the core's status line: "6 days 23 hours", "3 hours 12 minutes", "less than a minute". */
export function formatRemaining(ms: number): string {
  if (ms < MINUTE) return t('sa.remaining.underMinute')
  const days = t('sa.remaining.days', { count: Math.floor(ms / DAY) })
  const hours = Math.floor((ms % DAY) / HOUR)
  const minutes = Math.floor((ms % HOUR) / MINUTE)
  if (ms >= DAY) return hours > 0 ? `${days} ${t('sa.remaining.hours', { count: hours })}` : days
  if (hours > 0) return minutes > 0 ? `${t('sa.remaining.hours', { count: hours })} ${t('sa.remaining.minutes', { count: minutes })}` : t('sa.remaining.hours', { count: hours })
  return t('sa.remaining.minutes', { count: minutes })
}

/** When access ends, in the console's one date-time format with the zone the line was asked in. */
export function endsAtText(status: SupportAccessStatus): string | null {
  return status.endsAt === null ? null : formatDateTime(status.endsAt, { zone: true, timeZone: status.lineParts.timeZone })
}

/**
 * The status line, "On — read-only — ends in 6 days 23 hours (30 Nov 2026, 14:02 CET)": in English
 * word for word the core's line, composed here in the window's language from the core's pieces, with
 * the countdown brought up to date locally and the end in the console's format.
 */
export function statusLine(status: SupportAccessStatus, remainingMs: number | null): string {
  if (status.trial) return t('sa.line.trial')
  if (status.state !== 'on' || status.scope === null) return t('sa.line.off')
  const scope = t(`sa.scope.${status.scope}`)
  const ends = endsAtText(status)
  if (ends === null) return t('sa.line.noEnd', { scope })
  // A countdown that has not started (no local clock yet) is the core's own remaining time.
  return t('sa.line.ends', { scope, remaining: formatRemaining(remainingMs ?? status.remainingMs ?? 0), ends })
}
