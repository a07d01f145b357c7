import { useEffect, useRef } from 'react'
import { getBridge } from './bridge'

/** Calls `onChange` whenever the core says data under `topic` (e.g. "users", "audit"), or one of several topics, changed. */
export function useDataChanged(topic: string | readonly string[], onChange: () => void): void {
  const key = typeof topic === 'string' ? topic : topic.join(' ')
  const latest = useRef(onChange)
  useEffect(() => {
    latest.current = onChange
  })
  useEffect(
    () =>
      getBridge().on('data:changed', (payload) => {
        if (key.split(' ').some((t) => payload.topics.includes(t))) latest.current()
      }),
    [key]
  )
}
