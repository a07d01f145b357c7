import { createServer, type Server } from 'node:http'
import { createTestHttpsServer } from '../../support/test-tls'
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { main } from '../../../src/main/cli/index'
import type { SsoConnection, SsoTestReport } from '../../../src/shared/contract/sso'
import { META, OWNER, openTestCore, rowCounts, setupAccount, signIn, TEST_PASSPHRASE, testDb, type TestCore } from '../../support/core'
import { deliver, signInAtProvider, startOidcProvider, type TestOidcProvider } from '../../support/oidc-provider'
import { accountIdOf, auditSince, expectError, expectOk, ledgerSize, MEMBER_PASSWORD, quickMember } from '../../support/users'
import { insertAgent, signInAgent } from '../support-access-fixtures'

let idp: TestOidcProvider
let tc: TestCore
let owner: string

const MEMBER = { email: 'mia.member@acme.example', name: 'Mia Member' }

beforeAll(async () => {
  idp = await startOidcProvider({
    mia: MEMBER,
    owner: { email: OWNER.email, name: OWNER.name },
    newcomer: { email: 'nora.new@acme.example', name: 'Nora Newcomer' },
    outsider: { email: 'oscar@elsewhere.example', name: 'Oscar Outsider' },
    dina: { email: 'dina.deactivated@acme.example', name: 'Dina Deactivated' },
    unverified: { email: 'uma@acme.example', name: 'Uma Unverified', email_verified: false },
    seatless: { email: 'sam.seatless@acme.example', name: 'Sam Seatless' },
    ivy: { email: 'ivy.invited@acme.example', name: 'Ivy Invited' },
    rita: { email: 'rita.roles@acme.example', name: 'Rita Roles', roles: ['staff', 'Admin'], groups: ['Support', 'No Such Team'] },
    paul: { email: 'paul.plain@acme.example', name: 'Paul Plain', roles: ['staff'] }
  })
  tc = await openTestCore()
  owner = (await setupAccount(tc.core)).connectionId
  await quickMember(tc.core, { role: 'agent', email: MEMBER.email, name: MEMBER.name })
  await quickMember(tc.core, { role: 'viewer', email: 'dina.deactivated@acme.example', name: 'Dina Deactivated', status: 'deactivated' })
})

afterAll(async () => {
  await tc?.dispose()
  await idp?.close()
})

const save = (input: Record<string, unknown> = {}) =>
  tc.core.dispatch(owner, 'sso:save-oidc', { preset: 'oidc', issuer: idp.issuer, clientId: idp.clientId, allowedDomains: ['acme.example'], ...input })

/** A whole test sign-in: start, the person signs in at the provider, the redirect reaches the listener. */
async function testAs(login: string, change?: (callback: URL) => URL): Promise<{ report: SsoTestReport; page: { status: number; html: string }; callback: URL }> {
  const before = await rowCounts(tc.core)
  const started = expectOk<{ testId: string; authorizationUrl: string; redirectUri: string }>(await tc.core.dispatch(owner, 'sso:test-start', {}))
  const pending = expectOk<SsoTestReport>(await tc.core.dispatch(owner, 'sso:test-result', { testId: started.testId }))
  expect(pending.status).toBe('pending')
  const callback = await signInAtProvider(started.authorizationUrl, login)
  expect(callback.origin).toBe(new URL(started.redirectUri).origin)
  const page = await deliver(change ? change(callback) : callback)
  const report = expectOk<SsoTestReport>(await tc.core.dispatch(owner, 'sso:test-result', { testId: started.testId }))
  // A test, passed or refused, creates no person, membership, session or login event.
  const after = await rowCounts(tc.core)
  for (const table of ['persons', 'memberships', 'sessions', 'login_events']) expect(after[table], table).toBe(before[table])
  return { report, page, callback }
}

const failedCheck = (report: SsoTestReport) => report.checks.find((c) => !c.ok)

describe('OpenID Connect: configure, checked', () => {
  it('fetches and checks the discovery document, keeps the draft, audits it without the secret', async () => {
    const seq = await ledgerSize(tc.core)
    const saved = expectOk<SsoConnection>(await save({ clientSecret: 'not-a-real-secret-but-sealed' }))
    expect(saved).toMatchObject({ slot: 'draft', preset: 'oidc', issuer: idp.issuer, clientId: idp.clientId, hasClientSecret: true, allowedDomains: ['acme.example'], lastTest: null })
    expect(saved.provider!.authorizationEndpoint).toMatch(new RegExp(`^${idp.issuer}/`))
    expect(saved.scopes).toEqual(['openid', 'email', 'profile'])
    const events = await auditSince(tc.core, seq)
    expect(events.map((e) => e.action)).toEqual(['sso.configured'])
    expect(JSON.stringify(events[0])).not.toContain('not-a-real-secret')
    expect(events[0]!.after).toMatchObject({ hasClientSecret: true, clientSecretChanged: true })
    // '' removes the secret (the test client is public: PKCE, no secret).
    expect(expectOk<SsoConnection>(await save({ clientSecret: '' })).hasClientSecret).toBe(false)
    const status = expectOk<{ draft: SsoConnection | null; active: SsoConnection | null; redirectUri: string }>(await tc.core.dispatch(owner, 'sso:status', {}))
    expect(status.draft?.id).toBe(saved.id)
    expect(status.active).toBeNull()
    expect(status.redirectUri).toBe('http://127.0.0.1/sso/callback')
  })

  it.each([
    ['oidc', 'http://id.acme.example', /must be an https:\/\/ URL/],
    ['oidc', 'not a url', /is not a URL/],
    ['google', 'https://accounts.google.example', /always https:\/\/accounts\.google\.com/],
    ['entra', 'https://login.microsoftonline.com/common/v2.0', /multi-tenant endpoint/],
    ['entra', 'https://login.microsoftonline.com/contoso.onmicrosoft.com/v2.0', /not a tenant ID/],
    ['entra', 'https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47', /looks like https:\/\/login\.microsoftonline\.com\/<tenant ID>\/v2\.0/],
    ['okta', 'https://acme.okta.com/some/other/path', /org URL/]
  ])('refuses the %s issuer %s before fetching anything, saying why', async (preset, issuer, reason) => {
    const before = await rowCounts(tc.core)
    expectError(await save({ preset, issuer, clientSecret: 'x' }), 'VALIDATION', reason)
    expect(await rowCounts(tc.core)).toEqual(before)
  })

  it('refuses Google without its client secret', async () => {
    expectError(await save({ preset: 'google', issuer: 'https://accounts.google.com', clientSecret: '' }), 'VALIDATION', /needs the client secret/)
  })

  describe('against a discovery document that is wrong', () => {
    let fake: Server
    let fakeIssuer: string
    let document: Record<string, unknown> = {}
    beforeAll(async () => {
      fake = createTestHttpsServer((req, res) => {
        if (req.url === '/.well-known/openid-configuration') res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(document))
        else res.writeHead(404).end('not here')
      })
      await new Promise<void>((resolve) => fake.listen(0, '127.0.0.1', () => resolve()))
      fakeIssuer = `https://127.0.0.1:${(fake.address() as { port: number }).port}`
    })
    afterAll(() => new Promise<void>((resolve) => fake.close(() => resolve())))
    const valid = () => ({
      issuer: fakeIssuer,
      authorization_endpoint: `${fakeIssuer}/auth`,
      token_endpoint: `${fakeIssuer}/token`,
      jwks_uri: `${fakeIssuer}/jwks`,
      response_types_supported: ['code'],
      code_challenge_methods_supported: ['S256']
    })
    beforeEach(() => {
      document = valid()
    })

    it('a document naming another issuer', async () => {
      document = { ...valid(), issuer: 'https://someone-else.example' }
      expectError(await save({ issuer: fakeIssuer }), 'VALIDATION', /names the issuer "https:\/\/someone-else\.example"/)
    })
    it('a provider without PKCE S256', async () => {
      document = { ...valid(), code_challenge_methods_supported: ['plain'] }
      expectError(await save({ issuer: fakeIssuer }), 'VALIDATION', /PKCE with S256/)
    })
    it('no discovery document at that issuer', async () => {
      expectError(await save({ issuer: `${fakeIssuer}/realms/nowhere` }), 'VALIDATION', /not with an OpenID Connect discovery document/)
    })
    it('nothing listening there', async () => {
      // A port that was free a moment ago (fetch refuses the well-known "bad" ports outright).
      const probe = createServer()
      await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', () => resolve()))
      const port = (probe.address() as { port: number }).port
      await new Promise<void>((resolve) => probe.close(() => resolve()))
      expectError(await save({ issuer: `https://127.0.0.1:${port}` }), 'VALIDATION', new RegExp(`Could not reach https://127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\)`))
    })
  })
})

describe('OpenID Connect: test sign-in, with no side effects', () => {
  beforeAll(async () => {
    expectOk(await save())
  })

  it('runs the real flow and shows the claims and the person they map to; creates no person, membership or session', async () => {
    const before = await rowCounts(tc.core)
    const seq = await ledgerSize(tc.core)
    const { report, page } = await testAs('mia')
    expect(page.status).toBe(200)
    expect(page.html).toContain('Sign-in received')
    expect(report.status).toBe('passed')
    expect(report.checks.map((c) => [c.id, c.ok])).toEqual([
      ['discovery', true],
      ['state', true],
      ['code', true],
      ['id-token', true],
      ['email', true],
      ['domain', true],
      ['person', true]
    ])
    expect(report.claims).toMatchObject({ sub: 'mia', email: MEMBER.email, name: MEMBER.name, iss: idp.issuer, aud: idp.clientId })
    expect(report.mapped).toEqual({ email: MEMBER.email, name: MEMBER.name, role: null, teams: [] })
    expect(report.person).toMatchObject({ kind: 'member', email: MEMBER.email, role: 'agent' })
    expect(report.person!.outcome).toMatch(/Signs in as Mia Member/)
    // Kept and audited; nothing else written.
    const after = await rowCounts(tc.core)
    expect(after.sso_tests).toBe(before.sso_tests! + 1)
    for (const table of ['persons', 'memberships', 'sessions', 'login_events']) if (table in before) expect(after[table]).toBe(before[table])
    const events = await auditSince(tc.core, seq)
    expect(events.map((e) => e.action)).toEqual(['sso.tested'])
    expect(events[0]!.summary).toMatch(/tested the single sign-on connection to Other OpenID Connect provider: passed/)
    const status = expectOk<{ draft: SsoConnection }>(await tc.core.dispatch(owner, 'sso:status', {}))
    expect(status.draft.lastTest).toMatchObject({ testId: report.testId, result: 'passed', current: true, byName: OWNER.name })
  })

  it('an unknown person from an allowed domain: what just-in-time provisioning would do, and nobody created', async () => {
    const before = await rowCounts(tc.core)
    const { report } = await testAs('newcomer')
    expect(report.status).toBe('passed')
    expect(report.person).toMatchObject({ kind: 'unknown', email: 'nora.new@acme.example' })
    expect(report.person!.outcome).toMatch(/just-in-time/)
    const after = await rowCounts(tc.core)
    expect(after.persons).toBe(before.persons)
    expect(after.memberships).toBe(before.memberships)
  })

  it('refuses a domain that is not allowed', async () => {
    const { report } = await testAs('outsider')
    expect(report.status).toBe('failed')
    expect(failedCheck(report)).toMatchObject({ id: 'domain', detail: expect.stringMatching(/elsewhere\.example is not one of the allowed domains/) })
  })

  it('refuses a deactivated person', async () => {
    const { report } = await testAs('dina')
    expect(failedCheck(report)).toMatchObject({ id: 'person', detail: expect.stringMatching(/deactivated in this account/) })
  })

  it('refuses an address the provider has not verified', async () => {
    const { report } = await testAs('unverified')
    expect(failedCheck(report)).toMatchObject({ id: 'email', detail: expect.stringMatching(/not verified/) })
  })

  it('refuses an answer whose state is not this test\'s', async () => {
    const { report, page } = await testAs('mia', (callback) => {
      const changed = new URL(callback)
      changed.searchParams.set('state', 'someone-elses-state')
      return changed
    })
    expect(page.html).toContain('Sign-in not completed')
    expect(failedCheck(report)).toMatchObject({ id: 'state', detail: expect.stringMatching(/not the one this test sent/) })
    expect(report.claims).toBeNull()
  })

  it('refuses a code used before (replayed into a new test)', async () => {
    const first = await testAs('mia')
    expect(first.report.status).toBe('passed')
    const { report } = await testAs('mia', (callback) => {
      // The new test's state, the old (already exchanged) code.
      const replayed = new URL(callback)
      replayed.searchParams.set('code', first.callback.searchParams.get('code')!)
      return replayed
    })
    expect(failedCheck(report)).toMatchObject({ id: 'code', detail: expect.stringMatching(/refused the code: the code was already used/) })
  })

  it('refuses an ID token made for another sign-in (nonce injected at the provider)', async () => {
    // The attacker starts the provider's flow with this test's state and PKCE challenge but a nonce of their own.
    const started = expectOk<{ testId: string; authorizationUrl: string }>(await tc.core.dispatch(owner, 'sso:test-start', {}))
    const forged = new URL(started.authorizationUrl)
    forged.searchParams.set('nonce', 'the-attackers-nonce')
    await deliver(await signInAtProvider(forged.href, 'mia'))
    const report = expectOk<SsoTestReport>(await tc.core.dispatch(owner, 'sso:test-result', { testId: started.testId }))
    expect(report.checks.find((c) => c.id === 'code')).toBeUndefined()
    expect(failedCheck(report)).toMatchObject({ id: 'id-token', detail: expect.stringMatching(/nonce is not the one this test sent/) })
    expect(report.claims).toBeNull()
  })

  it('a change after the test makes the test not current', async () => {
    expectOk(await save({ allowedDomains: ['acme.example', 'acme-labs.example'] }))
    const status = expectOk<{ draft: SsoConnection }>(await tc.core.dispatch(owner, 'sso:status', {}))
    expect(status.draft.lastTest?.current).toBe(false)
  })

  it('a test that no one finishes stays pending; a newer one replaces it and its listener closes', async () => {
    const first = expectOk<{ testId: string; redirectUri: string }>(await tc.core.dispatch(owner, 'sso:test-start', {}))
    const second = expectOk<{ testId: string }>(await tc.core.dispatch(owner, 'sso:test-start', {}))
    expect(second.testId).not.toBe(first.testId)
    await expect(fetch(`${first.redirectUri}?code=x&state=y`)).rejects.toThrow()
    expectError(await tc.core.dispatch(owner, 'sso:test-result', { testId: first.testId }), 'NOT_FOUND')
    expect(expectOk<SsoTestReport>(await tc.core.dispatch(owner, 'sso:test-result', { testId: second.testId })).status).toBe('pending')
  })
})

interface SignInOutcome {
  status: 'pending' | 'signed-in' | 'refused'
  message: string | null
  session: { principal: { email: string; name: string; role: string } } | null
}

/** A window signs in with SSO: the email first, then the provider, then the redirect back. */
async function ssoSignIn(email: string, login: string): Promise<{ outcome: SignInOutcome; connectionId: string; page: { status: number; html: string } }> {
  const connectionId = tc.core.connect(META)
  const started = expectOk<{ flowId: string; authorizationUrl: string; provider: string }>(await tc.core.dispatch(connectionId, 'sso:sign-in-start', { email }))
  expect(new URL(started.authorizationUrl).searchParams.get('login_hint')).toBe(email)
  expect(expectOk<SignInOutcome>(await tc.core.dispatch(connectionId, 'sso:sign-in-result', { flowId: started.flowId })).status).toBe('pending')
  // Another window cannot read this one's sign-in.
  expectError(await tc.core.dispatch(tc.core.connect(META), 'sso:sign-in-result', { flowId: started.flowId }), 'NOT_FOUND')
  const page = await deliver(await signInAtProvider(started.authorizationUrl, login))
  const outcome = expectOk<SignInOutcome>(await tc.core.dispatch(connectionId, 'sso:sign-in-result', { flowId: started.flowId }))
  return { outcome, connectionId, page }
}

const loginEvents = (email: string) =>
  testDb(tc.core).all<{ method: string; result: string; reason: string | null; provider: string | null }>(
    'SELECT method, result, reason, provider FROM login_events WHERE email_tried = ? ORDER BY time, login_event_id',
    email
  )

describe('OpenID Connect: enable, sign in, enforce', () => {
  it('enabling needs a passing test of the configuration as it is now', async () => {
    // The draft's last test (the replayed code, above) failed, and it changed after that.
    expectError(await tc.core.dispatch(owner, 'sso:enable', { mode: 'offered', provisioning: 'jit' }), 'CONFLICT', /its last test failed/)
    expect((await testAs('mia')).report.status).toBe('passed')
    const seq = await ledgerSize(tc.core)
    const status = expectOk<{ active: SsoConnection | null; draft: SsoConnection | null }>(await tc.core.dispatch(owner, 'sso:enable', { mode: 'offered', provisioning: 'jit' }))
    expect(status.draft).toBeNull()
    expect(status.active?.enabled).toMatchObject({ mode: 'offered', provisioning: 'jit', defaultRole: 'agent', by: OWNER.name })
    const events = await auditSince(tc.core, seq)
    expect(events.map((e) => e.action)).toEqual(['sso.enabled'])
    expect(events[0]!.summary).toMatch(/offered beside passwords, just-in-time provisioning \(new members join as Agent\)/)
  })

  it('a member signs in with SSO: a session on the window that asked, a login event with method sso', async () => {
    const { outcome, connectionId, page } = await ssoSignIn(MEMBER.email, 'mia')
    expect(page.html).toContain('You are signed in to Gatehouse as Mia Member')
    expect(outcome).toMatchObject({ status: 'signed-in', message: null, session: { principal: { email: MEMBER.email, role: 'agent' } } })
    // The session is real: the window's calls run as Mia.
    expect(expectOk<{ session: { principal: { email: string } } | null }>(await tc.core.dispatch(connectionId, 'auth:status', {})).session?.principal.email).toBe(MEMBER.email)
    expect((await loginEvents(MEMBER.email)).at(-1)).toEqual({ method: 'sso', result: 'success', reason: null, provider: 'Other OpenID Connect provider' })
  })

  it('just-in-time: an unknown email from an allowed domain becomes an active member with the default role', async () => {
    const seq = await ledgerSize(tc.core)
    const { outcome } = await ssoSignIn('nora.new@acme.example', 'newcomer')
    expect(outcome.session?.principal).toMatchObject({ email: 'nora.new@acme.example', name: 'Nora Newcomer', role: 'agent' })
    const row = await testDb(tc.core).get<{ status: string; role: string }>('SELECT m.status, m.role FROM memberships m JOIN persons p ON p.person_id = m.person_id WHERE p.email = ?', 'nora.new@acme.example')
    expect(row).toEqual({ status: 'active', role: 'agent' })
    expect((await auditSince(tc.core, seq)).map((e) => e.action)).toEqual(['member.created', 'auth.signed-in'])
  })

  it('an invitation is accepted by the first SSO sign-in', async () => {
    await quickMember(tc.core, { role: 'viewer', email: 'ivy.invited@acme.example', name: 'Ivy Invited', status: 'invited' })
    const { outcome } = await ssoSignIn('ivy.invited@acme.example', 'ivy')
    expect(outcome.session?.principal).toMatchObject({ email: 'ivy.invited@acme.example', role: 'viewer' })
    expect((await testDb(tc.core).get<{ status: string }>("SELECT m.status FROM memberships m JOIN persons p ON p.person_id = m.person_id WHERE p.email = 'ivy.invited@acme.example'"))!.status).toBe('active')
  })

  describe('refusals, each with its reason, none creating a session, a person or a membership', () => {
    const refused = async (email: string, login: string, reason: RegExp) => {
      const before = await rowCounts(tc.core)
      const { outcome, page } = await ssoSignIn(email, login)
      expect(outcome.status).toBe('refused')
      expect(outcome.message).toMatch(reason)
      expect(outcome.session).toBeNull()
      expect(page.html).toContain('Sign-in not completed')
      const after = await rowCounts(tc.core)
      for (const table of ['persons', 'memberships', 'sessions']) expect(after[table], table).toBe(before[table])
      expect(after.login_events).toBe(before.login_events! + 1)
    }
    it('a deactivated person', () => refused('dina.deactivated@acme.example', 'dina', /deactivated/))
    it('a domain not allowed (the provider vouched for someone else than the email typed)', () => refused(MEMBER.email, 'outsider', /elsewhere\.example is not an email domain allowed/))
    it('an address the provider has not verified', () => refused('uma@acme.example', 'unverified', /not verified/))
    it('no free seat for a just-in-time member', async () => {
      const accountId = await accountIdOf(tc.core)
      const used = (await testDb(tc.core).get<{ n: number }>("SELECT count(*) AS n FROM memberships WHERE account_id = ? AND status <> 'deactivated'", accountId))!.n
      await testDb(tc.core).run('UPDATE accounts SET seats = ? WHERE account_id = ?', Number(used), accountId)
      try {
        await refused('sam.seatless@acme.example', 'seatless', /no free seat/)
      } finally {
        await testDb(tc.core).run('UPDATE accounts SET seats = 25 WHERE account_id = ?', accountId)
      }
    })
    it('pre-provisioned: an email that is not a member', async () => {
      expectOk(await tc.core.dispatch(owner, 'sso:enable', { mode: 'offered', provisioning: 'pre' }))
      await refused('sam.seatless@acme.example', 'seatless', /not a member of this account: ask an admin to invite you/)
    })
    it('an email no account signs in with SSO', async () => {
      const connectionId = tc.core.connect(META)
      expectError(await tc.core.dispatch(connectionId, 'sso:sign-in-start', { email: 'someone@nowhere.example' }), 'VALIDATION', /not turned on for this email address/)
    })
  })

  it('enforced: members can no longer sign in with a password, the Owner still can; turning it off lets passwords in again', async () => {
    expectOk(await tc.core.dispatch(owner, 'sso:enable', { mode: 'enforced', provisioning: 'pre' }))
    expectError(await tc.core.dispatch(tc.core.connect(META), 'auth:sign-in', { email: MEMBER.email, password: MEMBER_PASSWORD }), 'UNAUTHENTICATED', /signs in with single sign-on/)
    // A wrong password still says only that.
    expectError(await tc.core.dispatch(tc.core.connect(META), 'auth:sign-in', { email: MEMBER.email, password: 'not-the-password-at-all' }), 'UNAUTHENTICATED', /Wrong email or password/)
    expectOk(await tc.core.dispatch(tc.core.connect(META), 'auth:sign-in', { email: OWNER.email, password: OWNER.password }))
    const seq = await ledgerSize(tc.core)
    const status = expectOk<{ active: SsoConnection }>(await tc.core.dispatch(owner, 'sso:disable', {}))
    expect(status.active.enabled).toBeNull()
    expect((await auditSince(tc.core, seq)).map((e) => e.action)).toEqual(['sso.disabled'])
    expectOk(await tc.core.dispatch(tc.core.connect(META), 'auth:sign-in', { email: MEMBER.email, password: MEMBER_PASSWORD }))
    expectError(await tc.core.dispatch(owner, 'sso:disable', {}), 'CONFLICT', /already off/)
    expectError(await tc.core.dispatch(tc.core.connect(META), 'sso:sign-in-start', { email: MEMBER.email }), 'VALIDATION', /not turned on/)
  })
})

describe('gatehouse sso status', () => {
  it("prints each account's connection, how it is used and its last test, from a read-only connection beside the running core", async () => {
    const spec = tc.core.store.readerSpec
    const storeArgs = spec?.dialect === 'postgres' ? ['--store', spec.url] : []
    const saved = process.env.GATEHOUSE_PASSPHRASE
    process.env.GATEHOUSE_PASSPHRASE = TEST_PASSPHRASE
    let stdout = ''
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((stdout += String(chunk)), true))
    try {
      expect(await main(['node', 'gatehouse', '--data-dir', tc.dir, ...storeArgs, 'sso', 'status'])).toBe(0)
    } finally {
      vi.restoreAllMocks()
      process.env.GATEHOUSE_PASSPHRASE = saved
    }
    expect(stdout).toContain('Acme Support:')
    expect(stdout).toMatch(/Other OpenID Connect provider \(OIDC\), off/)
    expect(stdout).toContain(`issuer ${idp.issuer}, client ${idp.clientId}`)
    expect(stdout).toMatch(/last test: passed .* by Olivia Owner/)
  })
})

describe('OpenID Connect: role and team mapping, default teams', () => {
  const teamIdOf = async (name: string) => expectOk<{ id: string }>(await tc.core.dispatch(owner, 'teams:create', { name })).id
  const teamsOf = async (email: string) =>
    (
      await testDb(tc.core).all<{ name: string }>(
        'SELECT t.name FROM team_members tm JOIN teams t ON t.team_id = tm.team_id JOIN persons p ON p.person_id = tm.person_id WHERE p.email = ? ORDER BY t.name',
        email
      )
    ).map((r) => r.name)
  let billing = ''

  it('a test shows the role and teams a new member would get, and what was ignored', async () => {
    await teamIdOf('Support')
    billing = await teamIdOf('Billing')
    const saved = expectOk<SsoConnection>(await save({ claims: { email: 'email', name: 'name', role: 'roles', teams: 'groups' } }))
    expect(saved.claims).toEqual({ email: 'email', name: 'name', role: 'roles', teams: 'groups' })
    const { report } = await testAs('rita')
    expect(report.status).toBe('passed')
    expect(report.mapped).toEqual({ email: 'rita.roles@acme.example', name: 'Rita Roles', role: 'admin', teams: ['Support'] })
    const mapping = report.checks.find((c) => c.id === 'mapping')!
    expect(mapping.detail).toContain('"roles" names the role Admin.')
    expect(mapping.detail).toContain('"groups" names the teams Support (no team here is called "No Such Team": ignored).')
    // A role claim naming no Gatehouse role falls back to the default, and says so.
    const plain = await testAs('paul')
    expect(plain.report.mapped?.role).toBeNull()
    expect(plain.report.checks.find((c) => c.id === 'mapping')!.detail).toContain('none of them Admin, Agent or Viewer: the default role applies')
  })

  it('turning on with default teams: a team that does not exist is refused and nothing changes', async () => {
    const seq = await ledgerSize(tc.core)
    expectError(await tc.core.dispatch(owner, 'sso:enable', { mode: 'offered', provisioning: 'jit', defaultTeamIds: ['no-such-team'] }), 'NOT_FOUND', /does not exist/)
    expect(await ledgerSize(tc.core)).toBe(seq)
    const status = expectOk<{ active: SsoConnection }>(await tc.core.dispatch(owner, 'sso:enable', { mode: 'offered', provisioning: 'jit', defaultRole: 'viewer', defaultTeamIds: [billing] }))
    expect(status.active.enabled).toMatchObject({ provisioning: 'jit', defaultRole: 'viewer', defaultTeams: [{ id: billing, name: 'Billing' }] })
    expect((await auditSince(tc.core, seq))[0]!.summary).toMatch(/new members join as Viewer in Billing/)
  })

  it('just-in-time: the mapped role and teams, with the default teams; the login event names the provider', async () => {
    const seq = await ledgerSize(tc.core)
    const { outcome } = await ssoSignIn('rita.roles@acme.example', 'rita')
    expect(outcome.session?.principal).toMatchObject({ email: 'rita.roles@acme.example', role: 'admin' })
    expect(await teamsOf('rita.roles@acme.example')).toEqual(['Billing', 'Support'])
    const created = (await auditSince(tc.core, seq)).find((e) => e.action === 'member.created')!
    expect(created.summary).toBe('Rita Roles (rita.roles@acme.example) joined as Admin in Billing, Support at their first sign-in with single sign-on (just-in-time provisioning).')
    expect(created.after).toMatchObject({ role: 'admin', teams: ['Billing', 'Support'] })
    expect(await loginEvents('rita.roles@acme.example')).toEqual([{ method: 'sso', result: 'success', reason: null, provider: 'Other OpenID Connect provider' }])
    // No role named: the default role, and the default teams only.
    const { outcome: plain } = await ssoSignIn('paul.plain@acme.example', 'paul')
    expect(plain.session?.principal.role).toBe('viewer')
    expect(await teamsOf('paul.plain@acme.example')).toEqual(['Billing'])
  })

  it("a refused sign-in's login event names the provider and the reason apart", async () => {
    await testDb(tc.core).run("UPDATE memberships SET status = 'deactivated' WHERE person_id = (SELECT person_id FROM persons WHERE email = 'paul.plain@acme.example')")
    const { outcome } = await ssoSignIn('paul.plain@acme.example', 'paul')
    expect(outcome.status).toBe('refused')
    expect((await loginEvents('paul.plain@acme.example')).at(-1)).toEqual({ method: 'sso', result: 'failure', reason: 'Your access to this account was deactivated.', provider: 'Other OpenID Connect provider' })
  })
})

describe("OpenID Connect: the provider's keys watched", () => {
  // The clock moves by hours (the check is hourly): the Owner's window signs in again each time.
  const health = async () => expectOk<{ active: SsoConnection }>(await tc.core.dispatch(await signIn(tc.core, OWNER.email, OWNER.password), 'sso:status', {})).active.health
  const keyEvents = async (seq: number) => (await auditSince(tc.core, seq)).filter((e) => e.action.startsWith('sso.provider-keys')).map((e) => e.action)

  /** One hourly check, run to its end (it fetches in the background of the timer). */
  const hourlyCheck = async (advance: number) => {
    tc.clock.advance(advance)
    await tc.core.tick()
    await vi.waitFor(async () => expect(Number((await testDb(tc.core).get<{ at: number }>("SELECT keys_checked_at AS at FROM sso_connections WHERE slot = 'active'"))!.at)).toBe(tc.clock.now()))
  }

  it('keys that cannot be fetched are an error on the screen and one audit event; fetched again, one more, and the error goes', async () => {
    const seq = await ledgerSize(tc.core)
    await hourlyCheck(0)
    expect(await health()).toEqual({ level: 'ok', message: null })
    idp.setKeysAvailable(false)
    try {
      await hourlyCheck(3_600_000)
      expect((await health()).level).toBe('error')
      expect((await health()).message).toMatch(/answered 503 for its signing keys .* Sign-ins fail until the provider's keys can be fetched again/)
      // Still failing an hour later: no second event.
      await hourlyCheck(3_600_000)
      expect((await health()).message).toMatch(/failing for about 1 hour/)
      expect(await keyEvents(seq)).toEqual(['sso.provider-keys-unavailable'])
    } finally {
      idp.setKeysAvailable(true)
    }
    await hourlyCheck(3_600_000)
    expect((await health()).level).toBe('ok')
    expect(await keyEvents(seq)).toEqual(['sso.provider-keys-unavailable', 'sso.provider-keys-restored'])
  })
})

describe('single sign-on and the support team', () => {
  it('a support agent with full scope sees the status but cannot change how people sign in', async () => {
    const agent = await insertAgent(tc.core, { email: 'sid.support@vendor.example', name: 'Sid Support' })
    const ownerWindow = await signIn(tc.core, OWNER.email, OWNER.password)
    expectOk(await tc.core.dispatch(ownerWindow, 'support-access:extend', { duration: 'day', scope: 'full', reason: 'Ticket 9' }))
    const support = await signInAgent(tc.core, agent, await accountIdOf(tc.core))
    const status = expectOk<{ active: SsoConnection | null }>(await tc.core.dispatch(support, 'sso:status', {}))
    expect(status.active?.protocol).toBe('oidc')
    const before = await rowCounts(tc.core)
    expectError(await tc.core.dispatch(support, 'sso:save-oidc', { preset: 'oidc', issuer: idp.issuer, clientId: idp.clientId, allowedDomains: ['vendor.example'] }), 'FORBIDDEN')
    expectError(await tc.core.dispatch(support, 'sso:disable', {}), 'FORBIDDEN')
    expectError(await tc.core.dispatch(support, 'sso:enable', { mode: 'enforced', provisioning: 'jit' }), 'FORBIDDEN')
    expectError(await tc.core.dispatch(support, 'sso:test-start', {}), 'FORBIDDEN')
    expect(await rowCounts(tc.core)).toEqual(before)
  })
})
