const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const
const relativeFormat = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' })
const numberFormat = new Intl.NumberFormat()

const dateTimeFormats = new Map<string, Intl.DateTimeFormat>()

function partsFormat(timeZone: string | undefined, zone: boolean): Intl.DateTimeFormat {
  const key = `${timeZone ?? ''}|${zone}`
  let format = dateTimeFormats.get(key)
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      ...(zone ? { timeZoneName: 'short' as const } : {})
    })
    dateTimeFormats.set(key, format)
  }
  return format
}

export interface DateTimeOptions {
  /** Add the time zone ("CET", "GMT+2"): where a moment is evidence or a deadline (audit, sign-ins, when access ends). */
  zone?: boolean
  /** IANA zone to show the time in; the machine's own by default. */
  timeZone?: string
}

/**
 * The console's one date-time format: "1 Dec 2026, 14:05", or "1 Dec 2026, 14:05 CET" with the
 * zone. Day, month name, year and a 24-hour clock, the same on every screen whatever the locale,
 * and the same order as the core's status line.
 */
export function formatDateTime(ms: number, options: DateTimeOptions = {}): string {
  const zone = options.zone ?? false
  const parts: Partial<Record<Intl.DateTimeFormatPartTypes, string>> = {}
  for (const part of partsFormat(options.timeZone, zone).formatToParts(ms)) parts[part.type] = part.value
  const month = MONTHS[Number(parts.month) - 1] ?? parts.month
  const hour = String(Number(parts.hour) % 24).padStart(2, '0')
  const text = `${Number(parts.day)} ${month} ${parts.year}, ${hour}:${parts.minute}`
  return zone && parts.timeZoneName ? `${text} ${parts.timeZoneName}` : text
}

/** The viewer's time zone as the console's times name it ("UTC", "CET"): for a column header whose cells leave it out. */
export function viewerZoneName(ms = Date.now()): string {
  return partsFormat(undefined, true).formatToParts(ms).find((part) => part.type === 'timeZoneName')?.value ?? 'local time'
}

/** An ISO 8601 string for a <time dateTime> attribute. */
export function isoDateTime(ms: number): string {
  return new Date(ms).toISOString()
}

export function formatCount(n: number): string {
  return numberFormat.format(n)
}

/**
 * A count the server may have capped (broad searches are counted only up to a limit): "1,234", or
 * "200+" when `capped`, never a lower bound passed off as exact.
 */
export function formatCapped(n: number, capped: boolean): string {
  return `${formatCount(n)}${capped ? '+' : ''}`
}

/** "1 user", "1,234 users". */
export function plural(n: number, one: string, many: string): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`
}

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 24 * 3600_000],
  ['month', 30 * 24 * 3600_000],
  ['week', 7 * 24 * 3600_000],
  ['day', 24 * 3600_000],
  ['hour', 3600_000],
  ['minute', 60_000]
]

/** "3 minutes ago", "yesterday"; under a minute is "just now". */
export function formatRelative(ms: number, now: number = Date.now()): string {
  const diff = ms - now
  for (const [unit, size] of UNITS) {
    if (Math.abs(diff) >= size) return relativeFormat.format(Math.round(diff / size), unit)
  }
  return 'just now'
}

/** Up to two initials from a display name, for avatars. */
export function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean)
  const first = parts[0]?.[0] ?? '?'
  const last = parts.length > 1 ? (parts[parts.length - 1]?.[0] ?? '') : ''
  return (first + last).toUpperCase()
}
