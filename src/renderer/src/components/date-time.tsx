import type { JSX } from 'react'
import { formatDateTime, isoDateTime } from './format'

/**
 * A moment in the console's one format ("1 Dec 2026, 14:05 CET" with `zone`; without it, where the
 * column's header names the zone), kept whole with its zone and in UTC on hover.
 */
export function DateTime({ ms, zone = false, className }: { ms: number; zone?: boolean; className?: string }): JSX.Element {
  const text = formatDateTime(ms, { zone })
  return (
    <time className={className} dateTime={isoDateTime(ms)} title={`${formatDateTime(ms, { zone: true })} · ${formatDateTime(ms, { zone: true, timeZone: 'UTC' })}`}>
      {text}
    </time>
  )
}
