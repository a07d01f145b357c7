const absoluteFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' })
const shortFormat = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' })
const shortFormatWithYear = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' })
const relativeFormat = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' })
const numberFormat = new Intl.NumberFormat()

export function formatAbsolute(ms: number): string {
  return absoluteFormat.format(ms)
}

/** "Nov 23, 9:34 AM"; the year only when it is not this year's. */
export function formatShort(ms: number, now: number = Date.now()): string {
  const sameYear = new Date(ms).getFullYear() === new Date(now).getFullYear()
  return (sameYear ? shortFormat : shortFormatWithYear).format(ms)
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
