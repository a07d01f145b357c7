import type { JSX } from 'react'

/** A key: the store's key and the recovery key. */
export function SecurityIcon(): JSX.Element {
  return (
    <svg width={16} height={16} viewBox="0 0 16 16" fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" strokeLinejoin="round" aria-hidden="true" focusable="false">
      <circle cx="5" cy="11" r="3" />
      <path d="M7.2 8.8 14 2M11.5 4.5l1.5 1.5M10 6l1 1" />
    </svg>
  )
}
