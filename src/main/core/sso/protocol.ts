import { randomUUID } from 'node:crypto'
import { AppError } from '../../../shared/contract/result'
import type { CallContext } from '../context'
import type { Kernel } from '../kernel/kernel'
import type { OidcPreset } from '../../../shared/sso-presets'
import { SSO_CALLBACK_PATH, SSO_SAML_ACS_PATH } from '../../../shared/sso-presets'
import { openLoopback, type LoopbackAnswer } from './loopback'
import type { ClaimMapping } from './mapping'
import { checkIssuer, describeFlowError, discover, finishFlow, oidcPassedChecks, startFlow, type FlowCheck, type OidcConfig } from './oidc'
import type { SsoConnectionRow } from './repository'
import { assertionIdOf, checkedResponse, describeSamlError, samlAcsPort, samlPassedChecks, serviceProvider, type SamlConfig } from './saml'

/**
 * One sign-in with the connection's provider, whatever its protocol: the URL to open in the
 * browser, and the provider's answer (at the loopback listener) checked into claims and the checks
 * they passed, or the check that failed. Tests and real sign-ins both go through here.
 */
export interface ProviderAnswer {
  /** Claims (OIDC: the ID token's; SAML: NameID, issuer and the attributes), null when a check failed. */
  claims: Record<string, unknown> | null
  checks: FlowCheck[]
}

export interface StartedFlow {
  authorizationUrl: string
  redirectUri: string
  close(): void
}

/** What every connection's settings hold, whatever the protocol. */
export interface CommonConfig {
  claims: ClaimMapping
  allowedDomains: string[]
}

export function commonConfig(row: SsoConnectionRow): CommonConfig {
  return JSON.parse(row.config) as CommonConfig
}

/** Assertions already used, by ID, for an hour (longer than any assertion's validity the IdPs use). */
export class ReplayCache {
  private readonly seen = new Map<string, number>()
  /** True the first time an ID is seen; false on a replay. */
  first(id: string, now: number): boolean {
    for (const [key, until] of this.seen) if (until <= now) this.seen.delete(key)
    if (this.seen.has(id)) return false
    this.seen.set(id, now + 3_600_000)
    return true
  }
}

type AnswerHandler = (answer: LoopbackAnswer) => Promise<{ ok: boolean; message: string }>

/**
 * The flows waiting for their provider's answer at the web host's own callback route, by the key
 * the answer carries back: OIDC's state, SAML's RelayState (both random, one per flow). An answer
 * is taken once; one that names no waiting flow changes nothing.
 */
export class HostCallbacks {
  private readonly waiting = new Map<string, AnswerHandler>()

  register(key: string, handler: AnswerHandler): () => void {
    this.waiting.set(key, handler)
    return () => {
      if (this.waiting.get(key) === handler) this.waiting.delete(key)
    }
  }

  async answer(answer: LoopbackAnswer): Promise<{ ok: boolean; message: string }> {
    const key = answer.url.pathname === SSO_SAML_ACS_PATH ? answer.form?.get('RelayState') : answer.url.searchParams.get('state')
    const handler = key ? this.waiting.get(key) : undefined
    if (!key || !handler) {
      throw new AppError('NOT_FOUND', 'This answer belongs to no sign-in waiting here: the sign-in ended (it finished, a newer one replaced it, or it expired), or it was started in another Gatehouse. Start again in Gatehouse.')
    }
    this.waiting.delete(key)
    return handler(answer)
  }
}

/** The web host's callback route: what reached it, as the loopback listener would have seen it. */
export function providerAnswer(callbacks: HostCallbacks, input: { url: string; form?: string }): Promise<{ ok: boolean; message: string }> {
  const url = URL.canParse(input.url) ? new URL(input.url) : null
  if (!url || (url.pathname !== SSO_CALLBACK_PATH && url.pathname !== SSO_SAML_ACS_PATH)) {
    throw new AppError('VALIDATION', `The callback address must be the web host's ${SSO_CALLBACK_PATH} or ${SSO_SAML_ACS_PATH}.`, { issues: [{ path: 'url', message: 'Not a single sign-on callback address.' }] })
  }
  return callbacks.answer({ url, form: input.form === undefined ? null : new URLSearchParams(input.form) })
}

/**
 * Where the provider sends the browser back: the web host's own route when the call came through
 * it (the connection names the host's origin), else a one-shot loopback listener the core opens.
 */
export type AnswerSite = { kind: 'loopback' } | { kind: 'host'; base: string; callbacks: HostCallbacks }

export function answerSiteOf(ctx: Pick<CallContext, 'meta'>, callbacks: HostCallbacks): AnswerSite {
  return ctx.meta.callbackBase ? { kind: 'host', base: ctx.meta.callbackBase, callbacks } : { kind: 'loopback' }
}

/** The redirect URI and ACS URL a connection's flows use from this site. */
export function siteUrls(site: AnswerSite): { redirectUri: string | null; acsUrl: string | null } {
  return site.kind === 'host' ? { redirectUri: `${site.base}${SSO_CALLBACK_PATH}`, acsUrl: `${site.base}${SSO_SAML_ACS_PATH}` } : { redirectUri: null, acsUrl: null }
}

function unsealSecret(kernel: Kernel, sealed: string | null): string | null {
  return sealed === null ? null : kernel.store.unseal(Buffer.from(sealed, 'base64')).toString('utf8')
}

export async function startProviderFlow(
  kernel: Kernel,
  connection: SsoConnectionRow,
  replay: ReplayCache,
  site: AnswerSite,
  onAnswer: (answer: ProviderAnswer) => Promise<{ ok: boolean; message: string }>,
  options: { loginHint?: string } = {}
): Promise<StartedFlow> {
  if (connection.protocol === 'saml') return startSaml(connection, replay, site, onAnswer)
  const config = JSON.parse(connection.config) as OidcConfig
  const client = await discover(checkIssuer(connection.preset as OidcPreset, config.issuer), config.clientId, unsealSecret(kernel, connection.secret))
  const discovered: FlowCheck = { id: 'discovery', label: 'Provider found (discovery document, issuer, PKCE S256)', ok: true, detail: config.issuer }
  const extra: Record<string, string> = options.loginHint ? { login_hint: options.loginHint } : {}
  let flow: Awaited<ReturnType<typeof startFlow>> | null = null
  const handle: AnswerHandler = async ({ url }) => {
    try {
      const claims = await finishFlow(client, flow!, url)
      return await onAnswer({ claims, checks: [discovered, ...oidcPassedChecks(config, claims)] })
    } catch (error) {
      return onAnswer({ claims: null, checks: [discovered, describeFlowError(error)] })
    }
  }
  if (site.kind === 'host') {
    flow = await startFlow(client, config.scopes, siteUrls(site).redirectUri!, extra)
    return { authorizationUrl: flow.authorizationUrl, redirectUri: flow.redirectUri, close: site.callbacks.register(flow.state, handle) }
  }
  const listener = await openLoopback(handle)
  try {
    flow = await startFlow(client, config.scopes, listener.redirectUri, extra)
  } catch (error) {
    listener.close()
    throw error
  }
  return { authorizationUrl: flow.authorizationUrl, redirectUri: listener.redirectUri, close: () => listener.close() }
}

async function startSaml(connection: SsoConnectionRow, replay: ReplayCache, site: AnswerSite, onAnswer: (answer: ProviderAnswer) => Promise<{ ok: boolean; message: string }>): Promise<StartedFlow> {
  const config = JSON.parse(connection.config) as SamlConfig
  let sp: ReturnType<typeof serviceProvider> | null = null
  const handle: AnswerHandler = async ({ form }) => {
    try {
      const samlResponse = form?.get('SAMLResponse') ?? undefined
      const xml = checkedResponse(samlResponse)
      const { profile } = await sp!.validatePostResponseAsync({ SAMLResponse: samlResponse! })
      if (!profile) throw new Error('The response holds no assertion.')
      const assertionId = assertionIdOf(xml)
      if (!assertionId || !replay.first(`${connection.accountId}\u0000${assertionId}`, Date.now())) {
        return await onAnswer({
          claims: null,
          checks: [...samlPassedChecks(config).filter((c) => c.id !== 'replay'), { id: 'replay', label: 'Not seen before (replay)', ok: false, detail: 'This assertion was used before: a replayed response is refused.' }]
        })
      }
      const claims: Record<string, unknown> = {}
      for (const [key, value] of Object.entries(profile)) if (typeof value !== 'function' && value !== undefined) claims[key] = value
      return await onAnswer({ claims, checks: samlPassedChecks(config) })
    } catch (error) {
      return onAnswer({ claims: null, checks: [describeSamlError(error)] })
    }
  }
  if (site.kind === 'host') {
    // The IdP echoes RelayState with its response: it routes the answer to this flow.
    const relayState = randomUUID()
    const acs = siteUrls(site).acsUrl!
    sp = serviceProvider(config, connection.accountId, acs)
    const authorizationUrl = await sp.getAuthorizeUrlAsync(relayState, undefined, {})
    return { authorizationUrl, redirectUri: acs, close: site.callbacks.register(relayState, handle) }
  }
  const listener = await openLoopback(handle, { method: 'POST', path: SSO_SAML_ACS_PATH, port: samlAcsPort() })
  try {
    sp = serviceProvider(config, connection.accountId, listener.redirectUri)
    const authorizationUrl = await sp.getAuthorizeUrlAsync('', undefined, {})
    return { authorizationUrl, redirectUri: listener.redirectUri, close: () => listener.close() }
  } catch (error) {
    listener.close()
    throw error
  }
}
