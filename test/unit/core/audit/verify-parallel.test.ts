import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AuditEntry, AuditRow } from '../../../../src/main/core/audit/ledger'
import { canonicalEventJson } from '../../../../src/main/core/audit/ledger'
import { leafHash } from '../../../../src/main/core/audit/merkle'
import { verifyLedger } from '../../../../src/main/core/audit/verify'
import { openTestCore, setupAccount, testDb, type TestCore } from '../../../support/core'

/**
 * The verify on worker threads with read-only connections of their own (as `gatehouse audit verify`
 * runs it on a large ledger), cut into small chunks here so a short ledger spans many: the same
 * answers as one pass on the caller's connection, for an intact ledger and for each kind of fault.
 */
describe('audit verify on worker threads', () => {
  let t: TestCore
  beforeAll(async () => {
    t = await openTestCore()
    await setupAccount(t.core)
    const accountId = (await testDb(t.core).get<{ account_id: string }>('SELECT account_id FROM accounts'))!.account_id
    const entry = (i: number): AuditEntry => ({
      accountId,
      actor: { kind: 'member', id: 'p', name: 'Verifier', email: 'v@example.com', role: 'admin' },
      action: 'member.role-changed',
      summary: `Event ${i} — “quoted” ünïcode 🙂`,
      target: { type: 'member', id: `m-${i}`, name: `Member ${i}` },
      before: { role: 'agent', i },
      after: { role: 'viewer' },
      ip: null,
      device: null
    })
    // 300 events, heads at several sizes (one on a chunk boundary, one inside a chunk), an unsigned tail.
    for (const [from, to] of [[3, 64], [65, 130], [131, 290], [291, 300]] as const) {
      await t.core.tx((tx) => t.core.ledger.appendMany(tx, Array.from({ length: to - from + 1 }, (_, k) => entry(from + k))))
      if (to < 300) await t.core.tx((tx) => t.core.ledger.signHead('on demand', tx))
    }
  })
  afterAll(async () => t.dispose())

  const both = async () => {
    const here = await verifyLedger(t.core.store.db)
    const progress: number[] = []
    const threads = await verifyLedger(t.core.store.db, { reader: t.core.store.readerSpec!, workers: 2, chunkSize: 16, onProgress: (done) => progress.push(done) })
    const { workers, ...rest } = threads as typeof threads & { workers?: number }
    const { workers: _none, ...expected } = here as typeof here & { workers?: number }
    expect(rest).toEqual(expected)
    return { result: threads, workers, progress }
  }
  const db = () => testDb(t.core)

  it('verifies an intact ledger with two workers, reporting progress', async () => {
    const { result, workers, progress } = await both()
    expect(result).toMatchObject({ ok: true, count: 300, heads: 4, unsignedTail: 10 })
    expect(workers).toBe(2)
    expect(Math.max(...progress)).toBe(300)
  })

  it('names an altered event, one whose hash was recomputed (the range between heads), and a deleted one', async () => {
    const original = (await db().get<{ summary: string; leaf_hash: Buffer }>('SELECT summary, leaf_hash FROM audit_events WHERE seq = 150'))!
    await db().run("UPDATE audit_events SET summary = 'Nothing happened.' WHERE seq = 150")
    expect((await both()).result).toMatchObject({ ok: false, seq: 150, message: 'Audit event 150 does not match its recorded hash: it was altered after it was written.' })
    const row = (await db().get<AuditRow>('SELECT * FROM audit_events WHERE seq = 150'))!
    await db().run('UPDATE audit_events SET leaf_hash = ? WHERE seq = 150', leafHash(canonicalEventJson(row)))
    expect((await both()).result).toMatchObject({ ok: false, range: [131, 290] })
    await db().run('UPDATE audit_events SET summary = ?, leaf_hash = ? WHERE seq = 150', original.summary, original.leaf_hash)
    expect((await both()).result.ok).toBe(true)

    await db().run('DELETE FROM audit_events WHERE seq = 33')
    expect((await both()).result).toMatchObject({ ok: false, seq: 33, message: 'Audit event 33 is missing (the next stored event is 34).' })
    // A whole chunk gone (17..32): the gap is named at its first event.
    await db().run('DELETE FROM audit_events WHERE seq BETWEEN 17 AND 32')
    expect((await both()).result).toMatchObject({ ok: false, seq: 17, message: 'Audit event 17 is missing (the next stored event is 34).' })
    await db().run('DELETE FROM audit_events WHERE seq > 16')
    expect((await both()).result).toMatchObject({ ok: false, message: 'The log was truncated: a signed tree head covers 64 events but only 16 are present.' })
  })
})

describe("the database's canonical JSON of an event", () => {
  it('is byte for byte the ledger\'s, for any well-formed text in every column (control characters, quotes, backslashes, emoji, U+2028)', async () => {
    const t = await openTestCore()
    try {
      await setupAccount(t.core)
      // No NUL: PostgreSQL text cannot hold it (a store-wide limit, not the verify's).
      const text = fc.string({ unit: 'grapheme', maxLength: 40 }).map((s) => s.replaceAll('\u0000', ''))
      const tricky = fc.constantFrom('"', '\\', '\u0001\u001f', '\b\f\n\r\t', '\u2028\u2029', '\u007f', 'é', '🙂', '</script>')
      const value = fc.oneof(text, tricky, fc.constant(null))
      const entries = fc.sample(
        fc.record({ name: fc.oneof(text, tricky), summary: fc.oneof(text, tricky), email: value, id: value, target: value, ip: value, device: value, n: fc.integer() }),
        { numRuns: 300, seed: 7 }
      )
      await t.core.tx((tx) =>
        t.core.ledger.appendMany(
          tx,
          entries.map(
            (e): AuditEntry => ({
              accountId: null,
              actor: { kind: 'system', id: e.id, name: e.name, email: e.email, role: null },
              action: 'member.role-changed',
              summary: e.summary,
              target: { type: 'member', id: e.target, name: e.name },
              before: { text: e.summary, n: e.n, nested: [e.name, null, true] },
              after: e.email === null ? undefined : { email: e.email },
              ip: e.ip,
              device: e.device
            })
          )
        )
      )
      expect(await verifyLedger(t.core.store.db)).toMatchObject({ ok: true, count: 302 })
      // And through the verify workers' direct statement (SQLite) or their own connections (PostgreSQL).
      expect(await verifyLedger(t.core.store.db, { reader: t.core.store.readerSpec!, workers: 2, chunkSize: 64 })).toMatchObject({ ok: true, count: 302 })
    } finally {
      await t.dispose()
    }
  })
})
