import type { JSX } from 'react'
import { DateTime } from '../../components/date-time'
import { formatCount } from '../../components/format'
import { t } from '../../i18n/i18n'

/** A cell that ellipsizes and keeps the whole text on hover. */
export function TextCell({ text }: { text: string }): JSX.Element {
  return (
    <span className="truncate" title={text}>
      {text}
    </span>
  )
}

/** A moment with its time zone ("1 Dec 2026, 14:05 CET"): sign-ins and access changes are evidence. */
/** `zone={false}` where the column's header names the zone (a narrow table). */
export function TimeCell({ ms, zone = true }: { ms: number; zone?: boolean }): JSX.Element {
  return <DateTime className="truncate tabular" ms={ms} zone={zone} />
}

/** A person on two lines: name, then email (both kept whole on hover). */
export function PersonCell({ name, email }: { name: string; email: string | null }): JSX.Element {
  return (
    <span className="sa-person-cell" title={email ? `${name} <${email}>` : name}>
      <span className="truncate sa-person-name">{name}</span>
      {email ? <span className="truncate sa-person-email">{email}</span> : null}
    </span>
  )
}

const MINUTE = 60_000

/** "2 h 05 min", "14 min", "40 s": how long a support session lasted. */
export function formatSessionLength(ms: number): string {
  if (ms < MINUTE) return t('length.seconds', { n: Math.max(0, Math.round(ms / 1000)) })
  const minutes = Math.floor(ms / MINUTE)
  const hours = Math.floor(minutes / 60)
  const days = Math.floor(hours / 24)
  if (days > 0) return t('length.days', { d: formatCount(days), h: hours % 24 })
  if (hours > 0) return t('length.hours', { h: hours, m: String(minutes % 60).padStart(2, '0') })
  return t('length.minutes', { n: minutes })
}
