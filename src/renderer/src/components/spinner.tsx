import type { JSX } from 'react'
import { useT } from '../i18n/i18n'

export function Spinner({ label }: { label?: string }): JSX.Element {
  const t = useT()
  return (
    <span className="spinner-wrap" role="status">
      <span className="spinner" aria-hidden="true" />
      {label ? <span>{label}</span> : <span className="visually-hidden">{t('spinner.loading')}</span>}
    </span>
  )
}
