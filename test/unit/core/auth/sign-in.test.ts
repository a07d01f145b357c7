import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Result } from '../../../../src/shared/contract/result'
import { verifyLedger } from '../../../../src/main/core/audit/verify'
import type { ConnectionMeta } from '../../../../src/main/core/host'
import { addMember, META, OWNER, openTestCore, setupAccount, testDb, type TestCore, type TestMember } from '../../../support/core'

const MINUTE = 60_000
const DEVICE = { transport: 'web' as const, ip: '198.51.100.23', device: 'Firefox 145 on Linux' }

describe('sign-in', () => {
  let t: TestCore
  let accountId: string
  let n = 0
  /** A fresh identity per scenario, so lockout scenarios do not share failure counts. */
  const member = (role: 'admin' | 'agent' | 'viewer' = 'agent', status?: 'active' | 'invited' | 'deactivated'): Promise<TestMember> => {
    n += 1
    return addMember(t.core, { name: `Member ${n}`, email: `member${n}@example.com`, role, status })
  }
  const attempt = (email: string, password: string, meta: ConnectionMeta = DEVICE): Promise<Result<unknown>> =>
    t.core.dispatch(t.core.connect(meta), 'auth:sign-in', { email, password })
  const code = async (email: string, password: string) => {
    const result = await attempt(email, password)
    return result.ok ? 'OK' : result.error.code
  }
  const loginRows = (email: string) =>
    testDb(t.core).all('SELECT time, person_id, email_tried, method, result, reason, ip, device, account_id FROM login_events WHERE email_tried = ? ORDER BY login_event_id', email)

  beforeAll(async () => {
    t = await openTestCore()
    await setupAccount(t.core)
    accountId = ((await testDb(t.core).get('SELECT account_id FROM accounts')) as { account_id: string }).account_id
  })
  afterAll(() => t.dispose())

  it('signs in with the right password: a session, a login event, an audit event and the last-login time', async () => {
    const m = await member('admin')
    t.clock.advance(MINUTE)
    const result = await attempt(m.email, m.password)
    expect(result).toMatchObject({ ok: true, value: { principal: { personId: m.personId, role: 'admin', accountId }, idleTimeoutMinutes: 30 } })
    expect(await loginRows(m.email)).toEqual([
      { time: t.clock.now(), person_id: m.personId, email_tried: m.email, method: 'password', result: 'success', reason: null, ip: DEVICE.ip, device: DEVICE.device, account_id: accountId }
    ])
    expect(await testDb(t.core).get('SELECT last_login_at FROM memberships WHERE membership_id = ?', m.membershipId)).toEqual({ last_login_at: t.clock.now() })
    const audit = await testDb(t.core).get("SELECT actor_id, actor_role, target_id, ip, device, time FROM audit_events WHERE action = 'auth.signed-in' ORDER BY seq DESC LIMIT 1")
    expect(audit).toEqual({ actor_id: m.personId, actor_role: 'admin', target_id: m.personId, ip: DEVICE.ip, device: DEVICE.device, time: t.clock.now() })
  })

  it('matches the email ignoring case and surrounding spaces', async () => {
    expect(await code(`  ${OWNER.email.toUpperCase()} `, OWNER.password)).toBe('OK')
  })

  it('gives an unknown email and a wrong password the same answer, and logs both', async () => {
    const m = await member()
    const wrong = await attempt(m.email, 'not-the-right-password')
    const unknown = await attempt('nobody-here@example.com', m.password)
    expect(wrong).toEqual({ ok: false, error: { code: 'UNAUTHENTICATED', message: 'Wrong email or password.' } })
    expect(unknown).toEqual(wrong)
    expect(await loginRows(m.email)).toMatchObject([{ result: 'failure', reason: 'wrong password', person_id: m.personId, account_id: accountId, ip: DEVICE.ip, device: DEVICE.device }])
    expect(await loginRows('nobody-here@example.com')).toMatchObject([{ result: 'failure', reason: 'unknown email', person_id: null, account_id: null, time: t.clock.now() }])
  })

  it('refuses deactivated and invited members, even with the right password, and logs why', async () => {
    const gone = await member('agent', 'deactivated')
    const invited = await member('agent', 'invited')
    expect(await attempt(gone.email, gone.password)).toEqual({ ok: false, error: { code: 'UNAUTHENTICATED', message: 'Your access to this account was deactivated.' } })
    expect(await attempt(invited.email, invited.password)).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED', message: /invitation/ } })
    expect(await loginRows(gone.email)).toMatchObject([{ result: 'failure', reason: 'member deactivated' }])
    expect(await loginRows(invited.email)).toMatchObject([{ result: 'failure', reason: 'member invited' }])
  })

  it('writes one login event for every attempt, good or bad', async () => {
    const m = await member()
    const before = ((await testDb(t.core).get('SELECT count(*) AS n FROM login_events')) as { n: number }).n
    const results = [await code(m.email, 'wrong-1'), await code(m.email, m.password), await code('who@example.com', 'x'), await code(m.email, 'wrong-2')]
    expect(results).toEqual(['UNAUTHENTICATED', 'OK', 'UNAUTHENTICATED', 'UNAUTHENTICATED'])
    expect(((await testDb(t.core).get('SELECT count(*) AS n FROM login_events')) as { n: number }).n).toBe(before + 4)
  })

  it('locks the identity for 15 minutes after five failures in 15 minutes, even for the right password', async () => {
    const m = await member()
    const codes: string[] = []
    for (let i = 0; i < 5; i++) {
      codes.push(await code(m.email, `wrong-${i}`))
      t.clock.advance(2 * MINUTE)
    }
    expect(codes).toEqual(['UNAUTHENTICATED', 'UNAUTHENTICATED', 'UNAUTHENTICATED', 'UNAUTHENTICATED', 'LOCKED'])
    const lockedAt = t.clock.now() - 2 * MINUTE
    const sixth = await attempt(m.email, m.password)
    expect(sixth).toMatchObject({ ok: false, error: { code: 'LOCKED', details: { lockedUntil: lockedAt + 15 * MINUTE } } })
    expect(!sixth.ok && sixth.error.message).toBe('Too many failed attempts: sign-in for this email is locked for 13 more minutes.')
    expect((await loginRows(m.email)).map((r) => [r.result, r.reason])).toEqual([
      ...Array.from({ length: 5 }, () => ['failure', 'wrong password']),
      ['locked', 'identity locked']
    ])
    // The lock is itself an audit event, by the system.
    const event = (await testDb(t.core).get("SELECT * FROM audit_events WHERE action = 'auth.locked' AND target_name = ?", m.email)) as Record<string, unknown>
    expect(event).toMatchObject({ actor_kind: 'system', actor_name: 'Gatehouse', account_id: accountId, target_type: 'identity', target_id: m.personId, ip: DEVICE.ip })
    expect(JSON.parse(event.after_json as string)).toEqual({ lockedUntil: lockedAt + 15 * MINUTE })
    expect((await verifyLedger(t.core.store.db)).ok).toBe(true)
    // Still locked one minute before the end...
    t.clock.set(lockedAt + 14 * MINUTE)
    expect(await attempt(m.email, m.password)).toMatchObject({ ok: false, error: { code: 'LOCKED', message: /1 more minute\./ } })
    // ...and open again when the 15 minutes are over.
    t.clock.set(lockedAt + 15 * MINUTE)
    expect(await code(m.email, m.password)).toBe('OK')
    expect(await testDb(t.core).get('SELECT count(*) AS n FROM identity_locks WHERE email = ?', m.email)).toEqual({ n: 0 })
  })

  it('cannot be overshot by a burst: twenty guesses at once record five failures, then the lock', async () => {
    const m = await member()
    const codes = await Promise.all(Array.from({ length: 20 }, (_, i) => code(i % 2 ? m.email.toUpperCase() : m.email, `burst-${i}`)))
    expect(codes.filter((c) => c === 'UNAUTHENTICATED')).toHaveLength(4)
    expect(codes.filter((c) => c === 'LOCKED')).toHaveLength(16)
    expect((await loginRows(m.email)).filter((r) => r.result === 'failure')).toHaveLength(5)
    expect(await code(m.email, m.password)).toBe('LOCKED')
  })

  it('counts failures whatever the case of the email', async () => {
    const m = await member()
    const variants = [m.email, m.email.toUpperCase(), ` ${m.email} `, m.email.replace('member', 'MEMBER'), m.email]
    const codes = []
    for (const email of variants) codes.push(await code(email, 'wrong-password'))
    expect(codes.at(-1)).toBe('LOCKED')
    expect(await code(m.email.toUpperCase(), m.password)).toBe('LOCKED')
  })

  it('does not lock for failures spread over more than 15 minutes', async () => {
    const m = await member()
    const codes = []
    for (let i = 0; i < 7; i++) {
      codes.push(await code(m.email, `wrong-${i}`))
      t.clock.advance(4 * MINUTE)
    }
    // Never more than four failures (at 4-minute intervals) inside any 15-minute window.
    expect(codes).toEqual(Array(7).fill('UNAUTHENTICATED'))
    expect(await code(m.email, m.password)).toBe('OK')
  })

  it('starts the count again after a successful sign-in', async () => {
    const m = await member()
    const codes = []
    for (let i = 0; i < 4; i++) codes.push(await code(m.email, 'wrong'))
    codes.push(await code(m.email, m.password))
    for (let i = 0; i < 4; i++) codes.push(await code(m.email, 'wrong'))
    expect(codes).toEqual([...Array(4).fill('UNAUTHENTICATED'), 'OK', ...Array(4).fill('UNAUTHENTICATED')])
    expect(await code(m.email, 'wrong')).toBe('LOCKED')
  })

  it('does not count the failures that set an expired lock again', async () => {
    const m = await member()
    for (let i = 0; i < 5; i++) await code(m.email, 'wrong')
    expect(await code(m.email, m.password)).toBe('LOCKED')
    t.clock.advance(15 * MINUTE)
    // One new failure is one failure, not six.
    expect(await code(m.email, 'wrong')).toBe('UNAUTHENTICATED')
    const codes = []
    for (let i = 0; i < 4; i++) codes.push(await code(m.email, 'wrong'))
    expect(codes).toEqual(['UNAUTHENTICATED', 'UNAUTHENTICATED', 'UNAUTHENTICATED', 'LOCKED'])
  })

  it('locks unknown emails too, so the answers do not reveal who has an account', async () => {
    const codes = []
    for (let i = 0; i < 5; i++) codes.push(await code('ghost@example.com', 'wrong'))
    expect(codes.at(-1)).toBe('LOCKED')
    expect(await testDb(t.core).get("SELECT count(*) AS n FROM audit_events WHERE action = 'auth.locked' AND target_name = 'ghost@example.com'")).toEqual({ n: 1 })
  })

  it('leaves other identities alone while one is locked', async () => {
    const locked = await member()
    const other = await member()
    for (let i = 0; i < 5; i++) await code(locked.email, 'wrong')
    expect(await code(locked.email, locked.password)).toBe('LOCKED')
    expect(await code(other.email, other.password)).toBe('OK')
    expect(await code(OWNER.email, OWNER.password)).toBe('OK')
  })

  it('records the connection the attempt came from', async () => {
    const m = await member()
    await attempt(m.email, m.password, { ...META, ip: '203.0.113.5', device: 'Gatehouse desktop on macOS' })
    expect(await loginRows(m.email)).toMatchObject([{ ip: '203.0.113.5', device: 'Gatehouse desktop on macOS' }])
  })
})
