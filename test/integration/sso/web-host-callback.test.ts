import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CoreClient } from '../../../src/main/core/host'
import { startWebHost, type WebHost } from '../../../src/main/web-host/server'
import type { SsoStatus, SsoTestReport } from '../../../src/shared/contract/sso'
import { META, OWNER, openTestCore, rowCounts, setupAccount, signIn, type TestCore } from '../../support/core'
import { signInAtProvider, startOidcProvider, type TestOidcProvider } from '../../support/oidc-provider'
import { authnRequestOf, postToAcs, startSamlIdp, type TestSamlIdp } from '../../support/saml-idp'
import { expectOk } from '../../support/users'

/**
 * The web host's own callback route: a flow started through the web host sends the browser back to
 * the host's origin (OIDC's redirect, SAML's ACS), not to a loopback listener of the core, and the
 * host hands the answer to the flow waiting under its state or RelayState, once.
 */

let tc: TestCore
let host: WebHost
let origin: string
let web: string
let oidc: TestOidcProvider
let saml: TestSamlIdp
let rendererDir: string

beforeAll(async () => {
  oidc = await startOidcProvider({ owner: { email: OWNER.email, name: OWNER.name } })
  saml = await startSamlIdp()
  tc = await openTestCore()
  await setupAccount(tc.core)
  rendererDir = await mkdtemp(join(tmpdir(), 'gatehouse-sso-renderer-'))
  await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>Gatehouse</title>')
  const client: CoreClient = {
    connect: async (meta) => tc.core.connect(meta),
    disconnect: (id) => tc.core.disconnect(id),
    call: (id, channel, input) => tc.core.dispatch(id, channel, input),
    onEvent: (listener) => tc.core.onEvent(listener),
    close: async () => {}
  }
  host = await startWebHost({ core: client, rendererDir })
  origin = `http://127.0.0.1:${host.port}`
  // The Owner's window in the web host, as the host connects it: with the host's origin.
  web = await signIn(tc.core, OWNER.email, OWNER.password, { ...META, callbackBase: origin })
})

afterAll(async () => {
  await host?.close()
  await tc?.dispose()
  await oidc?.close()
  await rm(rendererDir, { recursive: true, force: true })
})

const start = async () => expectOk<{ testId: string; authorizationUrl: string; redirectUri: string }>(await tc.core.dispatch(web, 'sso:test-start', {}))
const result = async (testId: string) => expectOk<SsoTestReport>(await tc.core.dispatch(web, 'sso:test-result', { testId }))

async function get(url: string | URL): Promise<{ status: number; html: string; csp: string | null }> {
  const response = await fetch(url, { redirect: 'manual' })
  return { status: response.status, html: await response.text(), csp: response.headers.get('content-security-policy') }
}

describe('OpenID Connect through the web host', () => {
  it('shows the host route beside the desktop redirect URI, sends the tab back to it, and takes the answer once', async () => {
    expectOk(await tc.core.dispatch(web, 'sso:save-oidc', { preset: 'oidc', issuer: oidc.issuer, clientId: oidc.clientId, allowedDomains: ['example.com'] }))
    const status = expectOk<SsoStatus>(await tc.core.dispatch(web, 'sso:status', {}))
    expect(status.redirectUri).toBe('http://127.0.0.1/sso/callback')
    expect(status.webRedirectUri).toBe(`${origin}/sso/callback`)

    const started = await start()
    expect(started.redirectUri).toBe(`${origin}/sso/callback`)
    expect(new URL(started.authorizationUrl).searchParams.get('redirect_uri')).toBe(`${origin}/sso/callback`)
    const callback = await signInAtProvider(started.authorizationUrl, 'owner')
    expect(callback.origin).toBe(origin)

    // A forged state finds no flow: refused, and the real test is still waiting.
    const forged = new URL(callback)
    forged.searchParams.set('state', 'not-this-flows-state')
    const refused = await get(forged)
    expect(refused.status).toBe(400)
    expect(refused.html).toContain('belongs to no sign-in waiting here')
    expect((await result(started.testId)).status).toBe('pending')

    const page = await get(callback)
    expect(page.status).toBe(200)
    expect(page.html).toContain('Sign-in received')
    expect(page.csp).toBe("default-src 'none'; style-src 'unsafe-inline'")
    const report = await result(started.testId)
    expect(report.status).toBe('passed')
    expect(report.mapped?.email).toBe(OWNER.email)

    // The same answer again (a replayed redirect): no flow waits for it any more; nothing changes.
    const before = await rowCounts(tc.core)
    const again = await get(callback)
    expect(again.status).toBe(400)
    expect(again.html).toContain('belongs to no sign-in waiting here')
    expect(await rowCounts(tc.core)).toEqual(before)
  })

  it('a window outside the web host keeps the loopback listener', async () => {
    const desktop = await signIn(tc.core, OWNER.email, OWNER.password, { transport: 'electron', ip: null, device: 'vitest' })
    const started = expectOk<{ testId: string; redirectUri: string }>(await tc.core.dispatch(desktop, 'sso:test-start', {}))
    expect(started.redirectUri).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/sso\/callback$/)
    expect(new URL(started.redirectUri).port).not.toBe(String(host.port))
    expect(expectOk<SsoStatus>(await tc.core.dispatch(desktop, 'sso:status', {})).webRedirectUri).toBeNull()
  })

  it('answers only the methods each route takes, and refuses an oversized POST', async () => {
    const post = await fetch(`${origin}/sso/callback`, { method: 'POST', body: 'code=x' })
    expect(post.status).toBe(405)
    expect(post.headers.get('allow')).toBe('GET')
    const getAcs = await fetch(`${origin}/sso/saml/acs`)
    expect(getAcs.status).toBe(405)
    const huge = await fetch(`${origin}/sso/saml/acs`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `SAMLResponse=${'A'.repeat(1024 * 1024 + 10)}` })
    expect(huge.status).toBe(413)
    expect(await huge.text()).toContain('larger than 1 MB')
  })
})

describe('SAML 2.0 through the web host', () => {
  it("names the host's ACS in the SP metadata and the AuthnRequest; the IdP's POST with the echoed RelayState is the answer", async () => {
    expectOk(await tc.core.dispatch(web, 'sso:save-saml', { metadataXml: saml.metadataXml, allowedDomains: ['example.com'] }))
    const status = expectOk<SsoStatus>(await tc.core.dispatch(web, 'sso:status', {}))
    expect(status.samlServiceProvider.acsUrl).toBe(`${origin}/sso/saml/acs`)
    expect(status.samlServiceProvider.metadataXml).toContain(`Location="${origin}/sso/saml/acs"`)

    const started = await start()
    expect(started.redirectUri).toBe(`${origin}/sso/saml/acs`)
    expect(authnRequestOf(started.authorizationUrl).acsUrl).toBe(`${origin}/sso/saml/acs`)
    const relayState = new URL(started.authorizationUrl).searchParams.get('RelayState')
    expect(relayState).toMatch(/^[0-9a-f-]{36}$/)
    const response = await saml.respond(started.authorizationUrl, OWNER.email)

    // Without its RelayState (or with another) the POST finds no flow: refused, the test still waits.
    const lost = await postToAcs(started.redirectUri, response, '')
    expect(lost.status).toBe(400)
    expect(lost.html).toContain('belongs to no sign-in waiting here')
    expect((await result(started.testId)).status).toBe('pending')

    const page = await postToAcs(started.redirectUri, response, relayState!)
    expect(page.status).toBe(200)
    expect(page.html).toContain('Sign-in received')
    const report = await result(started.testId)
    expect(report.status).toBe('passed')
    expect(report.person?.kind).toBe('member')

    const replayed = await postToAcs(started.redirectUri, response, relayState!)
    expect(replayed.status).toBe(400)
  })
})
