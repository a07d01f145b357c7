import { useEffect, useRef } from 'react'
import { getBridge } from './bridge'

/** Calls `onChange` whenever the core says data under `topic` (e.g. "users", "audit") changed. */
export function useDataChanged(topic: string, onChange: () => void): void {
  const latest = useRef(onChange)
  useEffect(() => {
    latest.current = onChange
  })
  useEffect(
    () =>
      getBridge().on('data:changed', (payload) => {
        if (payload.topics.includes(topic)) latest.current()
      }),
    [topic]
  )
}
