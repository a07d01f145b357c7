import type { JSX } from 'react'
import { Banner } from './banner'
import { useT } from '../i18n/i18n'

/** A list that could not be read: the reason in words, and a Retry button that asks again. */
export function RetryBanner({ message, onRetry }: { message: string; onRetry(): void }): JSX.Element {
  const t = useT()
  return (
    <Banner
      tone="error"
      action={
        <button type="button" className="button button-sm" onClick={onRetry}>
          {t('audit.retry')}
        </button>
      }
    >
      {message}
    </Banner>
  )
}
