import type { JSX } from 'react'

/** A building: the account itself (its plan and settings). */
export function AccountIcon(): JSX.Element {
  return (
    <svg width={16} height={16} viewBox="0 0 16 16" fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" strokeLinejoin="round" aria-hidden="true" focusable="false">
      <path d="M2.5 14.5v-11l6-2v13M8.5 5.5l5 1.5v7.5M1 14.5h14" />
      <path d="M5 6h1M5 8.5h1M5 11h1M11 9h.5M11 11.5h.5" />
    </svg>
  )
}
