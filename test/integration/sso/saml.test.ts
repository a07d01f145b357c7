import type { Server } from 'node:https'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { createTestHttpsServer } from '../../support/test-tls'
import type { SsoConnection, SsoStatus, SsoTestReport } from '../../../src/shared/contract/sso'
import { META, OWNER, openTestCore, rowCounts, setupAccount, signIn, TEST_STORE, testDb, type TestCore } from '../../support/core'
import { editResponse, postToAcs, startSamlIdp, type TestSamlIdp } from '../../support/saml-idp'
import { auditSince, expectError, expectOk, ledgerSize, quickMember } from '../../support/users'

// Each vitest project runs in its own process: its own fixed ACS port.
process.env.GATEHOUSE_SSO_SAML_ACS_PORT = TEST_STORE === 'postgres' ? '52822' : '52821'

let idp: TestSamlIdp
let stranger: TestSamlIdp
let tc: TestCore
let owner: string
const MEMBER = { email: 'mia.member@acme.example', name: 'Mia Member' }

beforeAll(async () => {
  idp = await startSamlIdp()
  // The same entity ID, another key: what an attacker's IdP would sign with.
  stranger = await startSamlIdp(idp.entityId)
  tc = await openTestCore()
  owner = (await setupAccount(tc.core)).connectionId
  await quickMember(tc.core, { role: 'agent', email: MEMBER.email, name: MEMBER.name })
})
afterAll(async () => {
  await tc?.dispose()
})
afterEach(() => {
  vi.useRealTimers()
})

const save = (input: Record<string, unknown> = {}) => tc.core.dispatch(owner, 'sso:save-saml', { metadataXml: idp.metadataXml, allowedDomains: ['acme.example'], ...input })

/** A test sign-in whose IdP answer is made by `respond` (from the AuthnRequest in the URL) and POSTed to the ACS. */
async function testWith(respond: (authorizationUrl: string) => Promise<string>): Promise<{ report: SsoTestReport; page: { status: number; html: string }; response: string; acs: string }> {
  const before = await rowCounts(tc.core)
  const started = expectOk<{ testId: string; authorizationUrl: string; redirectUri: string }>(await tc.core.dispatch(owner, 'sso:test-start', {}))
  const response = await respond(started.authorizationUrl)
  const page = await postToAcs(started.redirectUri, response)
  const report = expectOk<SsoTestReport>(await tc.core.dispatch(owner, 'sso:test-result', { testId: started.testId }))
  // A test, passed or refused, creates no person, membership, session or login event.
  const after = await rowCounts(tc.core)
  for (const table of ['persons', 'memberships', 'sessions', 'login_events']) expect(after[table], table).toBe(before[table])
  return { report, page, response, acs: started.redirectUri }
}
const failed = (report: SsoTestReport) => report.checks.find((c) => !c.ok)

describe('SAML 2.0: configure, checked', () => {
  it('reads the IdP metadata: entity ID, SSO URL, each certificate with subject, SHA-256 fingerprint and days left; gives the SP metadata', async () => {
    const seq = await ledgerSize(tc.core)
    const saved = expectOk<SsoConnection>(await save())
    expect(saved).toMatchObject({ protocol: 'saml', preset: 'saml', slot: 'draft', issuer: idp.entityId, provider: null })
    expect(saved.clientId).toMatch(/^urn:gatehouse:account:/)
    expect(saved.saml!.ssoUrl).toBe('https://idp.acme.example/saml/sso')
    expect(saved.saml!.certificates).toHaveLength(1)
    const cert = saved.saml!.certificates[0]!
    expect(cert.subject).toContain('Test IdP')
    expect(cert.fingerprint256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/)
    expect(cert.daysLeft).toBeGreaterThan(360)
    const status = expectOk<SsoStatus>(await tc.core.dispatch(owner, 'sso:status', {}))
    expect(status.samlServiceProvider.acsUrl).toBe(`http://127.0.0.1:${process.env.GATEHOUSE_SSO_SAML_ACS_PORT}/sso/saml/acs`)
    expect(status.samlServiceProvider.metadataXml).toContain(`entityID="${saved.clientId}"`)
    expect(status.samlServiceProvider.metadataXml).toContain(status.samlServiceProvider.acsUrl)
    const events = await auditSince(tc.core, seq)
    expect(events.map((e) => e.action)).toEqual(['sso.configured'])
    expect(JSON.stringify(events[0]!.after)).toContain(cert.fingerprint256)
  })

  it.each([
    ['a DOCTYPE with an external entity', (xml: string) => `<?xml version="1.0"?><!DOCTYPE md [<!ENTITY x SYSTEM "file:///etc/passwd">]>${xml.replace(/^<\?xml[^>]*\?>/, '')}`, /declares a DOCTYPE or an entity/],
    ['not metadata at all', () => '<html><body>login</body></html>', /not SAML metadata/],
    ['not XML', () => 'certificate: abc', /not well-formed XML|not SAML metadata/],
    ['no signing certificate', (xml: string) => xml.replace(/<(\w+:)?KeyDescriptor[\s\S]*?<\/(\w+:)?KeyDescriptor>/g, ''), /no signing certificate/]
  ])('refuses metadata that is %s, saying why, changing nothing', async (_name, edit, reason) => {
    const before = await rowCounts(tc.core)
    expectError(await save({ metadataXml: edit(idp.metadataXml) }), 'VALIDATION', reason)
    expect(await rowCounts(tc.core)).toEqual(before)
  })

  it('takes the settings by hand too, trusting two certificates at once (current and next)', async () => {
    const saved = expectOk<SsoConnection>(
      await tc.core.dispatch(owner, 'sso:save-saml', {
        manual: { entityId: idp.entityId, ssoUrl: 'https://idp.acme.example/saml/sso', certificates: [idp.certPem, stranger.certPem] },
        allowedDomains: ['acme.example']
      })
    )
    expect(saved.saml!.certificates).toHaveLength(2)
    // Back to the metadata (one certificate) for the tests below.
    expect(expectOk<SsoConnection>(await save()).saml!.certificates).toHaveLength(1)
  })

  it('refuses an expired certificate, naming it', async () => {
    const old = await startSamlIdp('https://old.acme.example/saml', { notBeforeDate: new Date(Date.now() - 400 * 86_400_000), notAfterDate: new Date(Date.now() - 30 * 86_400_000) })
    const before = await rowCounts(tc.core)
    expectError(
      await tc.core.dispatch(owner, 'sso:save-saml', { manual: { entityId: old.entityId, ssoUrl: 'https://old.acme.example/sso', certificates: [old.certPem] }, allowedDomains: ['acme.example'] }),
      'VALIDATION',
      /Test IdP https:\/\/old\.acme\.example\/saml .*expired on/
    )
    expect(await rowCounts(tc.core)).toEqual(before)
  })
})

describe('SAML 2.0: test sign-in, SP-initiated, with every check', () => {
  it('passes a signed assertion for a member: the claims, the mapped person; nothing created', async () => {
    const before = await rowCounts(tc.core)
    const { report, page } = await testWith((url) => idp.respond(url, MEMBER.email))
    expect(page.html).toContain('Sign-in received')
    expect(report.status).toBe('passed')
    expect(report.checks.map((c) => c.id)).toEqual(['xml', 'signature', 'in-response-to', 'audience', 'time', 'replay', 'email', 'domain', 'person'])
    expect(report.claims).toMatchObject({ nameID: MEMBER.email, issuer: idp.entityId })
    expect(report.person).toMatchObject({ kind: 'member', email: MEMBER.email })
    const after = await rowCounts(tc.core)
    for (const table of ['persons', 'memberships', 'sessions', 'login_events']) expect(after[table], table).toBe(before[table])
  })

  it('refuses an unsigned assertion', async () => {
    const { report } = await testWith(async (url) => editResponse(await idp.respond(url, MEMBER.email), (xml) => xml.replace(/<ds:Signature[\s\S]*?<\/ds:Signature>/, '')))
    expect(failed(report)).toMatchObject({ id: 'signature' })
    expect(report.claims).toBeNull()
  })

  it('refuses an assertion signed by a certificate that is not trusted', async () => {
    const { report } = await testWith((url) => stranger.respond(url, MEMBER.email))
    expect(failed(report)).toMatchObject({ id: 'signature', detail: expect.stringMatching(/does not verify with any trusted certificate/) })
  })

  it('refuses a tampered NameID', async () => {
    const { report } = await testWith(async (url) => editResponse(await idp.respond(url, 'nobody@acme.example'), (xml) => xml.replaceAll('nobody@acme.example', 'olivia@example.com')))
    expect(failed(report)).toMatchObject({ id: 'signature' })
    expect(report.person).toBeNull()
  })

  it('refuses signature wrapping: a forged unsigned assertion beside the signed one', async () => {
    const { report } = await testWith(async (url) =>
      editResponse(await idp.respond(url, 'nobody@acme.example'), (xml) => {
        const signed = /<saml:Assertion[\s\S]*<\/saml:Assertion>/.exec(xml)![0]
        const forged = signed.replace(/<ds:Signature[\s\S]*?<\/ds:Signature>/, '').replaceAll('nobody@acme.example', OWNER.email).replace(/ID="[^"]+"/, 'ID="_forged"')
        return xml.replace(signed, `${forged}${signed}`)
      })
    )
    expect(report.status).toBe('failed')
    expect(failed(report)!.id).toMatch(/^(signature|response)$/)
    expect(report.claims).toBeNull()
    expect(report.person).toBeNull()
  })

  it('refuses an assertion made for another service provider (audience)', async () => {
    const { report } = await testWith((url) => idp.respond(url, MEMBER.email, { audience: 'https://someone-else.example/sp' }))
    expect(failed(report)).toMatchObject({ id: 'audience' })
  })

  it("refuses an expired assertion (the computer's clock two hours on)", async () => {
    const started = expectOk<{ testId: string; authorizationUrl: string; redirectUri: string }>(await tc.core.dispatch(owner, 'sso:test-start', {}))
    const response = await idp.respond(started.authorizationUrl, MEMBER.email)
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(Date.now() + 2 * 3_600_000)
    await postToAcs(started.redirectUri, response)
    vi.useRealTimers()
    const report = expectOk<SsoTestReport>(await tc.core.dispatch(owner, 'sso:test-result', { testId: started.testId }))
    expect(failed(report)).toMatchObject({ id: 'time', detail: expect.stringMatching(/expired or not yet valid/) })
  })

  it('refuses an assertion that is not yet valid (the computer\u2019s clock two hours behind)', async () => {
    const started = expectOk<{ testId: string; authorizationUrl: string; redirectUri: string }>(await tc.core.dispatch(owner, 'sso:test-start', {}))
    const response = await idp.respond(started.authorizationUrl, MEMBER.email)
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(Date.now() - 2 * 3_600_000)
    await postToAcs(started.redirectUri, response)
    vi.useRealTimers()
    const report = expectOk<SsoTestReport>(await tc.core.dispatch(owner, 'sso:test-result', { testId: started.testId }))
    expect(failed(report)).toMatchObject({ id: 'time', detail: expect.stringMatching(/not yet valid/) })
  })

  it('refuses a replayed response (posted again to a new sign-in)', async () => {
    const first = await testWith((url) => idp.respond(url, MEMBER.email))
    expect(first.report.status).toBe('passed')
    const { report } = await testWith(() => Promise.resolve(first.response))
    expect(failed(report)).toMatchObject({ id: 'in-response-to', detail: expect.stringMatching(/replayed or unsolicited/) })
  })

  it('refuses a response declaring a DOCTYPE, unread', async () => {
    const { report } = await testWith(async (url) => editResponse(await idp.respond(url, MEMBER.email), (xml) => `<!DOCTYPE r [<!ENTITY e SYSTEM "file:///etc/passwd">]>${xml}`))
    expect(failed(report)).toMatchObject({ id: 'xml', detail: expect.stringMatching(/DOCTYPE/) })
  })
})

describe('SAML 2.0: enable and sign in', () => {
  it('a member signs in with SAML after a passing test; a refusal says why', async () => {
    expect((await testWith((url) => idp.respond(url, MEMBER.email))).report.status).toBe('passed')
    expectOk(await tc.core.dispatch(owner, 'sso:enable', { mode: 'offered', provisioning: 'pre' }))
    const window = tc.core.connect(META)
    const started = expectOk<{ flowId: string; authorizationUrl: string; provider: string }>(await tc.core.dispatch(window, 'sso:sign-in-start', { email: MEMBER.email }))
    expect(started.provider).toBe('Custom SAML 2.0')
    const acs = `http://127.0.0.1:${process.env.GATEHOUSE_SSO_SAML_ACS_PORT}/sso/saml/acs`
    const page = await postToAcs(acs, await idp.respond(started.authorizationUrl, MEMBER.email))
    expect(page.html).toContain('You are signed in to Gatehouse as Mia Member')
    const outcome = expectOk<{ status: string; session: { principal: { email: string } } | null }>(await tc.core.dispatch(window, 'sso:sign-in-result', { flowId: started.flowId }))
    expect(outcome).toMatchObject({ status: 'signed-in', session: { principal: { email: MEMBER.email } } })

    const other = tc.core.connect(META)
    const again = expectOk<{ flowId: string; authorizationUrl: string }>(await tc.core.dispatch(other, 'sso:sign-in-start', { email: MEMBER.email }))
    await postToAcs(acs, await stranger.respond(again.authorizationUrl, MEMBER.email))
    const refused = expectOk<{ status: string; message: string | null }>(await tc.core.dispatch(other, 'sso:sign-in-result', { flowId: again.flowId }))
    expect(refused.status).toBe('refused')
    expect(refused.message).toMatch(/does not verify with any trusted certificate/)
  })
})

describe('SAML 2.0: certificate warnings with a moved clock', () => {
  it('warns 60, 30 and 7 days before a trusted certificate expires and when it has, each audited once, and says so on the status', async () => {
    const fresh = await openTestCore(undefined, undefined, undefined)
    try {
      await setupAccount(fresh.core)
      const day = 86_400_000
      const start = fresh.clock.now()
      // A certificate valid for 45 more days, by the core's (manual) clock.
      const soon = await startSamlIdp('https://soon.acme.example/saml', { notBeforeDate: new Date(start - 300 * day), notAfterDate: new Date(start + 45 * day + 3_600_000) })
      let admin = await signIn(fresh.core, OWNER.email, OWNER.password)
      expectOk(await fresh.core.dispatch(admin, 'sso:save-saml', { manual: { entityId: soon.entityId, ssoUrl: 'https://soon.acme.example/sso', certificates: [soon.certPem] }, allowedDomains: ['acme.example'] }))
      const seq = await ledgerSize(fresh.core)
      const warnings = async () => (await auditSince(fresh.core, seq)).filter((e) => e.action.startsWith('sso.certificate')).map((e) => `${e.action} ${(e.after as { threshold: number }).threshold}`)

      await fresh.core.tick()
      await fresh.core.tick()
      expect(await warnings()).toEqual(['sso.certificate-expiring 60'])
      const status = expectOk<SsoStatus>(await fresh.core.dispatch(admin, 'sso:status', {}))
      expect(status.draft!.health).toMatchObject({ level: 'warning', message: expect.stringMatching(/expires in 45 days: trust the IdP's next certificate/) })

      for (const [days, expected] of [
        [20, ['sso.certificate-expiring 60', 'sso.certificate-expiring 30']],
        [20, ['sso.certificate-expiring 60', 'sso.certificate-expiring 30', 'sso.certificate-expiring 7']],
        [10, ['sso.certificate-expiring 60', 'sso.certificate-expiring 30', 'sso.certificate-expiring 7', 'sso.certificate-expired 0']]
      ] as const) {
        fresh.clock.advance(days * day)
        await fresh.core.tick()
        await fresh.core.tick()
        expect(await warnings()).toEqual(expected)
      }
      admin = await signIn(fresh.core, OWNER.email, OWNER.password)
      const expired = expectOk<SsoStatus>(await fresh.core.dispatch(admin, 'sso:status', {}))
      expect(expired.draft!.health).toMatchObject({ level: 'error', message: expect.stringMatching(/Every trusted signing certificate has expired/) })
      expect(expired.draft!.saml!.certificates[0]!.daysLeft).toBeLessThan(0)
    } finally {
      await fresh.dispose()
    }
  })
})

describe('SAML 2.0: metadata from a URL, fetched again hourly and on demand', () => {
  let server: Server
  let metadataUrl: string
  let served: string
  let fresh: TestCore
  let admin: string
  let next: TestSamlIdp
  const day = 86_400_000

  beforeAll(async () => {
    // The IdP's next key, published beside the current one before a rollover (same entity ID).
    next = await startSamlIdp(idp.entityId)
    served = idp.metadataXml
    server = createTestHttpsServer((req, res) => {
      if (req.url !== '/metadata.xml') return void res.writeHead(404).end()
      if (served === '') return void res.writeHead(503).end('down for maintenance')
      res.writeHead(200, { 'content-type': 'application/samlmetadata+xml' }).end(served)
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
    metadataUrl = `https://127.0.0.1:${(server.address() as { port: number }).port}/metadata.xml`
    fresh = await openTestCore()
    await setupAccount(fresh.core)
    admin = await signIn(fresh.core, OWNER.email, OWNER.password)
  })
  afterAll(async () => {
    await fresh?.dispose()
    server?.closeAllConnections()
    await new Promise<void>((resolve) => server?.close(() => resolve()))
  })

  const status = async () => expectOk<SsoStatus>(await fresh.core.dispatch(await signIn(fresh.core, OWNER.email, OWNER.password), 'sso:status', {}))
  /** One hourly check, run to its end (it fetches in the background of the timer). */
  const hourlyCheck = async (advance: number) => {
    fresh.clock.advance(advance)
    await fresh.core.tick()
    await vi.waitFor(async () => expect(Number((await testDb(fresh.core).get<{ at: number }>("SELECT keys_checked_at AS at FROM sso_connections WHERE slot = 'draft'"))!.at)).toBe(fresh.clock.now()))
  }
  /** The same metadata with the next key's certificate as a second signing key. */
  const withNextKey = () => {
    const base64 = next.certPem.replace(/-----(BEGIN|END) CERTIFICATE-----|\s/g, '')
    const key = `<KeyDescriptor use="signing"><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data><ds:X509Certificate>${base64}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></KeyDescriptor>`
    const xml = idp.metadataXml.replace(/(<KeyDescriptor\b)/, `${key}$1`)
    expect(xml).not.toBe(idp.metadataXml)
    return xml
  }

  it('reads the metadata from its URL, and refuses a URL that is not https or not metadata, changing nothing', async () => {
    const before = await rowCounts(fresh.core)
    expectError(await fresh.core.dispatch(admin, 'sso:save-saml', { metadataUrl: metadataUrl.replace('https:', 'http:'), allowedDomains: ['acme.example'] }), 'VALIDATION', /must be an https:\/\/ address/)
    expectError(await fresh.core.dispatch(admin, 'sso:save-saml', { metadataUrl: metadataUrl.replace('metadata.xml', 'nothing'), allowedDomains: ['acme.example'] }), 'VALIDATION', /answered 404/)
    served = `<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>${idp.metadataXml}`
    expectError(await fresh.core.dispatch(admin, 'sso:save-saml', { metadataUrl, allowedDomains: ['acme.example'] }), 'VALIDATION', /DOCTYPE/)
    expectError(await fresh.core.dispatch(admin, 'sso:save-saml', { metadataUrl, metadataXml: idp.metadataXml, allowedDomains: ['acme.example'] }), 'VALIDATION', /one of them/)
    expect(await rowCounts(fresh.core)).toEqual(before)
    served = idp.metadataXml
    const saved = expectOk<SsoConnection>(await fresh.core.dispatch(admin, 'sso:save-saml', { metadataUrl, allowedDomains: ['acme.example'] }))
    expect(saved.saml).toMatchObject({ metadataUrl, lastChange: null })
    expect(saved.saml!.certificates).toHaveLength(1)
  })

  it('on demand: nothing changed is said so; a published next certificate is trusted, the change shown and audited', async () => {
    expect(expectOk<{ changes: string[] }>(await fresh.core.dispatch(admin, 'sso:refresh-metadata', { slot: 'draft' })).changes).toEqual([])
    served = withNextKey()
    const seq = await ledgerSize(fresh.core)
    const refreshed = expectOk<{ changes: string[]; connection: SsoConnection }>(await fresh.core.dispatch(admin, 'sso:refresh-metadata', { slot: 'draft' }))
    expect(refreshed.changes).toHaveLength(1)
    expect(refreshed.changes[0]).toMatch(/^Certificate trusted: CN=Test IdP .* \(SHA-256 ([0-9A-F]{2}:){31}[0-9A-F]{2}, valid to \d{4}-\d\d-\d\d\)$/)
    expect(refreshed.connection.saml!.certificates).toHaveLength(2)
    expect(refreshed.connection.saml!.lastChange).toMatchObject({ changes: refreshed.changes })
    const events = await auditSince(fresh.core, seq)
    expect(events.map((e) => e.action)).toEqual(['sso.metadata-changed'])
    expect(events[0]!.actorEmail).toBe(OWNER.email)
    // A connection entered by hand has no URL to fetch from.
    const other = await openTestCore()
    try {
      await setupAccount(other.core)
      const otherAdmin = await signIn(other.core, OWNER.email, OWNER.password)
      expectOk(await other.core.dispatch(otherAdmin, 'sso:save-saml', { metadataXml: idp.metadataXml, allowedDomains: ['acme.example'] }))
      expectError(await other.core.dispatch(otherAdmin, 'sso:refresh-metadata', { slot: 'draft' }), 'CONFLICT', /not set up from a metadata URL/)
    } finally {
      await other.dispose()
    }
  })

  it('hourly: a dropped certificate is no longer trusted; an unreachable URL is a warning and one audit event, its recovery one more', async () => {
    const seq = await ledgerSize(fresh.core)
    served = idp.metadataXml
    await hourlyCheck(day)
    expect((await status()).draft!.saml!.certificates).toHaveLength(1)
    expect((await status()).draft!.saml!.lastChange!.changes[0]).toMatch(/^Certificate no longer published, no longer trusted: /)
    const ssoEvents = async () => (await auditSince(fresh.core, seq)).filter((e) => e.action.startsWith('sso.'))
    expect((await ssoEvents()).map((e) => [e.action, e.actorEmail])).toEqual([['sso.metadata-changed', null]])

    served = ''
    for (let hour = 0; hour < 2; hour++) {
      await hourlyCheck(3_600_000)
      expect((await status()).draft!.health.level).toBe('warning')
    }
    expect((await status()).draft!.health.message).toMatch(/The IdP's metadata could not be fetched since .* answered 503 .* The certificates trusted before still work\./)
    served = idp.metadataXml
    await hourlyCheck(3_600_000)
    expect((await status()).draft!.health.level).toBe('ok')
    expect((await ssoEvents()).map((e) => e.action)).toEqual(['sso.metadata-changed', 'sso.provider-keys-unavailable', 'sso.provider-keys-restored'])
  })
})
