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

  it('lets the Owner rename the account, change its seats and idle timeout, audited; never below the seats in use', async () => {
    const admin = await addMember(t.core, { name: 'Ari Admin', email: 'ari.settings@example.com', role: 'admin' })
    const adminConn = await signIn(t.core, admin.email, admin.password)
    const before = await call<{ seats: { used: number; total: number }; idleTimeoutMinutes: number; name: string }>(t.core, owner, 'settings:account')
    const changed = await call<{ name: string; seats: { total: number }; idleTimeoutMinutes: number }>(t.core, owner, 'settings:account-update', {
      name: 'Acme Support EMEA',
      seats: before.seats.total + 5,
      idleTimeoutMinutes: 45
    })
    expect(changed).toMatchObject({ name: 'Acme Support EMEA', seats: { total: before.seats.total + 5 }, idleTimeoutMinutes: 45 })
    // Open windows learn the new name; the next call's principal carries it.
    expect(t.events.some((e) => e.connectionId === adminConn && e.event === 'session:changed')).toBe(true)
    const status = await call<{ session: { principal: { accountName: string }; idleTimeoutMinutes: number } }>(t.core, adminConn, 'auth:status')
    expect(status.session).toMatchObject({ principal: { accountName: 'Acme Support EMEA' }, idleTimeoutMinutes: 45 })
    const audit = (await testDb(t.core).get<{ summary: string; before_json: string; after_json: string }>(
      "SELECT summary, before_json, after_json FROM audit_events WHERE action = 'settings.account-updated' ORDER BY seq DESC LIMIT 1"
    ))!
    expect(audit.summary).toContain('renamed the account from Acme Support to Acme Support EMEA')
    expect(JSON.parse(audit.before_json)).toEqual({ name: 'Acme Support', seats: before.seats.total, idleTimeoutMinutes: before.idleTimeoutMinutes })
    expect(JSON.parse(audit.after_json)).toEqual({ name: 'Acme Support EMEA', seats: before.seats.total + 5, idleTimeoutMinutes: 45 })

    // Below the seats in use: refused in words, nothing changed, nothing audited.
    const events = (await testDb(t.core).get<{ n: number }>('SELECT count(*) AS n FROM audit_events'))!.n
    const below = await t.core.dispatch(owner, 'settings:account-update', { seats: before.seats.used - 1, name: 'Never Applied' })
    expect(below.ok).toBe(false)
    if (!below.ok) expect(below.error).toMatchObject({ code: 'VALIDATION', message: expect.stringContaining(`needs at least ${before.seats.used}`), details: { issues: [{ path: 'seats' }] } })
    expect((await call<{ name: string }>(t.core, owner, 'settings:account')).name).toBe('Acme Support EMEA')
    expect((await testDb(t.core).get<{ n: number }>('SELECT count(*) AS n FROM audit_events'))!.n).toBe(events)
    // Out of range and malformed: VALIDATION naming the field.
    for (const input of [{ idleTimeoutMinutes: 2 }, { idleTimeoutMinutes: 721 }, { seats: 0 }, { seats: 1.5 }, { name: '   ' }, { plan: 'paid' }]) {
      const refused = await t.core.dispatch(owner, 'settings:account-update', input)
      expect(refused.ok, JSON.stringify(input)).toBe(false)
      if (!refused.ok) expect(refused.error.code).toBe('VALIDATION')
    }
    // Only the Owner.
    const asAdmin = await t.core.dispatch(adminConn, 'settings:account-update', { name: 'Admin Was Here' })
    expect(asAdmin.ok).toBe(false)
    if (!asAdmin.ok) expect(asAdmin.error.code).toBe('FORBIDDEN')
    // Nothing to change: no audit event.
    await call(t.core, owner, 'settings:account-update', { name: 'Acme Support EMEA' })
    expect((await testDb(t.core).get<{ n: number }>('SELECT count(*) AS n FROM audit_events'))!.n).toBe(events)
    await call(t.core, owner, 'settings:account-update', { name: 'Acme Support', idleTimeoutMinutes: before.idleTimeoutMinutes })
  })

  it('never leaves more seats in use than the account has when seats change while people are invited', async () => {
    for (let round = 0; round < 5; round++) {
      const use = await call<{ used: number; total: number }>(t.core, owner, 'users:seats', {})
      const results = await Promise.all([
        t.core.dispatch(owner, 'settings:account-update', { seats: use.used + 1 }),
        t.core.dispatch(owner, 'users:invite', { emails: [`race-${round}-a@example.com`, `race-${round}-b@example.com`], role: 'viewer' })
      ])
      const after = await call<{ used: number; total: number }>(t.core, owner, 'users:seats', {})
      expect(after.used, `round ${round}: ${JSON.stringify(results.map((r) => r.ok))}`).toBeLessThanOrEqual(after.total)
      await call(t.core, owner, 'settings:account-update', { seats: after.used + 10 })
    }
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
