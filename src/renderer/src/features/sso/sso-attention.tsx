import type { JSX } from 'react'
import { useChannelRead } from '../../app/use-channel-read'
import { useT } from '../../i18n/i18n'
import './sso.css'

const SSO_TOPICS = ['sso'] as const

/**
 * The navigation's mark when single sign-on needs attention: a trusted certificate within 60 days
 * of expiry (warning), or every one expired, or the provider's keys not to be fetched (error). On
 * the Settings link and on the hub's Single sign-on entry; the message is the SSO screen's.
 */
export function SsoAttention(): JSX.Element | null {
  const t = useT()
  const { value } = useChannelRead('sso:status', {}, SSO_TOPICS)
  const problems = [value?.active?.health, value?.draft?.health].filter((h) => h && h.level !== 'ok')
  const worst = problems.find((h) => h!.level === 'error') ?? problems[0]
  if (!worst) return null
  const label = t(worst.level === 'error' ? 'sso.attentionError' : 'sso.attentionWarning')
  return (
    <span className={`sso-attention sso-attention-${worst.level}`} title={worst.message ?? label} data-testid="sso-attention">
      <span className="visually-hidden">{label}</span>
    </span>
  )
}
