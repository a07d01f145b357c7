import * as client from 'openid-client'
import { AppError } from '../../../shared/contract/result'
import { OIDC_PRESET_INFO, type OidcPreset } from '../../../shared/sso-presets'
import type { ClaimMapping } from './mapping'

/**
 * OpenID Connect with openid-client (the relying party): the issuer checked against its preset,
 * the discovery document fetched and checked, and a test sign-in's authorization code flow
 * (PKCE S256, state, nonce). The core owns every secret of a flow; the transport only opens the
 * URL and hands back what reached the redirect.
 */

/** The settings of a connection without its secret, as stored (sso_connections.config). */
export interface OidcConfig {
  issuer: string
  clientId: string
  scopes: string[]
  claims: ClaimMapping
  allowedDomains: string[]
  provider: {
    authorizationEndpoint: string
    tokenEndpoint: string
    jwksUri: string
    userinfoEndpoint: string | null
    signingAlgorithms: string[]
  }
}

const ENTRA_ISSUER = /^https:\/\/login\.microsoftonline\.com\/([^/]+)\/v2\.0$/
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

function refuse(message: string): never {
  throw new AppError('VALIDATION', message, { issues: [{ path: 'issuer', message }] })
}

/** The issuer as its preset requires it, before anything is fetched. Returns it normalised (no trailing slash but where the provider's has one). */
export function checkIssuer(preset: OidcPreset, issuer: string): URL {
  let url: URL
  try {
    url = new URL(issuer)
  } catch {
    refuse(`"${issuer}" is not a URL. ${OIDC_PRESET_INFO[preset].issuerHelp}`)
  }
  if (url.protocol !== 'https:') refuse(`The issuer must be an https:// URL (${OIDC_PRESET_INFO[preset].label} publishes one).`)
  if (url.username || url.password) refuse('The issuer URL cannot hold a user name or password.')
  if (url.search || url.hash) refuse('The issuer URL has no query (?…) or fragment (#…).')
  if (preset === 'google' && url.href.replace(/\/$/, '') !== 'https://accounts.google.com') refuse(`Google's issuer is always https://accounts.google.com, not ${issuer}.`)
  if (preset === 'entra') {
    const tenant = ENTRA_ISSUER.exec(url.href)?.[1]
    if (!tenant) refuse(`An Entra ID issuer looks like https://login.microsoftonline.com/<tenant ID>/v2.0. ${OIDC_PRESET_INFO.entra.issuerHelp}`)
    if (['common', 'organizations', 'consumers'].includes(tenant.toLowerCase())) {
      refuse(`"${tenant}" is Microsoft's multi-tenant endpoint: its discovery document names no single issuer, so no token from it can be checked. Use your tenant's own ID (Entra admin center → Overview → Tenant ID).`)
    }
    if (!GUID.test(tenant)) refuse(`"${tenant}" is not a tenant ID: use the directory (tenant) ID, a GUID such as 72f988bf-86f1-41af-91ab-2d7cd011db47 (a domain name gives a discovery document whose issuer names the GUID, which would not match).`)
  }
  if (preset === 'okta' && !/^\/?$|^\/oauth2\/[A-Za-z0-9_-]+\/?$/.test(url.pathname)) {
    refuse(`An Okta issuer is your org URL (https://<your org>.okta.com) or a custom authorization server (…/oauth2/<server ID>), not ${issuer}.`)
  }
  return url
}

/** What a failed discovery means, in words. */
function discoveryRefusal(issuer: URL, error: unknown): never {
  const causes: unknown[] = []
  for (let e: unknown = error; e && causes.length < 5; e = (e as { cause?: unknown }).cause) causes.push(e)
  const codes = causes.map((e) => (e as { code?: string }).code ?? '')
  const messages = causes.map((e) => (e instanceof Error ? e.message : String(e))).join(' ')
  if (codes.includes('OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED') || /issuer/i.test(messages)) {
    const found = causes.map((e) => (e as { cause?: { body?: { issuer?: unknown } } }).cause?.body?.issuer).find((v) => typeof v === 'string')
    refuse(`The provider's discovery document names the issuer ${found ? `"${String(found)}"` : 'differently'}, not "${issuer.href}": enter the issuer exactly as the provider publishes it.`)
  }
  if (codes.includes('OAUTH_RESPONSE_IS_NOT_CONFORM') || codes.includes('OAUTH_RESPONSE_IS_NOT_JSON')) {
    refuse(`${issuer.origin} answered, but not with an OpenID Connect discovery document at ${new URL('.well-known/openid-configuration', issuer.href.endsWith('/') ? issuer : `${issuer.href}/`).href}. Check the issuer URL.`)
  }
  if (codes.includes('OAUTH_HTTP_REQUEST_FORBIDDEN')) refuse('The provider sent Gatehouse to a plain http:// address; only https:// is allowed.')
  const network = causes.find((e) => ['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', 'ECONNRESET', 'EAI_AGAIN', 'CERT_HAS_EXPIRED', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE'].includes((e as { code?: string }).code ?? ''))
  if (network) refuse(`Could not reach ${issuer.origin} (${(network as { code: string }).code}). Check the issuer URL and this computer's network.`)
  if (causes.some((e) => (e as { name?: string }).name === 'TimeoutError' || (e as { name?: string }).name === 'AbortError')) refuse(`${issuer.origin} did not answer within 10 seconds.`)
  refuse(`The provider's discovery document could not be read: ${causes.map((e) => (e instanceof Error ? e.message : String(e))).filter(Boolean).pop() ?? 'no reason given'}.`)
}

function clientAuth(secret: string | null, methods: readonly string[] | undefined): client.ClientAuth {
  if (!secret) return client.None()
  // The provider's list when it has one; basic is the default of the spec.
  return methods && !methods.includes('client_secret_basic') && methods.includes('client_secret_post') ? client.ClientSecretPost(secret) : client.ClientSecretBasic(secret)
}

/** Fetch and check the discovery document; returns openid-client's configuration for the flow. */
export async function discover(issuer: URL, clientId: string, secret: string | null): Promise<client.Configuration> {
  let config: client.Configuration
  try {
    config = await client.discovery(issuer, clientId, undefined, client.None(), { timeout: 10 })
  } catch (error) {
    discoveryRefusal(issuer, error)
  }
  const meta = config.serverMetadata()
  if (!meta.authorization_endpoint || !meta.token_endpoint) refuse('The discovery document names no authorization or token endpoint: this provider cannot run the authorization code flow.')
  if (!meta.jwks_uri) refuse("The discovery document names no jwks_uri: the ID token's signature could not be checked.")
  if (meta.response_types_supported && !meta.response_types_supported.includes('code')) refuse('The provider does not offer the authorization code flow (response type "code").')
  if (!meta.code_challenge_methods_supported?.includes('S256')) {
    refuse('The provider does not say it supports PKCE with S256 (code_challenge_methods_supported); Gatehouse requires it for every sign-in.')
  }
  for (const endpoint of [meta.authorization_endpoint, meta.token_endpoint, meta.jwks_uri]) {
    const url = new URL(endpoint)
    if (url.protocol !== 'https:') refuse(`The provider's endpoint ${endpoint} is not https://.`)
  }
  if (!secret) return config
  const withSecret = new client.Configuration(meta, clientId, undefined, clientAuth(secret, meta.token_endpoint_auth_methods_supported))
  withSecret.timeout = 10
  return withSecret
}

/** The parts of the discovery document a connection keeps and shows. */
export function providerOf(config: client.Configuration): OidcConfig['provider'] {
  const meta = config.serverMetadata()
  return {
    authorizationEndpoint: meta.authorization_endpoint!,
    tokenEndpoint: meta.token_endpoint!,
    jwksUri: meta.jwks_uri!,
    userinfoEndpoint: meta.userinfo_endpoint ?? null,
    signingAlgorithms: meta.id_token_signing_alg_values_supported ?? []
  }
}

/**
 * The provider's signing keys, fetched as a sign-in would need them: null when jwks_uri answers with
 * at least one key, else why not, in words (the hourly health check; nothing is kept of the keys).
 */
export async function checkProviderKeys(jwksUri: string): Promise<string | null> {
  const url = URL.canParse(jwksUri) ? new URL(jwksUri) : null
  if (!url || url.protocol !== 'https:') return `The provider's key address ${jwksUri} is not https://.`
  try {
    const response = await fetch(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(10_000), redirect: 'error' })
    if (!response.ok) return `${url.origin} answered ${response.status} for its signing keys (${url.href}).`
    const text = await response.text()
    if (text.length > 512 * 1024) return `The provider's key set at ${url.href} is larger than 512 KB.`
    const body = JSON.parse(text) as { keys?: unknown }
    if (!Array.isArray(body.keys) || body.keys.length === 0) return `The provider's key set at ${url.href} holds no key: no ID token could be verified.`
    return null
  } catch (error) {
    const causes: unknown[] = []
    for (let e: unknown = error; e && causes.length < 5; e = (e as { cause?: unknown }).cause) causes.push(e)
    const code = causes.map((e) => (e as { code?: string }).code).find((c) => typeof c === 'string')
    if (causes.some((e) => (e as { name?: string }).name === 'TimeoutError')) return `${url.origin} did not send its signing keys within 10 seconds.`
    if (error instanceof SyntaxError) return `The provider's key set at ${url.href} is not JSON.`
    return `Could not fetch the provider's signing keys from ${url.href}${code ? ` (${code})` : ''}.`
  }
}

/** A flow's secrets, kept by the core while the browser is at the provider. */
export interface OidcFlow {
  state: string
  nonce: string
  verifier: string
  redirectUri: string
  authorizationUrl: string
}

export async function startFlow(config: client.Configuration, scopes: readonly string[], redirectUri: string, extra: Record<string, string> = {}): Promise<OidcFlow> {
  const verifier = client.randomPKCECodeVerifier()
  const state = client.randomState()
  const nonce = client.randomNonce()
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope: scopes.join(' '),
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    response_type: 'code',
    state,
    nonce,
    ...extra
  })
  return { state, nonce, verifier, redirectUri, authorizationUrl: url.href }
}

export interface FlowCheck {
  id: string
  label: string
  ok: boolean
  detail: string
}

/** Why the exchange failed, as the check it failed and a reason in words. */
export function describeFlowError(error: unknown): FlowCheck {
  const causes: unknown[] = []
  for (let e: unknown = error; e && causes.length < 5; e = (e as { cause?: unknown }).cause) causes.push(e)
  const text = causes.map((e) => (e instanceof Error ? e.message : '')).join(' · ')
  const detailOf = (e: unknown) => (e as { cause?: { claim?: string; expected?: unknown } }).cause
  if (error instanceof client.AuthorizationResponseError) {
    const description = error.error_description ? `: ${error.error_description}` : ''
    return { id: 'provider', label: 'The provider let the person sign in', ok: false, detail: `The provider refused the sign-in (${error.error}${description}).` }
  }
  if (/"state"/.test(text)) return { id: 'state', label: 'The answer belongs to this test (state)', ok: false, detail: 'The state in the provider\'s answer is not the one this test sent: the answer belongs to another sign-in, or was changed on the way.' }
  if (/"iss"/.test(text) && /response parameter/.test(text)) return { id: 'state', label: 'The answer comes from the configured issuer (iss)', ok: false, detail: 'The provider\'s answer names another issuer than the configured one.' }
  if (error instanceof client.ResponseBodyError) {
    const reason = error.error === 'invalid_grant' ? 'the code was already used, has expired, or does not match this test\'s PKCE verifier' : error.error
    return { id: 'code', label: 'Code exchanged for tokens (PKCE S256)', ok: false, detail: `The token endpoint refused the code: ${reason}${error.error_description ? ` (${error.error_description})` : ''}.` }
  }
  const claim = causes.map((e) => detailOf(e)?.claim).find((c) => typeof c === 'string')
  if (claim === 'nonce') return { id: 'id-token', label: 'ID token: signature, issuer, audience, time and nonce', ok: false, detail: 'The ID token\'s nonce is not the one this test sent: the token was made for another sign-in (replayed).' }
  if (claim === 'iss') return { id: 'id-token', label: 'ID token: signature, issuer, audience, time and nonce', ok: false, detail: 'The ID token was issued by another issuer than the configured one.' }
  if (claim === 'aud' || claim === 'azp') return { id: 'id-token', label: 'ID token: signature, issuer, audience, time and nonce', ok: false, detail: 'The ID token was made for another client (audience): check the client ID.' }
  if (/timestamp|"exp"|"iat"|"nbf"/i.test(text)) return { id: 'id-token', label: 'ID token: signature, issuer, audience, time and nonce', ok: false, detail: 'The ID token is expired or not yet valid: check this computer\'s clock against the provider\'s.' }
  if (/signature|key selection|KEY_SELECTION/i.test(text)) return { id: 'id-token', label: 'ID token: signature, issuer, audience, time and nonce', ok: false, detail: 'The ID token\'s signature could not be verified with the provider\'s published keys.' }
  return { id: 'code', label: 'Code exchanged for tokens (PKCE S256)', ok: false, detail: `The sign-in could not be completed: ${causes.map((e) => (e instanceof Error ? e.message : String(e))).filter(Boolean).pop() ?? 'no reason given'}.` }
}

/**
 * The provider's answer (the URL it redirected to) checked and exchanged: state, code with the
 * PKCE verifier, the ID token's signature, issuer, audience, time and nonce (openid-client).
 */
export async function finishFlow(config: client.Configuration, flow: OidcFlow, callback: URL): Promise<Record<string, unknown>> {
  const tokens = await client.authorizationCodeGrant(config, callback, {
    pkceCodeVerifier: flow.verifier,
    expectedState: flow.state,
    expectedNonce: flow.nonce,
    idTokenExpected: true
  })
  return { ...(tokens.claims() ?? {}) }
}

/** The checks a completed exchange passed. */
export function oidcPassedChecks(config: OidcConfig, claims: Record<string, unknown>): FlowCheck[] {
  return [
    { id: 'state', label: 'The answer belongs to this test (state)', ok: true, detail: 'The state matched.' },
    { id: 'code', label: 'Code exchanged for tokens (PKCE S256)', ok: true, detail: "The token endpoint accepted the code with this test's PKCE verifier." },
    { id: 'id-token', label: 'ID token: signature, issuer, audience, time and nonce', ok: true, detail: `Signed (${String((claims.iss as string | undefined) ?? config.issuer)}), for client ${config.clientId}, within its validity, nonce matched.` }
  ]
}
