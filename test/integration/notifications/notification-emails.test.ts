import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { OutputOf } from '../../../src/shared/contract'
import { META, OWNER, signIn } from '../../support/core'
import { startSmtpServer } from '../../support/smtp'
import { accountTemplate, auditSince, expectOk, ledgerSize, quickMember, sessionOf, type FreshCore } from '../../support/users'

type Preferences = OutputOf<'notifications:get'>

/** Notification emails after the change, to the person it concerns, as their settings say (a real SMTP server on 127.0.0.1). */
describe('notification emails and preferences', () => {
  let template: Awaited<ReturnType<typeof accountTemplate>>
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>
  let t: FreshCore
  beforeAll(async () => {
    template = await accountTemplate({ seats: 20, plan: 'paid' })
    smtp = await startSmtpServer({ user: 'gatehouse', pass: 'mail-secret-123' })
  })
  afterAll(async () => {
    await template.dispose()
    await smtp.close()
  })
  beforeEach(async () => {
    t = await template.fresh()
    smtp.received.length = 0
  })
  afterEach(() => t.dispose())

  const configure = async () =>
    expectOk(
      await t.core.dispatch(t.owner, 'settings:smtp-set', {
        smtp: { host: '127.0.0.1', port: smtp.port, tls: 'none', user: 'gatehouse', password: 'mail-secret-123', from: 'it@acme.example', fromName: 'Acme IT' }
      })
    )
  /** The emails to `to` once they have arrived (sending follows the commit). */
  const mailTo = async (to: string, count: number) => {
    for (let i = 0; i < 100 && smtp.received.filter((m) => m.to.includes(to)).length < count; i++) await new Promise((r) => setTimeout(r, 20))
    return smtp.received.filter((m) => m.to.includes(to))
  }
  const lockOut = async (email: string) => {
    const connection = t.core.connect(META)
    for (let i = 0; i < 5; i++) await t.core.dispatch(connection, 'auth:sign-in', { email, password: 'wrong password here' })
  }

  it('lists the kinds that concern each role, all on by default, and says when no mail server is set up', async () => {
    const owner = expectOk<Preferences>(await t.core.dispatch(t.owner, 'notifications:get', {}))
    expect(owner).toEqual({ emailDelivery: false, preferences: [{ kind: 'security', enabled: true }, { kind: 'support-access', enabled: true }] })
    const admin = await quickMember(t.core, { role: 'admin' })
    const adminConnection = await sessionOf(t.core, admin.membershipId)
    expect(expectOk<Preferences>(await t.core.dispatch(adminConnection, 'notifications:get', {})).preferences).toEqual([{ kind: 'security', enabled: true }])
    // Support Team Access notices are the Owner's: an Admin cannot turn them on, and nothing changes.
    const seq = await ledgerSize(t.core)
    const refused = await t.core.dispatch(adminConnection, 'notifications:set', { kind: 'support-access', enabled: true })
    expect(refused.ok ? null : refused.error).toMatchObject({ code: 'VALIDATION', message: 'Support Team Access notices go to the account Owner only.' })
    const malformed = await t.core.dispatch(adminConnection, 'notifications:set', { kind: 'newsletter', enabled: 'yes' })
    expect(malformed.ok ? null : malformed.error.code).toBe('VALIDATION')
    expect(await ledgerSize(t.core)).toBe(seq)
  })

  it('tells a person their sign-in was locked, and stays quiet once they turned security alerts off (audited)', async () => {
    await configure()
    const member = await quickMember(t.core, { role: 'agent' })
    await lockOut(member.email)
    const [locked] = await mailTo(member.email, 1)
    expect(locked!.parsed.subject).toBe('Sign-in to Acme Support was locked')
    expect(locked!.parsed.text).toContain(`Sign-in for ${member.email} was locked for 15 minutes after 5 failed attempts.`)
    expect(locked!.parsed.text).toContain('If this was not you, ask an administrator')

    const other = await quickMember(t.core, { role: 'agent' })
    const connection = await sessionOf(t.core, other.membershipId)
    const seq = await ledgerSize(t.core)
    const saved = expectOk<Preferences>(await t.core.dispatch(connection, 'notifications:set', { kind: 'security', enabled: false }))
    expect(saved).toEqual({ emailDelivery: true, preferences: [{ kind: 'security', enabled: false }] })
    const events = await auditSince(t.core, seq)
    expect(events.map((e) => e.action)).toEqual(['profile.notifications-changed'])
    await lockOut(other.email)
    // The lock is recorded; no email follows it.
    expect((await auditSince(t.core, seq)).map((e) => e.action)).toContain('auth.locked')
    await new Promise((r) => setTimeout(r, 300))
    expect(smtp.received.filter((m) => m.to.includes(other.email))).toEqual([])
  })

  it('tells the person whose password changed, and the Owner when Support Team Access changes', async () => {
    await configure()
    expectOk(await t.core.dispatch(t.owner, 'profile:change-password', { current: OWNER.password, next: 'a-new-password-for-olivia-7' }))
    const [changed] = await mailTo(OWNER.email, 1)
    expect(changed!.parsed.subject).toBe('Your Acme Support password was changed')
    expectOk(await t.core.dispatch(t.owner, 'support-access:extend', { duration: 'week', scope: 'read-only', reason: 'Ticket 42' }))
    expectOk(await t.core.dispatch(t.owner, 'support-access:disable', {}))
    const mails = await mailTo(OWNER.email, 3)
    expect(mails.map((m) => m.parsed.subject)).toEqual([
      'Your Acme Support password was changed',
      "The vendor's support team can now enter Acme Support",
      'Support Team Access to Acme Support was turned off'
    ])
    // Signing in again works with the new password (the email changed nothing).
    await signIn(t.core, OWNER.email, 'a-new-password-for-olivia-7')
  })
})
