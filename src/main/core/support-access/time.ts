import { AppError } from '../../../shared/contract/result'
import type { SupportDuration } from '../../../shared/contract/support-access'

const HOUR = 3_600_000
const DAY = 24 * HOUR

/**
 * The end of a grant of `duration` that starts at `from`: a day is 24 hours, a week 7 days; a month
 * and a year are calendar steps in UTC (the same clock time one month/year later, clamped to the
 * month's last day: 31 Jan + 1 month = 28/29 Feb). Indefinite: null.
 */
export function addDuration(from: number, duration: SupportDuration): number | null {
  switch (duration) {
    case 'day':
      return from + DAY
    case 'week':
      return from + 7 * DAY
    case 'month':
      return addCalendarMonths(from, 1)
    case 'year':
      return addCalendarMonths(from, 12)
    case 'indefinite':
      return null
  }
}

function addCalendarMonths(from: number, months: number): number {
  const d = new Date(from)
  const targetMonth = d.getUTCMonth() + months
  const year = d.getUTCFullYear() + Math.floor(targetMonth / 12)
  const month = ((targetMonth % 12) + 12) % 12
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate()
  return Date.UTC(year, month, Math.min(d.getUTCDate(), lastDay), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds())
}

const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`

/** "6 days 23 hours", "3 hours 12 minutes", "12 minutes", "less than a minute" (rounded down). */
export function formatRemaining(ms: number): string {
  if (ms < 60_000) return 'less than a minute'
  const days = Math.floor(ms / DAY)
  const hours = Math.floor((ms % DAY) / HOUR)
  const minutes = Math.floor((ms % HOUR) / 60_000)
  if (days > 0) return hours > 0 ? `${plural(days, 'day')} ${plural(hours, 'hour')}` : plural(days, 'day')
  if (hours > 0) return minutes > 0 ? `${plural(hours, 'hour')} ${plural(minutes, 'minute')}` : plural(hours, 'hour')
  return plural(minutes, 'minute')
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat']
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
const formatters = new Map<string, Intl.DateTimeFormat>()

/** The zone Gatehouse runs in; the status line uses it unless the caller names one. */
export function hostTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC'
}

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone)
  if (!formatter) {
    try {
      formatter = new Intl.DateTimeFormat('en-US', {
        timeZone,
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        hourCycle: 'h23'
      })
    } catch {
      throw new AppError('VALIDATION', `Unknown time zone: ${timeZone.slice(0, 64)}`, { issues: [{ path: 'timeZone', message: 'Unknown time zone' }] })
    }
    formatters.set(timeZone, formatter)
  }
  return formatter
}

/** Check an IANA zone name (VALIDATION if unknown); returns it. */
export function checkTimeZone(timeZone: string): string {
  formatterFor(timeZone)
  return timeZone
}

/** "Mon 30 Nov 2026, 14:02" in `timeZone`; names are fixed English so the line reads the same everywhere. */
export function formatEndsAt(ms: number, timeZone: string): string {
  const parts = Object.fromEntries(formatterFor(timeZone).formatToParts(new Date(ms)).map((p) => [p.type, p.value]))
  const year = Number(parts.year)
  const month = Number(parts.month)
  const day = Number(parts.day)
  const weekday = WEEKDAYS[new Date(Date.UTC(year, month - 1, day)).getUTCDay()]
  const hour = String(Number(parts.hour) % 24).padStart(2, '0')
  return `${weekday} ${day} ${MONTHS[month - 1]} ${year}, ${hour}:${String(parts.minute).padStart(2, '0')}`
}

/** ISO 8601 in UTC without milliseconds, for CSV files and audit sentences. */
export function isoUtc(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')
}

/** "2026-11-30 14:02 UTC": the readable form used in audit sentences and refusals. */
export function readableUtc(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`
}
