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
