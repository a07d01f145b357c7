import type { Server } from 'node:https'
import Provider from 'oidc-provider'
import { createTestHttpsServer } from './test-tls'

/**
 * A real OpenID Connect provider (oidc-provider) on https://127.0.0.1 for the SSO tests (the test certificate, test-tls.ts): one native client
 * (no secret, PKCE required, any loopback port: RFC 8252 §7.3), its development login and consent
 * screens, and the people it knows by login. Started by the test, stopped after.
 */
export interface TestPerson {
  email: string
  name: string
  email_verified?: boolean
  /** Sent when the relying party asks for the profile scope (role and team mapping). */
  roles?: string[]
  groups?: string[]
}

export interface TestOidcProvider {
  issuer: string
  clientId: string
  people: Map<string, TestPerson>
  /** Off: the key set (jwks_uri) answers 503, as a provider in trouble would. */
  setKeysAvailable(available: boolean): void
  close(): Promise<void>
}

export const TEST_CLIENT_ID = 'gatehouse-desktop'

export async function startOidcProvider(people: Record<string, TestPerson>): Promise<TestOidcProvider> {
  const known = new Map(Object.entries(people))
  let handler: ((req: never, res: never) => void) | null = null
  let keysAvailable = true
  const server: Server = createTestHttpsServer((req, res) => {
    if (!keysAvailable && req.url?.startsWith('/jwks')) return void res.writeHead(503).end('keys unavailable')
    return handler ? handler(req as never, res as never) : res.writeHead(503).end()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
  const port = (server.address() as { port: number }).port
  const issuer = `https://127.0.0.1:${port}`
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: TEST_CLIENT_ID,
        application_type: 'native',
        token_endpoint_auth_method: 'none',
        redirect_uris: ['http://127.0.0.1/sso/callback'],
        grant_types: ['authorization_code'],
        response_types: ['code']
      }
    ],
    pkce: { required: () => true },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'roles', 'groups'] },
    // The scopes' claims in the ID token itself (the relying party reads no userinfo).
    conformIdTokenClaims: false,
    cookies: { keys: ['gatehouse-test-cookie-key-0123456789abcdef'] },
    features: { devInteractions: { enabled: true } },
    findAccount: (_ctx, id) => {
      const person = known.get(id)
      if (!person) return undefined
      return {
        accountId: id,
        claims: () => ({
          sub: id,
          email: person.email,
          email_verified: person.email_verified ?? true,
          name: person.name,
          ...(person.roles ? { roles: person.roles } : {}),
          ...(person.groups ? { groups: person.groups } : {})
        })
      }
    }
  })
  // The development screens warn on every start; the tests know.
  provider.on('server_error', (_ctx, error) => console.error('[oidc-provider]', error))
  handler = provider.callback() as never
  return {
    issuer,
    clientId: TEST_CLIENT_ID,
    people: known,
    setKeysAvailable: (available) => {
      keysAvailable = available
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
}

/** A browser's cookie jar, enough for the provider's interaction cookies on one host. */
class Jar {
  private readonly cookies = new Map<string, string>()
  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ')
  }
  take(response: Response): void {
    for (const cookie of response.headers.getSetCookie()) {
      const pair = cookie.split(';', 1)[0]!
      const at = pair.indexOf('=')
      const name = pair.slice(0, at).trim()
      if (/expires=Thu, 01 Jan 1970/i.test(cookie) || pair.slice(at + 1) === '') this.cookies.delete(name)
      else this.cookies.set(name, pair.slice(at + 1))
    }
  }
}

/**
 * What a person's browser does at the provider: open the authorization URL, sign in as `login` on
 * the development login screen, consent, and follow the redirects up to the one back to
 * Gatehouse's loopback listener. Returns that callback URL (not yet opened) so a test can deliver
 * it as is, change it, or deliver it twice.
 */
export async function signInAtProvider(authorizationUrl: string, login: string): Promise<URL> {
  const jar = new Jar()
  let url = new URL(authorizationUrl)
  const issuerOrigin = url.origin
  let init: RequestInit = { method: 'GET' }
  for (let step = 0; step < 20; step++) {
    const response = await fetch(url, { ...init, redirect: 'manual', headers: { cookie: jar.header(), ...(init.body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) } })
    jar.take(response)
    if (response.status >= 300 && response.status < 400) {
      const next = new URL(response.headers.get('location')!, url)
      await response.arrayBuffer()
      if (next.origin !== issuerOrigin) return next
      url = next
      init = { method: 'GET' }
      continue
    }
    const html = await response.text()
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1]
    const prompt = /name="prompt" value="(\w+)"/.exec(html)?.[1]
    if (!action || !prompt) throw new Error(`the provider showed no form at ${url.href} (${response.status}): ${html.slice(0, 400)}`)
    url = new URL(action.replace(/&amp;/g, '&'), url)
    init = { method: 'POST', body: new URLSearchParams(prompt === 'login' ? { prompt, login, password: 'any password' } : { prompt }).toString() }
  }
  throw new Error('the provider did not send the browser back within 20 steps')
}

/** Deliver a callback URL to Gatehouse's loopback listener, as the browser would; returns the page it showed. */
export async function deliver(callback: URL): Promise<{ status: number; html: string }> {
  const response = await fetch(callback)
  return { status: response.status, html: await response.text() }
}
