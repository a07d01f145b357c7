import type { JSX } from 'react'

export function Spinner({ label }: { label?: string }): JSX.Element {
  return (
    <span className="spinner-wrap" role="status">
      <span className="spinner" aria-hidden="true" />
      {label ? <span>{label}</span> : <span className="visually-hidden">Loading</span>}
    </span>
  )
}
