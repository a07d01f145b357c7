import type { SupportAccessStatus } from '../../../../shared/contract/support-access'
import { formatDateTime } from '../../components/format'

const MINUTE = 60_000
const HOUR = 3_600_000
const DAY = 24 * HOUR
const unit = (n: number, name: string): string => `${n} ${name}${n === 1 ? '' : 's'}`

/** Same wording as the core's status line: "6 days 23 hours", "3 hours 12 minutes", "less than a minute". */
export function formatRemaining(ms: number): string {
  if (ms < MINUTE) return 'less than a minute'
  const days = Math.floor(ms / DAY)
  const hours = Math.floor((ms % DAY) / HOUR)
  const minutes = Math.floor((ms % HOUR) / MINUTE)
  if (days > 0) return hours > 0 ? `${unit(days, 'day')} ${unit(hours, 'hour')}` : unit(days, 'day')
  if (hours > 0) return minutes > 0 ? `${unit(hours, 'hour')} ${unit(minutes, 'minute')}` : unit(hours, 'hour')
  return unit(minutes, 'minute')
}

/** When access ends, in the console's one date-time format with the zone the line was asked in. */
export function endsAtText(status: SupportAccessStatus): string | null {
  return status.endsAt === null ? null : formatDateTime(status.endsAt, { zone: true, timeZone: status.lineParts.timeZone })
}

/**
 * The status line, "On — read-only — ends in 6 days 23 hours (30 Nov 2026, 14:02 CET)": the core's
 * pieces, with the countdown brought up to date locally and the end in the console's format. Lines
 * without an end (off, no end date, the trial) are the core's as they are.
 */
export function statusLine(status: SupportAccessStatus, remainingMs: number | null): string {
  const { scope, remaining } = status.lineParts
  const ends = endsAtText(status)
  if (status.state !== 'on' || status.trial || remaining === null || remainingMs === null || ends === null || scope === null) return status.line
  return `On — ${scope} — ends in ${formatRemaining(remainingMs)} (${ends})`
}
