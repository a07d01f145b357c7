import { useCallback, useEffect, useState } from 'react'
import type { SupportAccessStatus } from '../../../../shared/contract/support-access'
import { getBridge } from '../../app/bridge'
import { useDataChanged } from '../../app/data-events'

const MINUTE = 60_000

/** The renderer's zone, so the core writes the end time as the person reads clocks. */
export function localTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC'
}

export interface SupportStatusState {
  status: SupportAccessStatus | null
  error: string | null
  /** Milliseconds until the end, counted on this machine from the core's clock offset; null without an end. */
  remainingMs: number | null
  reload(): void
  /** Adopt a status the core returned from a change, without another round trip. */
  replace(status: SupportAccessStatus): void
}

/**
 * `support-access:status`, kept current: reloaded when the core says support access changed, and a
 * countdown recomputed every minute from the raw end time (not the core's text) until the core's
 * own expiry takes over.
 */
export function useSupportStatus(): SupportStatusState {
  const [status, setStatus] = useState<SupportAccessStatus | null>(null)
  const [error, setError] = useState<string | null>(null)
  // Core clock minus local clock when the status arrived: the countdown follows the core's time.
  const [offset, setOffset] = useState(0)
  const [tick, setTick] = useState(() => Date.now())

  const replace = useCallback((next: SupportAccessStatus) => {
    setStatus(next)
    setOffset(next.now - Date.now())
    setTick(Date.now())
    setError(null)
  }, [])

  const [version, setVersion] = useState(0)
  const reload = useCallback(() => setVersion((v) => v + 1), [])
  useEffect(() => {
    void getBridge()
      .invoke('support-access:status', { timeZone: localTimeZone() })
      .then((result) => {
        if (result.ok) replace(result.value)
        else setError(result.error.message)
      })
  }, [version, replace])
  useDataChanged('support-access', reload)

  const endsAt = status?.state === 'on' ? status.endsAt : null
  useEffect(() => {
    if (endsAt === null) return
    const timer = setInterval(() => setTick(Date.now()), MINUTE)
    return () => clearInterval(timer)
  }, [endsAt])

  // At the end time the core expires the grant by itself; ask it for the new state then.
  useEffect(() => {
    if (endsAt === null) return
    const wait = Math.max(0, endsAt - (Date.now() + offset)) + 1_000
    // setTimeout's limit is ~24.8 days; longer grants are re-armed by the next status load.
    if (wait > 2_000_000_000) return
    const timer = setTimeout(reload, wait)
    return () => clearTimeout(timer)
  }, [endsAt, offset, reload])

  const remainingMs = endsAt === null ? null : Math.max(0, endsAt - (tick + offset))
  return { status, error, remainingMs, reload, replace }
}
