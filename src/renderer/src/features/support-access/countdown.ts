import type { SupportAccessStatus } from '../../../../shared/contract/support-access'

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

/** The core's status line with the countdown brought up to date locally. */
export function statusLine(status: SupportAccessStatus, remainingMs: number | null): string {
  const remaining = status.lineParts.remaining
  if (status.state !== 'on' || remaining === null || remainingMs === null) return status.line
  return status.line.replace(`ends in ${remaining}`, `ends in ${formatRemaining(remainingMs)}`)
}
