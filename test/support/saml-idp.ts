import type { Server } from 'node:https'
import { inflateRawSync } from 'node:zlib'
import * as samlify from 'samlify'
import selfsigned from 'selfsigned'
import { createTestHttpsServer } from './test-tls'

/**
 * A real SAML 2.0 identity provider for the SSO tests, built with samlify: an XML-signature stack
 * independent of the SP's (node-saml), signing assertions with a certificate generated here.
 */
samlify.setSchemaValidator({ validate: () => Promise.resolve('skipped') })

const REDIRECT = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect'
const POST = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST'

export interface TestSamlIdp {
  entityId: string
  metadataXml: string
  certPem: string
  /** The SAMLResponse (base64) this IdP posts back for the AuthnRequest in `authorizationUrl`. */
  respond(authorizationUrl: string, email: string, options?: { audience?: string }): Promise<string>
}

export interface AuthnRequest {
  id: string
  issuer: string
  acsUrl: string
}

/** The AuthnRequest a redirect-binding URL carries (deflated, base64). */
export function authnRequestOf(authorizationUrl: string): AuthnRequest {
  const xml = inflateRawSync(Buffer.from(new URL(authorizationUrl).searchParams.get('SAMLRequest')!, 'base64')).toString('utf8')
  return {
    id: /\sID="([^"]+)"/.exec(xml)![1]!,
    issuer: /<(?:\w+:)?Issuer[^>]*>([^<]+)</.exec(xml)![1]!,
    acsUrl: /AssertionConsumerServiceURL="([^"]+)"/.exec(xml)![1]!
  }
}

export async function startSamlIdp(
  entityId = 'https://idp.acme.example/saml',
  validity: { notBeforeDate?: Date; notAfterDate?: Date } = {},
  ssoLocation = 'https://idp.acme.example/saml/sso'
): Promise<TestSamlIdp> {
  const pems = await selfsigned.generate([{ name: 'commonName', value: `Test IdP ${entityId}` }], { keySize: 2048, ...validity } as never)
  const idp = samlify.IdentityProvider({
    entityID: entityId,
    privateKey: pems.private,
    signingCert: pems.cert,
    nameIDFormat: ['urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress'],
    singleSignOnService: [{ Binding: REDIRECT, Location: ssoLocation }],
    singleLogoutService: [{ Binding: REDIRECT, Location: 'https://idp.acme.example/saml/slo' }],
    isAssertionEncrypted: false
  } as never)
  return {
    entityId,
    metadataXml: idp.getMetadata(),
    certPem: pems.cert,
    async respond(authorizationUrl, email, options = {}) {
      const request = authnRequestOf(authorizationUrl)
      const sp = samlify.ServiceProvider({
        entityID: options.audience ?? request.issuer,
        assertionConsumerService: [{ Binding: POST, Location: request.acsUrl }],
        wantAssertionsSigned: true
      } as never)
      const response = await idp.createLoginResponse(sp, { extract: { request: { id: request.id } } } as never, 'post', { email })
      return (response as { context: string }).context
    }
  }
}

/** The SAMLResponse's XML changed by `edit`, base64 again (a tampering browser or proxy). */
export function editResponse(samlResponse: string, edit: (xml: string) => string): string {
  return Buffer.from(edit(Buffer.from(samlResponse, 'base64').toString('utf8')), 'utf8').toString('base64')
}

/** POST the response to the ACS, as the IdP's auto-submitting form does. */
export async function postToAcs(acsUrl: string, samlResponse: string, relayState = ''): Promise<{ status: number; html: string }> {
  const response = await fetch(acsUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ SAMLResponse: samlResponse, RelayState: relayState }).toString() })
  return { status: response.status, html: await response.text() }
}

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

/**
 * The same IdP served on https://127.0.0.1 (the test certificate) for the browser tests: its SSO URL shows a sign-in form (an
 * email), then a page whose button POSTs the signed response to the SP's ACS, as IdPs do.
 */
export async function serveSamlIdp(): Promise<TestSamlIdp & { metadataUrl: string; close(): Promise<void> }> {
  let idp: TestSamlIdp | null = null
  const server: Server = createTestHttpsServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1')
    if (request.method === 'GET' && url.pathname === '/saml/metadata' && idp) {
      response.writeHead(200, { 'content-type': 'application/samlmetadata+xml' }).end(idp.metadataXml)
      return
    }
    if (request.method === 'GET' && url.pathname === '/saml/sso') {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(
        `<!doctype html><html lang="en"><head><title>Test IdP</title></head><body><h1>Test IdP sign-in</h1><form method="post" action="/saml/login">` +
          `<input type="hidden" name="request" value="${escape(url.href)}"><label>Email <input name="email" type="email"></label><button type="submit">Sign in at the IdP</button></form></body></html>`
      )
      return
    }
    if (request.method === 'POST' && url.pathname === '/saml/login') {
      let body = ''
      request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')))
      request.on('end', () => {
        const form = new URLSearchParams(body)
        const authorizationUrl = form.get('request')!
        void idp!.respond(authorizationUrl, form.get('email') ?? '').then((samlResponse) => {
          const acs = authnRequestOf(authorizationUrl).acsUrl
          // An IdP echoes the RelayState the request came with.
          const relayState = new URL(authorizationUrl).searchParams.get('RelayState') ?? ''
          response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(
            `<!doctype html><html lang="en"><head><title>Test IdP</title></head><body><form method="post" action="${escape(acs)}">` +
              `<input type="hidden" name="SAMLResponse" value="${escape(samlResponse)}"><input type="hidden" name="RelayState" value="${escape(relayState)}"><button type="submit">Continue to the service</button></form></body></html>`
          )
        })
      })
      return
    }
    response.writeHead(404).end()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
  const port = (server.address() as { port: number }).port
  idp = await startSamlIdp(`https://127.0.0.1:${port}/saml`, {}, `https://127.0.0.1:${port}/saml/sso`)
  return {
    ...idp,
    metadataUrl: `https://127.0.0.1:${port}/saml/metadata`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
}
