import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openCore } from '../../../src/main/core/in-process'
import type { SecurityStatus } from '../../../src/shared/contract/security'
import { OWNER, openTestCore, rowCounts, setupAccount, testDb, type TestCore } from '../../support/core'
import { quickMember, sessionOf } from '../../support/users'

/** Settings → Security on both stores: the status the Owner reads, and replacing the recovery key. */
describe('security settings: store status and a new recovery key', () => {
  let t: TestCore
  let owner: string
  let firstKey: string
  beforeAll(async () => {
    t = await openTestCore()
    ;({ connectionId: owner, recoveryKey: firstKey } = await setupAccount(t.core))
  })
  afterAll(() => t.dispose())

  /** Opens a second core on the same store with this secret (and closes it): null when refused. */
  const opensWith = async (secret: string): Promise<string | null> => {
    // One writer at a time: the test's core steps aside while the secret is tried.
    await t.close()
    try {
      const other = await openCore({ dataDir: t.dir, store: t.core.store.dialect === 'postgres' ? (t.core.store as { readerSpec?: { url?: string } }).readerSpec?.url : undefined, keySource: { kind: 'passphrase', passphrase: secret }, tickMs: 0, create: false })
      await other.close()
      return null
    } catch (error) {
      return (error as Error).message
    } finally {
      t = await t.reopen()
      owner = await sessionOf(t.core, (await testDb(t.core).get<{ id: string }>("SELECT membership_id AS id FROM memberships WHERE role = 'owner'"))!.id)
    }
  }

  it('shows the Owner where the data and its key are kept', async () => {
    const result = await t.core.dispatch(owner, 'security:status', {})
    expect(result.ok).toBe(true)
    const status = (result as { value: SecurityStatus }).value
    expect(status.store.kind).toBe(t.core.store.dialect)
    expect(status.store.location).not.toMatch(/:[^/@]*@/) // no password in a URL
    expect(status.keys.passphrase).toMatchObject({ present: true })
    expect(status.keys.passphrase.scryptN).toBeGreaterThanOrEqual(2 ** 14)
    expect(status.keys.recovery).toMatchObject({ present: true, replacedAt: null, replacedBy: null })
    expect(status.keys.keychain.present).toBe(false)
    expect(status.ledger.events).toBeGreaterThan(0)
    expect(status.capabilities.replaceRecoveryKey).toBe(true)
  })

  it('refuses anyone but the Owner, and changes nothing', async () => {
    for (const role of ['admin', 'viewer', 'agent'] as const) {
      const m = await quickMember(t.core, { role })
      const connection = await sessionOf(t.core, m.membershipId)
      for (const channel of ['security:status', 'security:replace-recovery-key'] as const) {
        const result = await t.core.dispatch(connection, channel, channel === 'security:status' ? {} : { password: m.password })
        expect(result.ok ? 'ok' : result.error.code, `${role} ${channel}`).toBe('FORBIDDEN')
      }
    }
  })

  it('a wrong password is refused beside its field, counted toward the lock, and the old key still opens the store', async () => {
    const before = await t.core.store.readEnvelope()
    const result = await t.core.dispatch(owner, 'security:replace-recovery-key', { password: 'not the password' })
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.error.code).toBe('VALIDATION')
    expect(result.error.message).toBe('The password is wrong; the recovery key was not replaced.')
    expect(result.error.details).toMatchObject({ issues: [{ path: 'password', message: 'Wrong password' }] })
    expect(await t.core.store.readEnvelope()).toEqual(before)
    const failed = await testDb(t.core).all<{ action: string }>("SELECT action FROM audit_events WHERE action IN ('auth.reauth-failed', 'store.recovery-key-replaced')")
    expect(failed.map((r) => r.action)).toEqual(['auth.reauth-failed'])
    expect(await opensWith(firstKey)).toBeNull()
  })

  it('a new key replaces the old one: shown once, audited, it opens the store and the old one no longer does', async () => {
    const counts = await rowCounts(t.core)
    const result = await t.core.dispatch(owner, 'security:replace-recovery-key', { password: OWNER.password })
    expect(result.ok).toBe(true)
    const { recoveryKey } = (result as { value: { recoveryKey: string } }).value
    expect(recoveryKey).toMatch(/^[0-9A-Z]{5}(-[0-9A-Z]{5}){7}$/)
    expect(recoveryKey).not.toBe(firstKey)
    const after = await rowCounts(t.core)
    expect(after.audit_events).toBe(counts.audit_events! + 1)
    const event = await testDb(t.core).get<{ summary: string; actor_name: string }>("SELECT summary, actor_name FROM audit_events WHERE action = 'store.recovery-key-replaced'")
    expect(event).toMatchObject({ actor_name: OWNER.name })
    expect(event!.summary).toContain('the previous recovery key no longer opens the store')
    // The key itself is nowhere in the store.
    expect(JSON.stringify(await testDb(t.core).all('SELECT * FROM audit_events ORDER BY seq DESC LIMIT 3'))).not.toContain(recoveryKey)
    const status = (await t.core.dispatch(owner, 'security:status', {})) as { ok: true; value: SecurityStatus }
    expect(status.value.keys.recovery.replacedAt).toBe(t.clock.now())
    expect(status.value.keys.recovery.replacedBy).toBe(OWNER.name)
    expect(await opensWith(recoveryKey)).toBeNull()
    expect(await opensWith(recoveryKey.toLowerCase().replace(/-/g, ' '))).toBeNull()
    expect(await opensWith(firstKey)).toMatch(/Wrong passphrase/)
  })
})
