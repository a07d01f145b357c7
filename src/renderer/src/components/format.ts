import { LOCALES, t, useLanguage, type Language } from '../i18n/i18n'

/** Month names as the console writes them: fixed here, because locales disagree ("Sept", "Sep."). */
const MONTHS: Readonly<Record<Language, readonly string[]>> = {
  en: ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'],
  de: ['Jan.', 'Feb.', 'März', 'Apr.', 'Mai', 'Juni', 'Juli', 'Aug.', 'Sep.', 'Okt.', 'Nov.', 'Dez.']
}

const formats = new Map<string, Intl.DateTimeFormat | Intl.NumberFormat | Intl.RelativeTimeFormat>()

function cached<F extends Intl.DateTimeFormat | Intl.NumberFormat | Intl.RelativeTimeFormat>(key: string, make: () => F): F {
  let format = formats.get(key) as F | undefined
  if (!format) {
    format = make()
    formats.set(key, format)
  }
  return format
}

const language = (): Language => useLanguage.getState().language

function partsFormat(timeZone: string | undefined, zone: boolean): Intl.DateTimeFormat {
  const locale = LOCALES[language()]
  return cached(
    `date|${locale}|${timeZone ?? ''}|${zone}`,
    () =>
      new Intl.DateTimeFormat(locale, {
        timeZone,
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
        ...(zone ? { timeZoneName: 'short' as const } : {})
      })
  )
}

export interface DateTimeOptions {
  /** Add the time zone ("CET", "GMT+2"): where a moment is evidence or a deadline (audit, sign-ins, when access ends). */
  zone?: boolean
  /** IANA zone to show the time in; the machine's own by default. */
  timeZone?: string
}

/**
 * The console's one date-time format per language: "1 Dec 2026, 14:05" in English, "1. Dez. 2026,
 * 14:05" in German, with the zone after it when asked ("… 14:05 CET", "… 14:05 MEZ"). Day, month
 * name, year and a 24-hour clock, the same shape on every screen, and in English the same order
 * as the core's status line.
 */
export function formatDateTime(ms: number, options: DateTimeOptions = {}): string {
  const zone = options.zone ?? false
  const lang = language()
  // A list re-rendered after a data push shows the same moments again: formatToParts is the cost.
  const key = `${lang}|${options.timeZone ?? ''}|${zone}|${ms}`
  const known = dateTimes.get(key)
  if (known !== undefined) return known
  const text = formatDateTimeParts(ms, lang, zone, options.timeZone)
  if (dateTimes.size >= DATE_TIMES_KEPT) dateTimes.clear()
  dateTimes.set(key, text)
  return text
}

/** Formatted moments kept (a few screens of rows); the whole map is dropped when it is full. */
const DATE_TIMES_KEPT = 5000
const dateTimes = new Map<string, string>()

function formatDateTimeParts(ms: number, lang: Language, zone: boolean, timeZone: string | undefined): string {
  const parts: Partial<Record<Intl.DateTimeFormatPartTypes, string>> = {}
  for (const part of partsFormat(timeZone, zone).formatToParts(ms)) parts[part.type] = part.value
  const month = MONTHS[lang][Number(parts.month) - 1] ?? parts.month
  const hour = String(Number(parts.hour) % 24).padStart(2, '0')
  const day = lang === 'de' ? `${Number(parts.day)}.` : `${Number(parts.day)}`
  const text = `${day} ${month} ${parts.year}, ${hour}:${parts.minute}`
  return zone && parts.timeZoneName ? `${text} ${parts.timeZoneName}` : text
}

/** A day as the console writes it: "3 Dec 2026" ("3. Dez. 2026"); without the year, "3 Dec". */
export function formatDate(ms: number, options: { year?: boolean } = {}): string {
  const parts: Partial<Record<Intl.DateTimeFormatPartTypes, string>> = {}
  for (const part of partsFormat(undefined, false).formatToParts(ms)) parts[part.type] = part.value
  const lang = language()
  const month = MONTHS[lang][Number(parts.month) - 1] ?? parts.month
  const day = lang === 'de' ? `${Number(parts.day)}.` : `${Number(parts.day)}`
  return options.year === false ? `${day} ${month}` : `${day} ${month} ${parts.year}`
}

/** The viewer's time zone as the console's times name it ("UTC", "CET", "MEZ"): for a column header whose cells leave it out. */
export function viewerZoneName(ms = Date.now()): string {
  return partsFormat(undefined, true).formatToParts(ms).find((part) => part.type === 'timeZoneName')?.value ?? t('time.localTime')
}

/** An ISO 8601 string for a <time dateTime> attribute. */
export function isoDateTime(ms: number): string {
  return new Date(ms).toISOString()
}

/** "20,000" in English, "20.000" in German. */
export function formatCount(n: number): string {
  const locale = LOCALES[language()]
  return cached(`number|${locale}`, () => new Intl.NumberFormat(locale)).format(n)
}

/**
 * A count the server may have capped (broad searches are counted only up to a limit): "1,234", or
 * "200+" when `capped`, never a lower bound passed off as exact.
 */
export function formatCapped(n: number, capped: boolean): string {
  return `${formatCount(n)}${capped ? '+' : ''}`
}

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 24 * 3600_000],
  ['month', 30 * 24 * 3600_000],
  ['week', 7 * 24 * 3600_000],
  ['day', 24 * 3600_000],
  ['hour', 3600_000],
  ['minute', 60_000]
]

/** "3 minutes ago", "yesterday" ("vor 3 Minuten", "gestern"); under a minute is "just now". */
export function formatRelative(ms: number, now: number = Date.now()): string {
  const locale = LOCALES[language()]
  const relative = cached(`relative|${locale}`, () => new Intl.RelativeTimeFormat(locale, { numeric: 'auto' }))
  const diff = ms - now
  for (const [unit, size] of UNITS) {
    if (Math.abs(diff) >= size) return relative.format(Math.round(diff / size), unit)
  }
  return t('time.justNow')
}

/** Up to two initials from a display name, for avatars. */
export function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean)
  const first = parts[0]?.[0] ?? '?'
  const last = parts.length > 1 ? (parts[parts.length - 1]?.[0] ?? '') : ''
  return (first + last).toUpperCase()
}
