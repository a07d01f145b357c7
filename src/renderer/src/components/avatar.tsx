import type { CSSProperties, JSX } from 'react'
import { initials } from './format'
import './avatar.css'

/** A stable hue per person, so the same name keeps its colour across screens. */
function hueOf(seed: string): number {
  let hash = 0
  for (let i = 0; i < seed.length; i++) hash = (hash * 31 + seed.charCodeAt(i)) | 0
  return Math.abs(hash) % 360
}

export function Avatar({ name, seed, size = 'md' }: { name: string; seed?: string; size?: 'sm' | 'md' }): JSX.Element {
  return (
    <span
      className={`avatar avatar-${size}`}
      aria-hidden="true"
      style={{ '--avatar-hue': hueOf(seed ?? name) } as CSSProperties}
    >
      {initials(name)}
    </span>
  )
}
