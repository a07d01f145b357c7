import type { Kernel } from '../kernel/kernel'
import type { OidcPreset } from '../../../shared/sso-presets'
import { SSO_SAML_ACS_PATH } from '../../../shared/sso-presets'
import { openLoopback, type LoopbackListener } from './loopback'
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
  claims: { email: string; name: string }
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

function unsealSecret(kernel: Kernel, sealed: string | null): string | null {
  return sealed === null ? null : kernel.store.unseal(Buffer.from(sealed, 'base64')).toString('utf8')
}

export async function startProviderFlow(
  kernel: Kernel,
  connection: SsoConnectionRow,
  replay: ReplayCache,
  onAnswer: (answer: ProviderAnswer) => Promise<{ ok: boolean; message: string }>,
  options: { loginHint?: string } = {}
): Promise<StartedFlow> {
  if (connection.protocol === 'saml') return startSaml(connection, replay, onAnswer)
  const config = JSON.parse(connection.config) as OidcConfig
  const client = await discover(checkIssuer(connection.preset as OidcPreset, config.issuer), config.clientId, unsealSecret(kernel, connection.secret))
  const discovered: FlowCheck = { id: 'discovery', label: 'Provider found (discovery document, issuer, PKCE S256)', ok: true, detail: config.issuer }
  let flow: Awaited<ReturnType<typeof startFlow>> | null = null
  const listener = await openLoopback(async ({ url }) => {
    try {
      const claims = await finishFlow(client, flow!, url)
      return await onAnswer({ claims, checks: [discovered, ...oidcPassedChecks(config, claims)] })
    } catch (error) {
      return onAnswer({ claims: null, checks: [discovered, describeFlowError(error)] })
    }
  })
  try {
    flow = await startFlow(client, config.scopes, listener.redirectUri, options.loginHint ? { login_hint: options.loginHint } : {})
  } catch (error) {
    listener.close()
    throw error
  }
  return { authorizationUrl: flow.authorizationUrl, redirectUri: listener.redirectUri, close: () => listener.close() }
}

async function startSaml(connection: SsoConnectionRow, replay: ReplayCache, onAnswer: (answer: ProviderAnswer) => Promise<{ ok: boolean; message: string }>): Promise<StartedFlow> {
  const config = JSON.parse(connection.config) as SamlConfig
  let sp: ReturnType<typeof serviceProvider> | null = null
  const listener: LoopbackListener = await openLoopback(
    async ({ form }) => {
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
    },
    { method: 'POST', path: SSO_SAML_ACS_PATH, port: samlAcsPort() }
  )
  try {
    sp = serviceProvider(config, connection.accountId, listener.redirectUri)
    const authorizationUrl = await sp.getAuthorizeUrlAsync('', undefined, {})
    return { authorizationUrl, redirectUri: listener.redirectUri, close: () => listener.close() }
  } catch (error) {
    listener.close()
    throw error
  }
}
