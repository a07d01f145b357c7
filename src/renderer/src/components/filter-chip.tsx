import type { JSX } from 'react'
import { CloseIcon } from './icons'
import { useT } from '../i18n/i18n'

/** A filter that is on, shown as a chip with a button that removes it. */
export function FilterChip({ label, onRemove }: { label: string; onRemove(): void }): JSX.Element {
  const t = useT()
  return (
    <span className="chip audit-chip">
      <span className="truncate">{label}</span>
      <button type="button" className="chip-remove" onClick={onRemove} aria-label={t('audit.chip.remove', { label })}>
        <CloseIcon />
      </button>
    </span>
  )
}

