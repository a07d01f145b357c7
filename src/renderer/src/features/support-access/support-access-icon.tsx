import type { JSX } from 'react'

/** A shield with a headset-like arc: the vendor's support, let in by the Owner. */
export function SupportAccessIcon(): JSX.Element {
  return (
    <svg width={16} height={16} viewBox="0 0 16 16" fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" strokeLinejoin="round" aria-hidden="true" focusable="false">
      <path d="M8 1.5 2.5 3.5v4c0 3.3 2.3 5.9 5.5 7 3.2-1.1 5.5-3.7 5.5-7v-4z" />
      <path d="M5.5 8.2 7.3 10l3.2-3.5" />
    </svg>
  )
}
