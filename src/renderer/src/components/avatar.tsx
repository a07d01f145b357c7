import type { CSSProperties, JSX } from 'react'
import { initials } from './format'
import './avatar.css'

/** A stable hue per person, so the same name keeps its colour across screens. */
function hueOf(seed: string): number {
  let hash = 0
  for (let i = 0; i < seed.length; i++) hash = (hash * 31 + seed.charCodeAt(i)) | 0
  return Math.abs(hash) % 360
}

export function Avatar(props: { name: string; seed?: string; size?: 'sm' | 'md' | 'lg'; src?: string | null }): JSX.Element {
  const { name, seed, size = 'md', src } = props
  // An uploaded picture (a data URL the core checked) replaces the initials.
  if (src) return <img className={`avatar avatar-${size} avatar-img`} src={src} alt="" aria-hidden="true" />
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
