import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AuditEntry } from '../../../../src/main/core/audit/ledger'
import { verifyConsistency } from '../../../../src/main/core/audit/merkle'
import { verifyAppended, verifyLedger, type VerifyCheckpoint } from '../../../../src/main/core/audit/verify'
import { openTestCore, setupAccount, testDb, type TestCore } from '../../../support/core'
import { tampered } from '../../../support/tamper'

describe('incremental verify: only what was appended since the last passing verify', () => {
  let t: TestCore
  let accountId: string
  let since: VerifyCheckpoint
  const entry = (i: number): AuditEntry => ({
    accountId,
    actor: { kind: 'system', id: null, name: 'Gatehouse', email: null, role: null },
    action: 'member.role-changed',
    summary: `Event ${i}.`,
    target: { type: 'member', id: `m-${i}`, name: `Member ${i}` },
    after: { i },
    ip: null,
    device: null
  })
  const append = (from: number, count: number) => t.core.tx((tx) => t.core.ledger.appendMany(tx, Array.from({ length: count }, (_, i) => entry(from + i))))
  const sign = () => t.core.tx((tx) => t.core.ledger.signHead('on demand', tx))

  beforeAll(async () => {
    t = await openTestCore()
    await setupAccount(t.core) // events 1-2, head at 2
    accountId = (await testDb(t.core).get<{ account_id: string }>('SELECT account_id FROM accounts'))!.account_id
    await append(3, 298)
    await sign() // head at 300
    const full = await verifyLedger(t.core.store.db)
    if (!full.ok || !full.checkpoint) throw new Error('the full verify did not pass')
    since = full.checkpoint
    await append(301, 500)
    await sign() // head at 800
    await append(801, 500)
    await sign() // head at 1300
    await append(1301, 7) // unsigned tail
  })
  afterAll(async () => t.dispose())

  it('a full verify records where it stopped: the newest signed head and the frontier there', () => {
    expect(since).toMatchObject({ size: 300 })
    expect(since.frontier.length).toBe(32 * 4) // 300 = 256 + 32 + 8 + 4
  })

  it('checks the 1,007 events since, the two newer heads, and a consistency proof from 300 to 1,300', async () => {
    const result = await verifyAppended(t.core.store.db, since)
    expect(result).toMatchObject({ ok: true, from: 300, to: 1307, checked: 1007, heads: 2, count: 1307, unsignedTail: 7 })
    if (!result.ok) return
    expect(result.checkpoint.size).toBe(1300)
    expect(result.proof.length).toBeGreaterThan(0)
    expect(verifyConsistency(300, 1300, result.proof, since.root, result.checkpoint.root)).toBe(true)
    // The next incremental run starts where this one stopped, and finds the same root the full verify does.
    const next = await verifyAppended(t.core.store.db, result.checkpoint)
    expect(next).toMatchObject({ ok: true, from: 1300, checked: 7, heads: 0 })
    const full = await verifyLedger(t.core.store.db)
    expect(full.ok && next.ok && full.checkpoint!.frontier.equals(next.checkpoint.frontier)).toBe(true)
  })

  it('names an appended event that was altered, or is missing', async () => {
    const altered = await tampered(t.core, ["UPDATE audit_events SET summary = 'x' WHERE seq = 777"], (tx) => verifyAppended(tx, since))
    expect(altered).toMatchObject({ ok: false, seq: 777, message: 'Audit event 777 does not match its recorded hash: it was altered after it was written.' })
    const missing = await tampered(t.core, ['DELETE FROM audit_events WHERE seq = 900'], (tx) => verifyAppended(tx, since))
    expect(missing).toMatchObject({ ok: false, seq: 900, message: 'Audit event 900 is missing (the next stored event is 901).' })
  })

  it('an event before the checkpoint is not read (a full verify finds it)', async () => {
    const [incremental, full] = await tampered(t.core, ["UPDATE audit_events SET summary = 'x' WHERE seq = 5"], async (tx) => [await verifyAppended(tx, since), await verifyLedger(tx)] as const)
    expect(incremental.ok).toBe(true)
    expect(full).toMatchObject({ ok: false, seq: 5 })
  })

  it('refuses a record whose frontier or root is not that of the signed head at its size', async () => {
    const frontier = Buffer.from(since.frontier)
    frontier[40]! ^= 1
    expect(await verifyAppended(t.core.store.db, { ...since, frontier })).toMatchObject({ ok: false, message: expect.stringMatching(/^The tree head signed at size 300 is not the one the last verify passed/) })
    expect(await verifyAppended(t.core.store.db, { ...since, frontier: frontier.subarray(0, 40) })).toMatchObject({ ok: false, message: expect.stringMatching(/does not describe a tree of 300 events/) })
    expect(await verifyAppended(t.core.store.db, { ...since, size: 299 })).toMatchObject({ ok: false, message: expect.stringMatching(/No signed tree head covers 299 events/) })
  })

  it('notices a rewritten newer head, a removed old head and a truncated log', async () => {
    const rewritten = await tampered(t.core, ['DELETE FROM audit_events WHERE seq > 1000', "UPDATE ledger_state SET tree_size = 1000"], (tx) => verifyAppended(tx, since))
    expect(rewritten).toMatchObject({ ok: false, message: expect.stringMatching(/^The log was truncated: a signed tree head covers 1300 events but the ledger records 1000/) })
    const removed = await tampered(t.core, ['DELETE FROM ledger_heads WHERE tree_size = 300'], (tx) => verifyAppended(tx, since))
    expect(removed).toMatchObject({ ok: false, message: expect.stringMatching(/No signed tree head covers 300 events/) })
  })
})
