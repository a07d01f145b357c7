import { useCallback, useEffect, useRef, useState } from 'react'
import type { ChannelName, InputOf, OutputOf, Topic } from '../../../shared/contract'
import { getBridge } from './bridge'
import { useDataChanged } from './data-events'

export interface ChannelRead<C extends ChannelName> {
  value: OutputOf<C> | null
  error: string | null
  /** Read again (after a change this screen made, or a data event). */
  reload(): void
  /** A save's reply is the newest copy: any read still on its way is dropped. */
  replace(next: OutputOf<C>): void
}

/**
 * A screen's read of one channel with a fixed input, read again when one of its topics changes
 * (data:changed) or on reload. Only the newest answer is kept: a reply to an older read never
 * overwrites a newer one (or a save's reply).
 */
export function useChannelRead<C extends ChannelName>(channel: C, input: InputOf<C>, topics: readonly Topic[]): ChannelRead<C> {
  const [value, setValue] = useState<OutputOf<C> | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [version, setVersion] = useState(0)
  const reload = useCallback(() => setVersion((v) => v + 1), [])
  const latest = useRef(0)
  const request = useRef(input)
  useEffect(() => {
    const mine = ++latest.current
    void getBridge()
      .invoke(channel, request.current)
      .then((result) => {
        if (mine !== latest.current) return
        if (!result.ok) return setError(result.error.message)
        setError(null)
        setValue(result.value)
      })
  }, [channel, version])
  useDataChanged(topics, reload)
  const replace = useCallback((next: OutputOf<C>) => {
    latest.current += 1
    setValue(next)
  }, [])
  return { value, error, reload, replace }
}
