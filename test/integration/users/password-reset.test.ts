import { createHash } from 'node:crypto'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { PasswordResetDelivery } from '../../../src/shared/contract/users'
import { META, testDb } from '../../support/core'
import { startSmtpServer } from '../../support/smtp'
import { accountTemplate, auditSince, expectError, expectOk, ledgerSize, MEMBER_PASSWORD, quickMember, sessionOf, tokenOf, type FreshCore } from '../../support/users'

const HOUR = 3_600_000
const NEW_PASSWORD = 'juniper-canyon-lantern-64'

/** Password reset links (users:reset-password, password-reset:inspect, password-reset:complete). */
describe('password reset links', () => {
  let template: Awaited<ReturnType<typeof accountTemplate>>
  let t: FreshCore
  beforeAll(async () => {
    template = await accountTemplate({ seats: 20 })
  })
  afterAll(() => template.dispose())
  beforeEach(async () => {
    t = await template.fresh()
  })
  afterEach(() => t.dispose())

  const issue = async (membershipId: string, by = t.owner) => expectOk<PasswordResetDelivery>(await t.core.dispatch(by, 'users:reset-password', { membershipId }))
  const complete = (token: string, password = NEW_PASSWORD) => {
    const connectionId = t.core.connect(META)
    return { connectionId, result: t.core.dispatch(connectionId, 'password-reset:complete', { token, password }) }
  }
  const signIn = (email: string, password: string) => t.core.dispatch(t.core.connect(META), 'auth:sign-in', { email, password })

  it('issues a single-use link (only its SHA-256 stored) that sets a new password, ends the person\'s other sessions and signs this window in', async () => {
    const agent = await quickMember(t.core, { role: 'agent', name: 'Rowan Reset' })
    const agentWindow = await sessionOf(t.core, agent.membershipId)
    const seq = await ledgerSize(t.core)
    const delivered = await issue(agent.membershipId)
    expect(delivered).toMatchObject({ membershipId: agent.membershipId, email: agent.email, delivery: 'link', deliveryError: null })
    expect(delivered.expiresAt).toBe(t.clock.now() + 24 * HOUR)
    const token = tokenOf(delivered.link, 'reset')
    const stored = (await testDb(t.core).get<{ token_hash: Buffer }>('SELECT token_hash FROM password_resets'))!
    expect(Buffer.from(stored.token_hash).equals(createHash('sha256').update(token).digest())).toBe(true)

    // Until the link is used, the old password keeps working.
    expectOk(await signIn(agent.email, MEMBER_PASSWORD))
    expect(expectOk(await t.core.dispatch(t.core.connect(META), 'password-reset:inspect', { token: delivered.link! }))).toMatchObject({
      email: agent.email,
      state: 'pending',
      accountName: 'Acme Support'
    })

    const { connectionId, result } = complete(token)
    const session = expectOk<{ principal: { name: string; role: string } }>(await result)
    expect(session.principal).toMatchObject({ name: 'Rowan Reset', role: 'agent' })
    expectOk(await t.core.dispatch(connectionId, 'profile:get', {}))
    expect(t.events.filter((e) => e.connectionId === agentWindow).map((e) => e.event)).toContain('session:ended')
    expectError(await t.core.dispatch(agentWindow, 'profile:get', {}), 'UNAUTHENTICATED')

    expectError(await signIn(agent.email, MEMBER_PASSWORD), 'UNAUTHENTICATED')
    expectOk(await signIn(agent.email, NEW_PASSWORD))
    // Used once: the second use is refused and changes nothing.
    expectError(await complete(token, 'another-orchard-password-91').result, 'CONFLICT', /already used/)
    expect(expectOk<{ state: string }>(await t.core.dispatch(t.core.connect(META), 'password-reset:inspect', { token })).state).toBe('used')
    expectOk(await signIn(agent.email, NEW_PASSWORD))

    const events = (await auditSince(t.core, seq)).filter((e) => e.action.startsWith('member.'))
    expect(events.map((e) => e.action)).toEqual(['member.password-reset-issued', 'member.password-reset'])
    expect(events[0]!.summary).toMatch(/issued a password reset link for Rowan Reset/)
    expect(events[1]!.actorEmail).toBe(agent.email)
    expect(JSON.stringify(events)).not.toContain(token)
    const login = await testDb(t.core).get<{ result: string }>("SELECT result FROM login_events WHERE reason = 'password reset link'")
    expect(login!.result).toBe('success')
  })

  it('a newer link replaces the older one; a link expires after 24 hours; an unknown or mangled link is refused', async () => {
    const agent = await quickMember(t.core, { role: 'agent' })
    const first = tokenOf((await issue(agent.membershipId)).link, 'reset')
    const second = tokenOf((await issue(agent.membershipId)).link, 'reset')
    expectError(await complete(first).result, 'CONFLICT', /newer password reset link/)
    t.clock.advance(24 * HOUR + 1)
    expectError(await complete(second).result, 'CONFLICT', /expired/)
    expectError(await complete('A'.repeat(43)).result, 'NOT_FOUND', /not valid/)
    expectError(await t.core.dispatch(t.core.connect(META), 'password-reset:complete', { token: 'gatehouse://reset/short', password: NEW_PASSWORD }), 'VALIDATION')
    expectOk(await signIn(agent.email, MEMBER_PASSWORD))
  })

  it('refuses a weak password and changes nothing; the link still works after', async () => {
    const agent = await quickMember(t.core, { role: 'agent' })
    const token = tokenOf((await issue(agent.membershipId)).link, 'reset')
    expectError(await complete(token, agent.email).result, 'VALIDATION')
    expectError(await complete(token, 'password1234').result, 'VALIDATION')
    expectOk(await signIn(agent.email, MEMBER_PASSWORD))
    expectOk(await complete(token).result)
  })

  it('follows the rules: not oneself, not the Owner, not invited or deactivated people, not for Agents and Viewers', async () => {
    const admin = await quickMember(t.core, { role: 'admin' })
    const adminWindow = await sessionOf(t.core, admin.membershipId)
    const viewer = await quickMember(t.core, { role: 'viewer' })
    const invited = await quickMember(t.core, { role: 'agent', status: 'invited' })
    const deactivated = await quickMember(t.core, { role: 'agent', status: 'deactivated' })
    const seq = await ledgerSize(t.core)
    const refused = async (by: string, membershipId: string, code: string, message: RegExp) =>
      expectError(await t.core.dispatch(by, 'users:reset-password', { membershipId }), code, message)
    await refused(adminWindow, admin.membershipId, 'CONFLICT', /use Personal settings/)
    await refused(adminWindow, t.ownerMembershipId, 'CONFLICT', /is the Owner/)
    await refused(t.owner, t.ownerMembershipId, 'CONFLICT', /use Personal settings/)
    await refused(t.owner, invited.membershipId, 'CONFLICT', /resend the invitation/)
    await refused(t.owner, deactivated.membershipId, 'CONFLICT', /reactivate them/)
    await refused(await sessionOf(t.core, viewer.membershipId), admin.membershipId, 'FORBIDDEN', /does not allow/)
    expect(await ledgerSize(t.core)).toBe(seq)
    expect((await testDb(t.core).get<{ n: number }>('SELECT count(*) AS n FROM password_resets'))!.n).toBe(0)

    // The panel shows the same rule the call enforces.
    const detail = expectOk<{ capabilities: { resetPassword: { allowed: boolean; reason: string | null } } }>(
      await t.core.dispatch(t.owner, 'users:get', { membershipId: deactivated.membershipId })
    )
    expect(detail.capabilities.resetPassword).toEqual({ allowed: false, reason: expect.stringMatching(/reactivate them/) })
    expect(expectOk<typeof detail>(await t.core.dispatch(adminWindow, 'users:get', { membershipId: viewer.membershipId })).capabilities.resetPassword.allowed).toBe(true)

    // An Admin may reset another Admin's password, and a person deactivated after the link was issued cannot use it.
    const other = await quickMember(t.core, { role: 'admin' })
    const token = tokenOf((await issue(other.membershipId, adminWindow)).link, 'reset')
    expectOk(await t.core.dispatch(t.owner, 'users:deactivate', { membershipId: other.membershipId }))
    expectError(await complete(token).result, 'CONFLICT', /no longer an active member/)
  })

  it('emails the link through the account\'s SMTP server when one is set up', async () => {
    const smtp = await startSmtpServer({ user: 'gatehouse', pass: 'mail-secret-123' })
    try {
      expectOk(
        await t.core.dispatch(t.owner, 'settings:smtp-set', {
          smtp: { host: '127.0.0.1', port: smtp.port, tls: 'none', user: 'gatehouse', password: 'mail-secret-123', from: 'it@acme.example', fromName: 'Acme IT' }
        })
      )
      const agent = await quickMember(t.core, { role: 'agent', email: 'mailed.reset@example.com' })
      const delivered = await issue(agent.membershipId)
      expect(delivered).toMatchObject({ delivery: 'email', link: null, deliveryError: null })
      expect(smtp.received).toHaveLength(1)
      const mail = smtp.received[0]!
      expect(mail.to).toEqual(['mailed.reset@example.com'])
      expect(mail.parsed.subject).toBe('Choose a new Gatehouse password for Acme Support')
      const link = /gatehouse:\/\/reset\/[A-Za-z0-9_-]{43}/.exec(String(mail.parsed.text))![0]
      expectOk(await complete(tokenOf(link, 'reset')).result)
      expectOk(await signIn('mailed.reset@example.com', NEW_PASSWORD))
    } finally {
      await smtp.close()
    }
  })
})
