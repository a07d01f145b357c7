import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadSmtp } from '../../../../src/main/core/mail/mailer'
import { addMember, call, OWNER, openTestCore, setupAccount, signIn, testDb, type TestCore } from '../../../support/core'

const SMTP = { host: 'mail.example.com', port: 587, tls: 'starttls', user: 'gatehouse', password: 'smtp-secret-password-1', from: 'it@example.com', fromName: 'Gatehouse' }

describe('account settings', () => {
  let t: TestCore
  let owner: string
  let accountId: string

  beforeAll(async () => {
    t = await openTestCore()
    owner = (await setupAccount(t.core)).connectionId
    accountId = (await testDb(t.core).get<{ account_id: string }>('SELECT account_id FROM accounts'))!.account_id
  })
  afterAll(() => t.dispose())

  it('seals the SMTP password before it is written, and reads it back', async () => {
    const saved = await call<{ hasPassword: boolean }>(t.core, owner, 'settings:smtp-set', { smtp: SMTP })
    expect(saved).toMatchObject({ host: SMTP.host, hasPassword: true })
    const row = (await testDb(t.core).get<{ password: string }>('SELECT password FROM smtp_settings WHERE account_id = ?', accountId))!
    expect(row.password).not.toContain(SMTP.password)
    expect((await loadSmtp(t.core.store, accountId))?.password).toBe(SMTP.password)
    // Omitted: kept; the audit log never holds it.
    await call(t.core, owner, 'settings:smtp-set', { smtp: { ...SMTP, password: undefined, port: 2525 } })
    expect((await loadSmtp(t.core.store, accountId))?.password).toBe(SMTP.password)
    const audit = await testDb(t.core).all<{ after_json: string | null }>("SELECT after_json FROM audit_events WHERE action = 'settings.smtp-updated'")
    expect(audit).toHaveLength(2)
    for (const a of audit) expect(a.after_json).not.toContain(SMTP.password)
    // '' clears it.
    expect(await call(t.core, owner, 'settings:smtp-set', { smtp: { ...SMTP, password: '' } })).toMatchObject({ hasPassword: false })
    expect((await loadSmtp(t.core.store, accountId))?.password).toBeNull()
  })

  it('reads a password written before sealing existed as it is', async () => {
    await testDb(t.core).run("UPDATE smtp_settings SET password = 'plain-old-password' WHERE account_id = ?", accountId)
    expect((await loadSmtp(t.core.store, accountId))?.password).toBe('plain-old-password')
  })

  it('removes the mail server', async () => {
    expect(await call(t.core, owner, 'settings:smtp-set', { smtp: null })).toBeNull()
    expect(await call(t.core, owner, 'settings:smtp-get')).toBeNull()
  })

  it('shows the account facts', async () => {
    expect(await call(t.core, owner, 'settings:account')).toMatchObject({ id: accountId, name: 'Acme Support', plan: 'paid', owner: { email: OWNER.email } })
  })

  it('changing the password ends the person’s other sessions with password-changed', async () => {
    const m = await addMember(t.core, { name: 'Pat Admin', email: 'pat@example.com', role: 'admin' })
    const a = await signIn(t.core, m.email, m.password)
    const b = await signIn(t.core, m.email, m.password)
    expect(await call(t.core, a, 'profile:change-password', { current: m.password, next: 'copper-willow-tundra-93' })).toEqual({ changed: true, otherSessionsEnded: 1 })
    expect(t.events.filter((e) => e.connectionId === b && e.event === 'session:ended').map((e) => (e.payload as { reason: string }).reason)).toEqual(['password-changed'])
    expect((await t.core.dispatch(b, 'profile:get', {})).ok).toBe(false)
    expect((await t.core.dispatch(a, 'profile:get', {})).ok).toBe(true)
  })

  it('transfers ownership to an active Admin after the password is entered again', async () => {
    const m = await addMember(t.core, { name: 'Ada Admin', email: 'ada@example.com', role: 'admin' })
    const wrong = await t.core.dispatch(owner, 'account:transfer-ownership', { toMembershipId: m.membershipId, password: 'not-the-password' })
    expect(wrong).toMatchObject({ ok: false, error: { code: 'VALIDATION' } })
    await call(t.core, owner, 'account:transfer-ownership', { toMembershipId: m.membershipId, password: OWNER.password })
    expect(await testDb(t.core).get('SELECT role FROM memberships WHERE membership_id = ?', m.membershipId)).toEqual({ role: 'owner' })
  })
})
