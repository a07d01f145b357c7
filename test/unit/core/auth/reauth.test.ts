import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Result } from '../../../../src/shared/contract/result'
import { verifyLedger } from '../../../../src/main/core/audit/verify'
import { addMember, call, META, OWNER, openTestCore, setupAccount, signIn, testDb, type TestCore, type TestMember } from '../../../support/core'

const MINUTE = 60_000
const NEXT_PASSWORD = 'copper-willow-tundra-93'
const LOCKED_SIGN_IN = /^Too many failed attempts: sign-in for this email is locked for \d+ more minutes?\.$/

/** "2026-11-23 10:16 UTC" for a time (the refusals' readable form). */
const utc = (ms: number) => `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`

describe('password re-confirmation under the sign-in lockout rule', () => {
  let t: TestCore
  let owner: string
  let accountId: string
  let ownerId: string
  let n = 0
  /** A fresh identity per scenario, so the scenarios do not share failure counts. */
  const member = (role: 'admin' | 'agent' | 'viewer' = 'agent'): Promise<TestMember> => {
    n += 1
    return addMember(t.core, { name: `Member ${n}`, email: `reauth${n}@example.com`, role })
  }
  const db = () => testDb(t.core)
  const changePassword = (connectionId: string, current: string): Promise<Result<unknown>> =>
    t.core.dispatch(connectionId, 'profile:change-password', { current, next: NEXT_PASSWORD })
  const codeOf = (result: Result<unknown>) => (result.ok ? 'OK' : result.error.code)
  const messageOf = (result: Result<unknown>) => (result.ok ? '' : result.error.message)
  const signInResult = (email: string, password: string) => t.core.dispatch(t.core.connect(META), 'auth:sign-in', { email, password })
  const loginRows = (email: string) =>
    db().all<{ method: string; result: string; reason: string | null; person_id: string | null; account_id: string | null; ip: string | null }>(
      'SELECT method, result, reason, person_id, account_id, ip FROM login_events WHERE email_tried = ? ORDER BY login_event_id',
      email
    )
  const auditRows = (personId: string) =>
    db().all<{ action: string; actor_kind: string; actor_id: string | null; target_id: string | null; summary: string; after_json: string | null }>(
      "SELECT action, actor_kind, actor_id, target_id, summary, after_json FROM audit_events WHERE target_id = ? AND action IN ('auth.reauth-failed', 'auth.locked') ORDER BY seq",
      personId
    )
  const hashOf = async (personId: string) => (await db().get<{ h: string }>('SELECT password_hash AS h FROM persons WHERE person_id = ?', personId))!.h

  beforeAll(async () => {
    t = await openTestCore()
    owner = (await setupAccount(t.core)).connectionId
    accountId = (await db().get<{ account_id: string }>('SELECT account_id FROM accounts'))!.account_id
    ownerId = (await db().get<{ person_id: string }>('SELECT person_id FROM persons WHERE email = ?', OWNER.email))!.person_id
  })
  afterAll(() => t.dispose())

  it('locks after five wrong current passwords: the sixth is refused even when right, sign-in is locked too, and it ends after 15 minutes', async () => {
    const start = Date.UTC(2026, 10, 24, 10, 0, 30)
    t.clock.set(start)
    owner = await signIn(t.core, OWNER.email, OWNER.password)
    const m = await member('admin')
    const here = await signIn(t.core, m.email, m.password)
    const elsewhere = await signIn(t.core, m.email, m.password)
    const hashBefore = await hashOf(m.personId)
    t.events.length = 0

    const results: Array<Result<unknown>> = []
    for (let i = 0; i < 5; i++) results.push(await changePassword(here, `wrong-password-${i}`))
    expect(results.map(codeOf)).toEqual(['VALIDATION', 'VALIDATION', 'VALIDATION', 'VALIDATION', 'LOCKED'])
    expect(results.slice(0, 4).map(messageOf)).toEqual([
      'The current password is wrong.',
      'The current password is wrong.',
      'The current password is wrong. 2 more wrong passwords will lock password confirmation and sign-in for 15 minutes.',
      'The current password is wrong. 1 more wrong password will lock password confirmation and sign-in for 15 minutes.'
    ])
    expect(results[0]).toMatchObject({ ok: false, error: { details: { issues: [{ path: 'current', message: 'Wrong password' }] } } })
    // Locked until 10:15:30; the message rounds up to the minute, when the lock is surely over.
    const lockedUntil = start + 15 * MINUTE
    expect(results[4]).toEqual({
      ok: false,
      error: {
        code: 'LOCKED',
        message: `Too many wrong passwords: your password was not changed. Password confirmation and sign-in for ${m.email} are locked until 2026-11-24 10:16 UTC (15 minutes from now).`,
        details: { lockedUntil }
      }
    })

    // The sixth, two minutes later and with the right password: still refused, and it says until when.
    t.clock.advance(2 * MINUTE)
    const sixth = await changePassword(here, m.password)
    expect(sixth).toEqual({
      ok: false,
      error: {
        code: 'LOCKED',
        message: `Too many wrong passwords: your password was not changed. Password confirmation and sign-in for ${m.email} are locked until 2026-11-24 10:16 UTC (13 minutes from now).`,
        details: { lockedUntil }
      }
    })
    // Sign-in for the identity is locked too (the same lock), even with the right password.
    const signInLocked = await signInResult(m.email, m.password)
    expect(signInLocked).toMatchObject({ ok: false, error: { code: 'LOCKED', details: { lockedUntil } } })
    expect(messageOf(signInLocked)).toMatch(LOCKED_SIGN_IN)

    // Nothing else changed: same password, the other window still signed in.
    expect(await hashOf(m.personId)).toBe(hashBefore)
    expect(t.events.filter((e) => e.event === 'session:ended')).toEqual([])
    expect(await call(t.core, elsewhere, 'profile:get')).toMatchObject({ email: m.email })
    expect(await db().get('SELECT count(*) AS n FROM audit_events WHERE action = ? AND target_id = ?', 'profile.password-changed', m.personId)).toEqual({ n: 0 })

    // Every attempt is a login event of the identity; the lock is the sign-in lock.
    expect((await loginRows(m.email)).slice(2)).toEqual([
      ...Array.from({ length: 5 }, () => ({
        method: 'reauth',
        result: 'failure',
        reason: 'wrong password (change-password)',
        person_id: m.personId,
        account_id: accountId,
        ip: META.ip
      })),
      { method: 'reauth', result: 'locked', reason: 'identity locked', person_id: m.personId, account_id: accountId, ip: META.ip },
      { method: 'password', result: 'locked', reason: 'identity locked', person_id: m.personId, account_id: null, ip: META.ip }
    ])
    expect(await db().get('SELECT locked_until FROM identity_locks WHERE email = ?', m.email)).toMatchObject({ locked_until: expect.anything() })

    // Each wrong password is audited by the member; the lock by the system.
    const audit = await auditRows(m.personId)
    expect(audit.map((a) => [a.action, a.actor_kind])).toEqual([
      ...Array.from({ length: 5 }, () => ['auth.reauth-failed', 'member']),
      ['auth.locked', 'system']
    ])
    expect(audit[0]!.summary).toBe(`${m.name} entered a wrong password to confirm a password change (1 of 5 failed attempts before sign-in locks).`)
    expect(JSON.parse(audit[4]!.after_json!)).toEqual({ purpose: 'change-password', failures: 5, limit: 5 })
    expect(audit[5]!.summary).toBe(`Sign-in for ${m.email} was locked for 15 minutes after 5 failed attempts.`)
    expect((await verifyLedger(t.core.store.db)).ok).toBe(true)
    // The account's audit screens were told (a refused call publishes no declared topics).
    expect(t.events.filter((e) => e.event === 'data:changed' && e.connectionId === owner && (e.payload as { topics: string[] }).topics.includes('audit')).length).toBeGreaterThanOrEqual(5)

    // One minute before the end still locked; at the end open again, for both.
    t.clock.set(lockedUntil - MINUTE)
    const lastMinute = await changePassword(here, m.password)
    expect(messageOf(lastMinute)).toMatch(/\(1 minute from now\)\.$/)
    t.clock.set(lockedUntil)
    await signIn(t.core, m.email, m.password)
    expect(await call(t.core, here, 'profile:change-password', { current: m.password, next: NEXT_PASSWORD })).toEqual({ changed: true, otherSessionsEnded: 2 })
    expect(codeOf(await signInResult(m.email, NEXT_PASSWORD))).toBe('OK')
  })

  it('guards ownership transfer with the Owner’s password: failures count with sign-in failures, and a refused transfer changes nothing', async () => {
    const admin = await member('admin')
    const transfer = (password: string) => t.core.dispatch(owner, 'account:transfer-ownership', { toMembershipId: admin.membershipId, password })
    const roles = () => db().all('SELECT membership_id, role FROM memberships WHERE account_id = ? ORDER BY membership_id', accountId)
    const rolesBefore = await roles()
    const ledgerBefore = (await db().get<{ n: number }>('SELECT count(*) AS n FROM audit_events'))!.n
    t.clock.advance(20 * MINUTE)
    // The owner's connection was idle while the clock moved: sign in again.
    owner = await signIn(t.core, OWNER.email, OWNER.password)
    const start = t.clock.now()

    // Three wrong sign-ins elsewhere, then two wrong transfers: the fifth failure of the identity locks it.
    for (let i = 0; i < 3; i++) expect(codeOf(await signInResult(OWNER.email, `guess-${i}`))).toBe('UNAUTHENTICATED')
    const first = await transfer('not-the-owner-password')
    expect(first).toEqual({
      ok: false,
      error: {
        code: 'VALIDATION',
        message: 'The password is wrong; ownership was not transferred. 1 more wrong password will lock password confirmation and sign-in for 15 minutes.',
        details: { issues: [{ path: 'password', message: 'Wrong password' }] }
      }
    })
    const second = await transfer('still-not-the-password')
    expect(second).toMatchObject({ ok: false, error: { code: 'LOCKED', details: { lockedUntil: start + 15 * MINUTE } } })
    expect(messageOf(second)).toBe(
      `Too many wrong passwords: ownership was not transferred. Password confirmation and sign-in for ${OWNER.email} are locked until ${utc(Math.ceil((start + 15 * MINUTE) / MINUTE) * MINUTE)} (15 minutes from now).`
    )
    // The right password is refused while locked, and so is sign-in.
    expect(codeOf(await transfer(OWNER.password))).toBe('LOCKED')
    expect(codeOf(await signInResult(OWNER.email, OWNER.password))).toBe('LOCKED')

    expect(await roles()).toEqual(rolesBefore)
    const added = await db().all<{ action: string }>('SELECT action FROM audit_events ORDER BY seq LIMIT 100 OFFSET ?', ledgerBefore)
    expect(added.map((a) => a.action)).toEqual(['auth.signed-in', 'auth.reauth-failed', 'auth.reauth-failed', 'auth.locked'])
    const audit = await auditRows(ownerId)
    expect(audit.at(-3)!.summary).toBe(`${OWNER.name} entered a wrong password to confirm an ownership transfer (4 of 5 failed attempts before sign-in locks).`)

    // Everyone holding audit:read sees the failures (they are not Owner-only).
    const adminWindow = await signIn(t.core, admin.email, admin.password)
    const listed = await call<{ rows: Array<{ action: string; actor: { id: string } }> }>(t.core, adminWindow, 'audit:list', { filter: { actions: ['auth.reauth-failed'] } })
    expect(listed.rows.filter((r) => r.actor.id === ownerId)).toHaveLength(2)

    // After 15 minutes the transfer goes through with the right password.
    t.clock.set(start + 15 * MINUTE)
    expect(await call(t.core, owner, 'account:transfer-ownership', { toMembershipId: admin.membershipId, password: OWNER.password })).toMatchObject({
      newOwnerId: admin.membershipId
    })
  })

  it('starts the count again after a right password, as a successful sign-in does (one rule)', async () => {
    const m = await member()
    const here = await signIn(t.core, m.email, m.password)
    const codes: string[] = []
    for (let i = 0; i < 4; i++) codes.push(codeOf(await changePassword(here, `wrong-${i}`)))
    // The right password, though the change is refused for another reason: the password was confirmed.
    const same = await t.core.dispatch(here, 'profile:change-password', { current: m.password, next: m.password })
    expect(same).toMatchObject({ ok: false, error: { code: 'VALIDATION', message: 'Choose a password different from the current one.' } })
    for (let i = 0; i < 5; i++) codes.push(codeOf(await changePassword(here, `wrong-again-${i}`)))
    expect(codes).toEqual([...Array.from({ length: 8 }, () => 'VALIDATION'), 'LOCKED'])
    expect((await loginRows(m.email)).filter((r) => r.method === 'reauth').map((r) => r.result)).toEqual([
      ...Array.from({ length: 4 }, () => 'failure'),
      'success',
      ...Array.from({ length: 5 }, () => 'failure')
    ])
    expect((await loginRows(m.email)).find((r) => r.result === 'success' && r.method === 'reauth')?.reason).toBe('change-password')
  })

  it('takes concurrent guesses one at a time: a burst cannot overshoot the limit', async () => {
    const m = await member()
    const here = await signIn(t.core, m.email, m.password)
    const burst = await Promise.all(Array.from({ length: 8 }, (_, i) => changePassword(here, `burst-guess-${i}`)))
    expect(burst.map(codeOf).sort()).toEqual([...Array.from({ length: 4 }, () => 'LOCKED'), ...Array.from({ length: 4 }, () => 'VALIDATION')])
    const rows = (await loginRows(m.email)).filter((r) => r.method === 'reauth')
    expect(rows.filter((r) => r.result === 'failure')).toHaveLength(5)
    expect(rows.filter((r) => r.result === 'locked')).toHaveLength(3)
    expect(codeOf(await changePassword(here, m.password))).toBe('LOCKED')
  })

  it("stores 'reauth' login events and still refuses an unknown method", async () => {
    const insert = (method: string) =>
      db().run(
        "INSERT INTO login_events (account_id, time, principal_kind, email_tried, method, result) VALUES (?, 0, 'member', 'check@example.com', ?, 'failure')",
        accountId,
        method
      )
    expect(await insert('reauth')).toBe(1)
    await expect(insert('magic-link')).rejects.toThrow(/CHECK constraint|check constraint/i)
  })
})
