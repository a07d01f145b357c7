import type { JSX } from 'react'
import { DateTime } from '../../components/date-time'
import { formatCount } from '../../components/format'

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
  if (ms < MINUTE) return `${Math.max(0, Math.round(ms / 1000))} s`
  const minutes = Math.floor(ms / MINUTE)
  const hours = Math.floor(minutes / 60)
  const days = Math.floor(hours / 24)
  if (days > 0) return `${formatCount(days)} d ${hours % 24} h`
  if (hours > 0) return `${hours} h ${String(minutes % 60).padStart(2, '0')} min`
  return `${minutes} min`
}
