import type { JSX } from 'react'
import { formatAbsolute, formatShort } from '../../components/format'

/** A cell that ellipsizes and keeps the whole text on hover. */
export function TextCell({ text }: { text: string }): JSX.Element {
  return (
    <span className="truncate" title={text}>
      {text}
    </span>
  )
}

/** Short on screen ("Nov 23, 10:51 AM"), to the second on hover. */
export function TimeCell({ ms }: { ms: number }): JSX.Element {
  return (
    <time className="truncate tabular" dateTime={new Date(ms).toISOString()} title={formatAbsolute(ms)}>
      {formatShort(ms)}
    </time>
  )
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
  if (days > 0) return `${days} d ${hours % 24} h`
  if (hours > 0) return `${hours} h ${String(minutes % 60).padStart(2, '0')} min`
  return `${minutes} min`
}
