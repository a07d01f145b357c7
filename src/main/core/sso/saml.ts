import { SAML } from '@node-saml/node-saml'
import { AppError } from '../../../shared/contract/result'
import { SSO_SAML_ACS_PATH } from '../../../shared/sso-presets'
import { toPem } from './certificates'
import type { FlowCheck } from './oidc'
import type { ClaimMapping } from './mapping'
import { parseXml, refuseUnsafeXml } from './xml'

/**
 * SAML 2.0 with @node-saml/node-saml (the service provider): SP-initiated, a fresh AuthnRequest for
 * every try (its InResponseTo cache is single use), the response POSTed to the loopback ACS, the
 * assertion's signature required (by one of the trusted certificates), InResponseTo, audience,
 * recipient and time window checked, and a replay cache by assertion ID on top.
 */

/** The settings of a SAML connection, as stored (no secret: the IdP's certificates are public). */
export interface SamlConfig {
  idpEntityId: string
  ssoUrl: string
  /** Trusted signing certificates (PEM), current and next, so a rollover needs no downtime. */
  certificates: string[]
  claims: ClaimMapping
  allowedDomains: string[]
  /** Where the metadata was read from, when from a URL: re-fetched hourly and on demand. */
  metadataUrl?: string
}

const MD = 'urn:oasis:names:tc:SAML:2.0:metadata'
const DS = 'http://www.w3.org/2000/09/xmldsig#'
const REDIRECT = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect'
const POST = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST'
export const METADATA_MAX_BYTES = 512 * 1024
const RESPONSE_MAX_BYTES = 512 * 1024
/**
 * The loopback port of the SAML ACS: fixed, because an IdP registers the ACS URL exactly; 52801
 * unless GATEHOUSE_SSO_SAML_ACS_PORT names another (a port taken on this computer).
 */
export function samlAcsPort(): number {
  const port = Number(process.env.GATEHOUSE_SSO_SAML_ACS_PORT ?? 52801)
  return Number.isInteger(port) && port > 0 && port < 65536 ? port : 52801
}
/** Clock skew tolerated between the IdP and this computer. */
export const SAML_CLOCK_SKEW_MS = 60_000

/** The SP entity ID of an account: stable across connections, so the IdP's registration outlives a swap. */
export function spEntityIdOf(accountId: string): string {
  return `urn:gatehouse:account:${accountId}`
}

export function acsUrl(port = samlAcsPort()): string {
  return `http://127.0.0.1:${port}${SSO_SAML_ACS_PATH}`
}

function refuseMetadata(message: string): never {
  throw new AppError('VALIDATION', message, { issues: [{ path: 'metadataXml', message }] })
}

/** The IdP's entity ID, SSO URL (HTTP-Redirect, else HTTP-POST) and signing certificates, from its metadata. */
export function parseIdpMetadata(xml: string): Pick<SamlConfig, 'idpEntityId' | 'ssoUrl' | 'certificates'> {
  let doc
  try {
    doc = parseXml(xml, 'The IdP metadata', METADATA_MAX_BYTES)
  } catch (error) {
    if (error instanceof AppError) refuseMetadata(error.message)
    throw error
  }
  const entity = doc.documentElement!
  if (entity.localName !== 'EntityDescriptor' || entity.namespaceURI !== MD) refuseMetadata('This is not SAML metadata: its root is not an md:EntityDescriptor.')
  const idpEntityId = entity.getAttribute('entityID') ?? ''
  if (!idpEntityId) refuseMetadata('The metadata names no entityID.')
  const descriptor = entity.getElementsByTagNameNS(MD, 'IDPSSODescriptor')[0]
  if (!descriptor) refuseMetadata('The metadata has no IDPSSODescriptor: it describes no identity provider.')
  const services = Array.from(descriptor.getElementsByTagNameNS(MD, 'SingleSignOnService'))
  const service = services.find((s) => s.getAttribute('Binding') === REDIRECT) ?? services.find((s) => s.getAttribute('Binding') === POST)
  const ssoUrl = service?.getAttribute('Location') ?? ''
  if (!ssoUrl) refuseMetadata('The metadata has no SingleSignOnService with the HTTP-Redirect or HTTP-POST binding.')
  const certificates: string[] = []
  for (const key of Array.from(descriptor.getElementsByTagNameNS(MD, 'KeyDescriptor'))) {
    const use = key.getAttribute('use')
    if (use && use !== 'signing') continue
    for (const cert of Array.from(key.getElementsByTagNameNS(DS, 'X509Certificate'))) certificates.push(toPem(cert.textContent ?? ''))
  }
  if (certificates.length === 0) refuseMetadata('The metadata has no signing certificate (KeyDescriptor use="signing" with an X509Certificate).')
  return { idpEntityId, ssoUrl, certificates: [...new Set(certificates)] }
}

function refuseUrl(message: string): never {
  throw new AppError('VALIDATION', message, { issues: [{ path: 'metadataUrl', message }] })
}

/** The IdP's metadata XML from its https URL: 10 s, 512 KB, no redirect; refused in words otherwise. */
export async function fetchMetadata(raw: string): Promise<string> {
  const url = URL.canParse(raw) ? new URL(raw) : null
  if (!url || url.protocol !== 'https:' || url.username || url.password) refuseUrl(`The metadata URL must be an https:// address without a user name or password, not ${raw}.`)
  let response: Response
  try {
    response = await fetch(url, { headers: { accept: 'application/samlmetadata+xml, application/xml, text/xml' }, signal: AbortSignal.timeout(10_000), redirect: 'error' })
  } catch (error) {
    const causes: unknown[] = []
    for (let e: unknown = error; e && causes.length < 5; e = (e as { cause?: unknown }).cause) causes.push(e)
    if (causes.some((e) => (e as { name?: string }).name === 'TimeoutError')) refuseUrl(`${url.origin} did not send the metadata within 10 seconds.`)
    const code = causes.map((e) => (e as { code?: string }).code).find((c) => typeof c === 'string')
    refuseUrl(`Could not fetch the metadata from ${url.href}${code ? ` (${code})` : ''}: check the URL and this computer's network.`)
  }
  if (!response.ok) refuseUrl(`${url.origin} answered ${response.status} for the metadata at ${url.href}.`)
  const declared = Number(response.headers.get('content-length') ?? 0)
  if (declared > METADATA_MAX_BYTES) refuseUrl(`The metadata at ${url.href} is larger than 512 KB.`)
  const text = await response.text()
  if (Buffer.byteLength(text) > METADATA_MAX_BYTES) refuseUrl(`The metadata at ${url.href} is larger than 512 KB.`)
  return text
}

/** What a re-fetch of the metadata changed, in words (empty: nothing). */
export function metadataChanges(before: Pick<SamlConfig, 'idpEntityId' | 'ssoUrl' | 'certificates'>, after: Pick<SamlConfig, 'idpEntityId' | 'ssoUrl' | 'certificates'>, describe: (pem: string) => string): string[] {
  const changes: string[] = []
  if (before.idpEntityId !== after.idpEntityId) changes.push(`Entity ID: ${before.idpEntityId} → ${after.idpEntityId}`)
  if (before.ssoUrl !== after.ssoUrl) changes.push(`SSO URL: ${before.ssoUrl} → ${after.ssoUrl}`)
  for (const pem of after.certificates) if (!before.certificates.includes(pem)) changes.push(`Certificate trusted: ${describe(pem)}`)
  for (const pem of before.certificates) if (!after.certificates.includes(pem)) changes.push(`Certificate no longer published, no longer trusted: ${describe(pem)}`)
  return changes
}

/** The SAML service provider of one flow (its own InResponseTo cache: one AuthnRequest). */
export function serviceProvider(config: SamlConfig, accountId: string, acs: string): SAML {
  return new SAML({
    issuer: spEntityIdOf(accountId),
    callbackUrl: acs,
    entryPoint: config.ssoUrl,
    idpCert: config.certificates,
    idpIssuer: config.idpEntityId,
    audience: spEntityIdOf(accountId),
    wantAssertionsSigned: true,
    wantAuthnResponseSigned: false,
    validateInResponseTo: 'always' as never,
    acceptedClockSkewMs: SAML_CLOCK_SKEW_MS,
    identifierFormat: null,
    disableRequestedAuthnContext: true
  })
}

/** SAML Response XML from the POSTed form field, refused if unsafe before node-saml parses it. */
export function checkedResponse(samlResponse: string | undefined): string {
  if (!samlResponse) throw new AppError('VALIDATION', 'The identity provider posted no SAMLResponse.')
  const xml = Buffer.from(samlResponse, 'base64').toString('utf8')
  refuseUnsafeXml(xml, 'The SAML response', RESPONSE_MAX_BYTES)
  return xml
}

/** The assertion's ID, for the replay cache. */
export function assertionIdOf(xml: string): string | null {
  return /<(?:\w+:)?Assertion\b[^>]*\sID="([^"]+)"/.exec(xml)?.[1] ?? null
}

const SIGNATURE = { id: 'signature', label: 'Assertion signed by a trusted certificate' }
const TIME = { id: 'time', label: 'Within its validity window (clock skew 60 s)' }

/** Why node-saml refused a response, as the check it failed and a reason in words. */
export function describeSamlError(error: unknown): FlowCheck {
  const message = error instanceof Error ? error.message : String(error)
  if (/DOCTYPE|entity/i.test(message) && error instanceof AppError) return { id: 'xml', label: 'Safe XML (no DOCTYPE, no entity)', ok: false, detail: message }
  if (/InResponseTo/i.test(message)) return { id: 'in-response-to', label: 'The answer belongs to this test (InResponseTo)', ok: false, detail: `The response does not answer this sign-in's request (${message}): a replayed or unsolicited response.` }
  if (/audience/i.test(message)) return { id: 'audience', label: 'Made for Gatehouse (audience)', ok: false, detail: `The assertion was made for another service provider: ${message}. Register the SP entity ID shown here at the IdP.` }
  if (/subject confirmation/i.test(message)) {
    return { ...TIME, ok: false, detail: `The assertion's subject confirmation is expired or not yet valid, or names another ACS (${message}): check this computer's clock against the IdP's, and the ACS URL registered there.` }
  }
  if (/expired|not yet valid|NotBefore|NotOnOrAfter|clock|skew/i.test(message)) return { ...TIME, ok: false, detail: `The assertion is expired or not yet valid (${message}): check this computer's clock against the IdP's.` }
  if (/No.*signature|not signed|unsigned|missing.*signature/i.test(message)) return { ...SIGNATURE, ok: false, detail: 'The assertion is not signed: Gatehouse requires a signed assertion.' }
  if (/signature/i.test(message)) return { ...SIGNATURE, ok: false, detail: `The signature does not verify with any trusted certificate (${message}): the assertion was changed, or signed by a certificate that is not trusted.` }
  if (/recipient|destination/i.test(message)) return { id: 'recipient', label: 'Sent to this ACS (recipient)', ok: false, detail: message }
  if (/issuer/i.test(message)) return { id: 'issuer', label: 'From the configured IdP (issuer)', ok: false, detail: message }
  return { id: 'response', label: 'SAML response accepted', ok: false, detail: `The SAML response was refused: ${message}.` }
}

/** The checks a validated response passed. */
export function samlPassedChecks(config: SamlConfig): FlowCheck[] {
  return [
    { id: 'xml', label: 'Safe XML (no DOCTYPE, no entity)', ok: true, detail: 'No DOCTYPE or entity declaration.' },
    { ...SIGNATURE, ok: true, detail: `Signed by one of the ${config.certificates.length} trusted certificate${config.certificates.length === 1 ? '' : 's'}.` },
    { id: 'in-response-to', label: 'The answer belongs to this test (InResponseTo)', ok: true, detail: 'Answers this sign-in\'s AuthnRequest.' },
    { id: 'audience', label: 'Made for Gatehouse (audience)', ok: true, detail: 'Audience, recipient and issuer as configured.' },
    { ...TIME, ok: true, detail: 'Within NotBefore / NotOnOrAfter.' },
    { id: 'replay', label: 'Not seen before (replay)', ok: true, detail: 'First use of this assertion.' }
  ]
}
