import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ROLE_PERMISSIONS } from '../../../../src/shared/permissions'
import { verifyLedger } from '../../../../src/main/core/audit/verify'
import { envelopePath } from '../../../../src/main/core/store/key-envelope'
import { call, fileDigests, META, OWNER, openTestCore, rowCounts, testDb, TEST_STORE, type TestCore } from '../../../support/core'

const VALID = {
  accountName: 'Acme Support',
  plan: 'trial',
  seats: 12,
  ownerName: OWNER.name,
  ownerEmail: OWNER.email,
  ownerPassword: OWNER.password
}

describe('first-run setup', () => {
  let t: TestCore
  let connectionId: string

  // The key envelope: keys.json beside the file on SQLite, a row in the database on PostgreSQL.
  const envelope = () => t.core.store.readEnvelope()

  beforeAll(async () => {
    t = await openTestCore()
    connectionId = t.core.connect(META)
  })
  afterAll(() => t.dispose())

  it('reports an uninitialised store before setup', async () => {
    expect(await call(t.core, connectionId, 'auth:status')).toEqual({ initialized: false, accounts: [], session: null })
  })

  const refused: Array<[string, Partial<typeof VALID>, RegExp]> = [
    ['a password under 12 characters', { ownerPassword: 'eleven-char' }, /at least 12 characters/],
    ['the email as the password', { ownerPassword: OWNER.email }, /not be your email/],
    ['the email as the password, in capitals', { ownerPassword: OWNER.email.toUpperCase() }, /not be your email/],
    ['a common password', { ownerPassword: 'password1234' }, /commonly used/],
    ['a blank account name', { accountName: '   ' }, /account name/],
    ['no seats', { seats: 0 }, /seat/],
    ['an invalid email', { ownerEmail: 'olivia-at-example.com' }, /valid email/]
  ]
  for (const [what, change, message] of refused) {
    it(`refuses ${what} with VALIDATION and writes nothing`, async () => {
      const rows = await rowCounts(t.core)
      const files = fileDigests(t.dir)
      const slots = (await envelope())?.slots
      const result = await t.core.dispatch(connectionId, 'auth:setup', { ...VALID, ...change })
      expect(result.ok).toBe(false)
      expect(!result.ok && result.error.code).toBe('VALIDATION')
      expect(!result.ok && result.error.message).toMatch(message)
      expect(await rowCounts(t.core)).toEqual(rows)
      expect(rows).toMatchObject({ accounts: 0, persons: 0, memberships: 0, audit_events: 0, login_events: 0 })
      expect((await envelope())?.slots.recovery).toBeUndefined()
      expect((await envelope())?.slots).toEqual(slots)
      expect(fileDigests(t.dir)['keys.json']).toBe(files['keys.json'])
    })
  }

  it('creates the account, the Owner, the first audit events and the first signed head', async () => {
    const result = await call<{ recoveryKey: string; session: { principal: Record<string, unknown>; permissions: string[]; idleTimeoutMinutes: number } }>(
      t.core,
      connectionId,
      'auth:setup',
      { ...VALID, accountName: '  Acme Support  ', ownerEmail: `  ${OWNER.email}  ` }
    )
    expect(result.session.principal).toMatchObject({ kind: 'member', name: OWNER.name, email: OWNER.email, role: 'owner', accountName: 'Acme Support', plan: 'trial' })
    expect(result.session.permissions).toEqual([...ROLE_PERMISSIONS.owner])
    expect(result.session.idleTimeoutMinutes).toBe(30)
    const db = testDb(t.core)
    expect(await rowCounts(t.core)).toMatchObject({ accounts: 1, persons: 1, memberships: 1, audit_events: 2, login_events: 1, sessions: 1, ledger_heads: 1, installation_keys: 1 })
    expect(await db.get('SELECT name, plan, seats FROM accounts')).toEqual({ name: 'Acme Support', plan: 'trial', seats: 12 })
    expect(await db.get('SELECT role, status, last_login_at FROM memberships')).toEqual({ role: 'owner', status: 'active', last_login_at: t.clock.now() })
    const person = (await db.get('SELECT email, name, password_hash FROM persons')) as { email: string; name: string; password_hash: string }
    expect(person).toMatchObject({ email: OWNER.email, name: OWNER.name })
    expect(person.password_hash).toMatch(/^scrypt\$/)
    expect(person.password_hash).not.toContain(OWNER.password)
    const events = await db.all('SELECT seq, action, actor_kind, actor_name, actor_email, actor_role, target_type, ip, device FROM audit_events ORDER BY seq')
    expect(events).toEqual([
      { seq: 1, action: 'account.created', actor_kind: 'member', actor_name: OWNER.name, actor_email: OWNER.email, actor_role: 'owner', target_type: 'account', ip: META.ip, device: META.device },
      { seq: 2, action: 'member.created', actor_kind: 'member', actor_name: OWNER.name, actor_email: OWNER.email, actor_role: 'owner', target_type: 'member', ip: META.ip, device: META.device }
    ])
    expect(await db.all('SELECT tree_size, reason FROM ledger_heads')).toEqual([{ tree_size: 2, reason: 'init' }])
    expect(await db.get('SELECT result, reason, email_tried, time FROM login_events')).toEqual({
      result: 'success',
      reason: 'first-run setup',
      email_tried: OWNER.email,
      time: t.clock.now()
    })
    expect(await verifyLedger(t.core.store.db)).toMatchObject({ ok: true, count: 2, heads: 1, unsignedTail: 0 })
    // The recovery slot is written into the key envelope once the account exists.
    expect(Object.keys((await envelope())!.slots).sort()).toEqual(['passphrase', 'recovery'])
    expect(JSON.stringify(await envelope())).not.toContain(result.recoveryKey)
    if (TEST_STORE === 'sqlite') expect(readFileSync(envelopePath(t.dir), 'utf8')).not.toContain(result.recoveryKey)
  })

  it('shows the Owner signed in on the setup connection and nobody on another', async () => {
    const status = await call<{ initialized: boolean; accounts: Array<{ name: string }>; session: { principal: { email: string } } | null }>(
      t.core,
      connectionId,
      'auth:status'
    )
    expect(status.initialized).toBe(true)
    expect(status.accounts.map((a) => a.name)).toEqual(['Acme Support'])
    expect(status.session?.principal.email).toBe(OWNER.email)
    const other = t.core.connect(META)
    expect(await call(t.core, other, 'auth:status')).toMatchObject({ initialized: true, session: null })
  })

  it('refuses a second setup with CONFLICT, from any connection, and writes nothing', async () => {
    const rows = await rowCounts(t.core)
    const files = fileDigests(t.dir)
    const before = await envelope()
    for (const conn of [connectionId, t.core.connect(META)]) {
      const result = await t.core.dispatch(conn, 'auth:setup', { ...VALID, accountName: 'Second Account', ownerEmail: 'someone@example.com' })
      expect(result).toEqual({ ok: false, error: { code: 'CONFLICT', message: 'Gatehouse is already set up; sign in instead.' } })
    }
    expect(await rowCounts(t.core)).toEqual(rows)
    expect(fileDigests(t.dir)['keys.json']).toBe(files['keys.json'])
    expect(await envelope()).toEqual(before)
  })

  it('refuses concurrent setups: exactly one wins', async () => {
    const fresh = await openTestCore()
    try {
      const [a, b] = await Promise.all([
        fresh.core.dispatch(fresh.core.connect(META), 'auth:setup', VALID),
        fresh.core.dispatch(fresh.core.connect(META), 'auth:setup', { ...VALID, ownerEmail: 'other@example.com' })
      ])
      expect([a.ok, b.ok].sort()).toEqual([false, true])
      expect([a, b].find((r) => !r.ok)).toMatchObject({ ok: false, error: { code: 'CONFLICT' } })
      expect(await rowCounts(fresh.core)).toMatchObject({ accounts: 1, persons: 1, memberships: 1, audit_events: 2 })
    } finally {
      await fresh.dispose()
    }
  })
})
