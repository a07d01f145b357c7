import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { InvitationDelivery } from '../../../src/shared/contract/users'
import { META } from '../../support/core'
import { startSmtpServer } from '../../support/smtp'
import { accountTemplate, auditSince, expectOk, ledgerSize, tokenOf, type FreshCore } from '../../support/users'

describe('invitations by email (a real SMTP server on 127.0.0.1)', () => {
  let template: Awaited<ReturnType<typeof accountTemplate>>
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>
  let t: FreshCore
  beforeAll(async () => {
    template = await accountTemplate({ seats: 10 })
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

  const configure = async (pass = 'mail-secret-123') =>
    expectOk<{ hasPassword: boolean }>(
      await t.core.dispatch(t.owner, 'settings:smtp-set', {
        smtp: { host: '127.0.0.1', port: smtp.port, tls: 'none', user: 'gatehouse', password: pass, from: 'it@acme.example', fromName: 'Acme IT' }
      })
    )

  it('saves the server without ever returning or auditing the password, and sends a test email', async () => {
    const seq = await ledgerSize(t.core)
    expect(await configure()).toMatchObject({ host: '127.0.0.1', port: smtp.port, tls: 'none', user: 'gatehouse', hasPassword: true, from: 'it@acme.example' })
    const got = expectOk(await t.core.dispatch(t.owner, 'settings:smtp-get', {}))
    expect(JSON.stringify(got)).not.toContain('mail-secret-123')
    const events = await auditSince(t.core, seq)
    expect(events.map((e) => e.action)).toEqual(['settings.smtp-updated'])
    expect(JSON.stringify(events)).not.toContain('mail-secret-123')
    const test = expectOk<{ delivered: boolean; to: string }>(await t.core.dispatch(t.owner, 'settings:smtp-test', {}))
    expect(test).toMatchObject({ delivered: true, to: 'olivia@example.com' })
    expect(smtp.received).toHaveLength(1)
    expect(smtp.received[0]!.to).toEqual(['olivia@example.com'])
    expect(smtp.received[0]!.parsed.subject).toBe('Gatehouse test email for Acme Support')
    // Keeping the stored password when none is sent; a wrong one is reported, not thrown.
    expectOk(await t.core.dispatch(t.owner, 'settings:smtp-set', { smtp: { host: '127.0.0.1', port: smtp.port, tls: 'none', user: 'gatehouse', from: 'it@acme.example' } }))
    expect(expectOk<{ delivered: boolean }>(await t.core.dispatch(t.owner, 'settings:smtp-test', {})).delivered).toBe(true)
    await configure('wrong-password')
    const failed = expectOk<{ delivered: boolean; message: string }>(await t.core.dispatch(t.owner, 'settings:smtp-test', {}))
    expect(failed.delivered).toBe(false)
    expect(failed.message).toMatch(/refused the user name or password/)
  })

  it('emails the invitation; the link from the received message is accepted and signs the person in', async () => {
    await configure()
    const { invited } = expectOk<{ invited: InvitationDelivery[] }>(
      await t.core.dispatch(t.owner, 'users:invite', { emails: ['new.agent@example.com'], role: 'agent' })
    )
    expect(invited[0]).toMatchObject({ delivery: 'email', link: null, deliveryError: null })
    expect(smtp.received).toHaveLength(1)
    const mail = smtp.received[0]!
    expect(mail.to).toEqual(['new.agent@example.com'])
    expect(mail.parsed.from?.value[0]).toMatchObject({ address: 'it@acme.example', name: 'Acme IT' })
    expect(mail.parsed.subject).toBe('You are invited to Acme Support on Gatehouse')
    const link = /gatehouse:\/\/invite\/[A-Za-z0-9_-]{43}/.exec(mail.parsed.text ?? '')![0]
    expect(mail.parsed.html).toContain(link)
    const window = t.core.connect(META)
    const inspected = expectOk<{ state: string; email: string }>(await t.core.dispatch(window, 'invitations:inspect', { token: link }))
    expect(inspected).toMatchObject({ state: 'pending', email: 'new.agent@example.com' })
    const session = expectOk<{ principal: { email: string; role: string } }>(
      await t.core.dispatch(window, 'invitations:accept', { token: tokenOf(link), name: 'Nora Agent', password: 'juniper-canyon-thistle-64' })
    )
    expect(session.principal).toMatchObject({ email: 'new.agent@example.com', role: 'agent' })
  })

  it('resend emails a new link; the old emailed link stops working', async () => {
    await configure()
    const { invited } = expectOk<{ invited: InvitationDelivery[] }>(await t.core.dispatch(t.owner, 'users:invite', { emails: ['twice@example.com'], role: 'viewer' }))
    expectOk(await t.core.dispatch(t.owner, 'users:resend-invitation', { membershipId: invited[0]!.membershipId }))
    expect(smtp.received).toHaveLength(2)
    const [first, second] = smtp.received.map((m) => /gatehouse:\/\/invite\/([A-Za-z0-9_-]{43})/.exec(m.parsed.text ?? '')![1]!)
    expect(first).not.toBe(second)
    const window = t.core.connect(META)
    expect(expectOk<{ state: string }>(await t.core.dispatch(window, 'invitations:inspect', { token: first })).state).toBe('replaced')
    expect(expectOk<{ state: string }>(await t.core.dispatch(window, 'invitations:inspect', { token: second })).state).toBe('pending')
  })

  it('falls back to the link, with the reason, when the server refuses the message', async () => {
    await configure('not-the-password')
    const { invited } = expectOk<{ invited: InvitationDelivery[] }>(await t.core.dispatch(t.owner, 'users:invite', { emails: ['fallback@example.com'], role: 'agent' }))
    expect(invited[0]!.delivery).toBe('link')
    expect(tokenOf(invited[0]!.link)).toHaveLength(43)
    expect(invited[0]!.deliveryError).toMatch(/refused the user name or password/)
    expect(smtp.received).toHaveLength(0)
  })
})
