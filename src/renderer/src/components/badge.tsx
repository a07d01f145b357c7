import type { JSX, ReactNode } from 'react'
import './badge.css'

export type BadgeTone = 'green' | 'blue' | 'amber' | 'grey' | 'red' | 'purple'

export function Badge({ tone, children }: { tone: BadgeTone; children: ReactNode }): JSX.Element {
  return <span className={`badge badge-${tone}`}>{children}</span>
}
