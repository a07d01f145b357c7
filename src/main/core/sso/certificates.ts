import { X509Certificate } from 'node:crypto'
import { AppError } from '../../../shared/contract/result'

export interface CertificateFacts {
  subject: string
  issuer: string
  fingerprint256: string
  validFrom: number
  validTo: number
  daysLeft: number
}

/** A certificate as PEM, from PEM or the bare base64 of metadata's X509Certificate. */
export function toPem(text: string): string {
  const body = text.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '')
  if (!/^[A-Za-z0-9+/]+=*$/.test(body)) throw new AppError('VALIDATION', 'A signing certificate is not PEM or base64 text.')
  return `-----BEGIN CERTIFICATE-----\n${body.match(/.{1,64}/g)!.join('\n')}\n-----END CERTIFICATE-----\n`
}

/** What an administrator checks of a trusted IdP certificate: subject, SHA-256 fingerprint, validity, days left. */
export function describeCertificate(pem: string, now: number): CertificateFacts {
  let cert: X509Certificate
  try {
    cert = new X509Certificate(pem)
  } catch {
    throw new AppError('VALIDATION', 'A signing certificate could not be read (not an X.509 certificate).')
  }
  const validTo = Date.parse(cert.validTo)
  return {
    subject: cert.subject.replace(/\n/g, ', '),
    issuer: cert.issuer.replace(/\n/g, ', '),
    fingerprint256: cert.fingerprint256,
    validFrom: Date.parse(cert.validFrom),
    validTo,
    daysLeft: Math.floor((validTo - now) / 86_400_000)
  }
}

/** The warnings raised before a trusted certificate expires, in days; 0 is "expired". */
export const CERTIFICATE_THRESHOLDS = [60, 30, 7, 0] as const

/** The warning a certificate with `daysLeft` is under now (the nearest threshold reached), or null. */
export function thresholdOf(daysLeft: number): number | null {
  if (daysLeft < 0) return 0
  let reached: number | null = null
  for (const threshold of CERTIFICATE_THRESHOLDS) if (threshold > 0 && daysLeft <= threshold) reached = threshold
  return reached
}

/** How a connection's certificates stand: an error once all have expired, a warning within 60 days. */
export function certificatesHealth(certificates: readonly CertificateFacts[]): { level: 'ok' | 'warning' | 'error'; message: string | null } {
  const expired = certificates.filter((c) => c.daysLeft < 0)
  const valid = certificates.filter((c) => c.daysLeft >= 0)
  if (expired.length > 0 && valid.length === 0) {
    return { level: 'error', message: `Every trusted signing certificate has expired (${expired.map((c) => c.subject).join('; ')}): sign-ins are refused until the IdP's new certificate is trusted.` }
  }
  if (expired.length > 0) return { level: 'warning', message: `A trusted signing certificate has expired (${expired[0]!.subject}); sign-ins rely on the other one. Remove it once the IdP has rolled over.` }
  const soonest = [...valid].sort((a, b) => a.daysLeft - b.daysLeft)[0]
  if (soonest && soonest.daysLeft <= 60) {
    const next = valid.some((c) => c.daysLeft > 60)
    return {
      level: 'warning',
      message: `The signing certificate ${soonest.subject} expires in ${soonest.daysLeft} day${soonest.daysLeft === 1 ? '' : 's'}${next ? ' (its successor is already trusted)' : ": trust the IdP's next certificate before then"}.`
    }
  }
  return { level: 'ok', message: null }
}
