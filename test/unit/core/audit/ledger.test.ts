import { verify as verifySignature, createPublicKey } from 'node:crypto'
import canonicalize from 'canonicalize'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inject } from 'vitest'
import { canonicalEventJson, canonicalEventJsonReference, Ledger, treeHeadMessage, type AuditEntry, type AuditRow } from '../../../../src/main/core/audit/ledger'
import { verifyLedger } from '../../../../src/main/core/audit/verify'
import { leafHash, MerkleFrontier } from '../../../../src/main/core/audit/merkle'
import type { Executor } from '../../../../src/main/core/store/port'
import { call, OWNER, openTestCore, setupAccount, signIn, tempDir, testDb, testPostgresDatabase, TEST_STORE, type TestCore } from '../../../support/core'
import { ManualClock } from '../../../../src/main/core/clock'
import { compile, Rollback, tampered, type Statement } from '../../../support/tamper'

const HOUR = 3_600_000

describe('audit ledger', () => {
  let t: TestCore
  let accountId: string
  const entry = (i: number): AuditEntry => ({
    accountId,
    actor: { kind: 'member', id: 'p-test', name: 'Ledger Tester', email: 'tester@example.com', role: 'admin' },
    action: 'member.role-changed',
    summary: `Ledger Tester changed member ${i}'s role from agent to viewer.`,
    target: { type: 'member', id: `m-${i}`, name: `Member ${i}` },
    before: { role: 'agent', nested: { list: [1, 2, i] } },
    after: { role: 'viewer' },
    ip: '192.0.2.7',
    device: 'Firefox 145 on Linux'
  })
  // In one pass and cut into chunks of every small size: the same answer (the chunks' subtrees joined).
  const verify = async (q: Executor = t.core.store.db) => {
    const whole = await verifyLedger(q)
    for (const chunkSize of [1, 2, 4, 8]) expect(await verifyLedger(q, { chunkSize }), `chunks of ${chunkSize}`).toEqual(whole)
    return whole
  }

  beforeAll(async () => {
    t = await openTestCore()
    const { connectionId } = await setupAccount(t.core) // events 1-2, head at 2 ("init")
    accountId = (await testDb(t.core).get<{ account_id: string }>('SELECT account_id FROM accounts'))!.account_id
    await call(t.core, connectionId, 'auth:sign-out') // event 3
    await signIn(t.core, OWNER.email, OWNER.password) // event 4
    t.clock.advance(HOUR)
    await t.core.tx((tx) => t.core.ledger.appendMany(tx, [5, 6, 7, 8, 9, 10].map(entry)))
    await t.core.tx((tx) => t.core.ledger.signHead('on demand', tx)) // head at 10
    await t.core.tx((tx) => t.core.ledger.appendMany(tx, [11, 12, 13].map(entry))) // unsigned tail
  })
  afterAll(async () => t.dispose())

  it('verifies an intact ledger: count, signed heads, unsigned tail and the root', async () => {
    const result = await verify()
    expect(result).toMatchObject({ ok: true, count: 13, heads: 2, unsignedTail: 3 })
    const state = (await testDb(t.core).get<{ tree_size: number; frontier: Buffer }>('SELECT tree_size, frontier FROM ledger_state'))!
    expect(Number(state.tree_size)).toBe(13)
    expect(result.ok && result.root.equals(MerkleFrontier.decode(13, state.frontier).root())).toBe(true)
  })

  it('stores each event with the hash of its canonical JSON, covering every recorded field', async () => {
    const rows = await testDb(t.core).all<AuditRow>('SELECT * FROM audit_events ORDER BY seq')
    expect(rows.map((r) => Number(r.seq))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13])
    for (const row of rows) expect(leafHash(canonicalEventJson(row)).equals(row.leaf_hash), `seq ${row.seq}`).toBe(true)
    const json = JSON.parse(canonicalEventJson(rows[5]!))
    expect(json).toEqual({
      v: 1,
      seq: 6,
      accountId,
      time: rows[5]!.time,
      actor: { kind: 'member', id: 'p-test', name: 'Ledger Tester', email: 'tester@example.com', role: 'admin' },
      action: 'member.role-changed',
      summary: "Ledger Tester changed member 6's role from agent to viewer.",
      target: { type: 'member', id: 'm-6', name: 'Member 6' },
      before: { role: 'agent', nested: { list: [1, 2, 6] } },
      after: { role: 'viewer' },
      ip: '192.0.2.7',
      device: 'Firefox 145 on Linux'
    })
    // RFC 8785: keys sorted, no whitespace.
    expect(canonicalEventJson(rows[5]!)).toMatch(/^\{"accountId":"[^"]+","action":"member\.role-changed","actor":\{"email"/)
  })

  it('(a) names the sequence number of an event changed with SQL', async () => {
    const result = await tampered(t.core, ["UPDATE audit_events SET summary = 'x' WHERE seq = 3"], verify)
    expect(result).toMatchObject({ ok: false, seq: 3 })
    expect(!result.ok && result.message).toBe('Audit event 3 does not match its recorded hash: it was altered after it was written.')
    expect((await verify()).ok).toBe(true)
  })

  it('(a) notices a change to any column of an event', async () => {
    const edits: Record<string, string> = {
      account_id: 'NULL',
      time: 'time + 1',
      actor_kind: "'support'",
      actor_id: "'someone-else'",
      actor_name: "'Mallory'",
      actor_email: "'mallory@example.com'",
      actor_role: "'owner'",
      action: "'member.created'",
      summary: "summary || ' '",
      target_type: "'team'",
      target_id: "'m-999'",
      target_name: "'Somebody Else'",
      before_json: `'{"role":"admin"}'`,
      after_json: 'NULL',
      ip: "'203.0.113.9'",
      device: "'curl'"
    }
    for (const [column, value] of Object.entries(edits)) {
      const result = await tampered(t.core, [`UPDATE audit_events SET ${column} = ${value} WHERE seq = 7`], verify)
      expect(result, column).toMatchObject({ ok: false, seq: 7 })
    }
    const unreadable = await tampered(t.core, ["UPDATE audit_events SET after_json = '{not json' WHERE seq = 7"], verify)
    expect(unreadable).toMatchObject({ ok: false, seq: 7 })
    expect(!unreadable.ok && unreadable.message).toMatch(/Audit event 7 is unreadable/)
  })

  it('(b) names the range between two signed heads when an event and its hash were both rewritten', async () => {
    const result = await tampered(
      t.core,
      async (tx) => {
        // An attacker who knows the scheme: edit the row, then recompute its leaf the same way.
        await tx.executeQuery(compile(t.core, "UPDATE audit_events SET summary = 'Nothing happened.', actor_name = 'Nobody' WHERE seq = 6"))
        const row = (await tx.executeQuery<AuditRow>(compile(t.core, 'SELECT * FROM audit_events WHERE seq = 6'))).rows[0]!
        await tx.executeQuery(compile(t.core, ['UPDATE audit_events SET leaf_hash = ? WHERE seq = 6', leafHash(canonicalEventJson(row))]))
      },
      verify
    )
    expect(result).toMatchObject({ ok: false, range: [3, 10] })
    expect(!result.ok && result.message).toMatch(/^History was rewritten between sequence numbers 3 and 10: the root does not match the tree head signed at \d{4}-/)
  })

  it('(c) names the missing sequence number when a middle event is deleted', async () => {
    const result = await tampered(t.core, ['DELETE FROM audit_events WHERE seq = 5'], verify)
    expect(result).toMatchObject({ ok: false, seq: 5 })
    expect(!result.ok && result.message).toBe('Audit event 5 is missing (the next stored event is 6).')
  })

  it('(c) notices events renumbered to close the gap of a deleted one', async () => {
    // In two steps: PostgreSQL checks the primary key row by row.
    const result = await tampered(
      t.core,
      ['DELETE FROM audit_events WHERE seq = 5', 'UPDATE audit_events SET seq = -seq WHERE seq > 5', 'UPDATE audit_events SET seq = -seq - 1 WHERE seq < 0'],
      verify
    )
    expect(result).toMatchObject({ ok: false, seq: 5 })
  })

  it('(d) reports truncation when the newest events under a signed head are deleted', async () => {
    const result = await tampered(t.core, ['DELETE FROM audit_events WHERE seq >= 9'], verify)
    expect(result).toMatchObject({ ok: false, range: [9, 10] })
    expect(!result.ok && result.message).toBe('The log was truncated: a signed tree head covers 10 events but only 8 are present.')
  })

  it('(d) reports unsigned newest events that disappeared against the recorded ledger size', async () => {
    const result = await tampered(t.core, ['DELETE FROM audit_events WHERE seq >= 12'], verify)
    expect(result).toMatchObject({ ok: false, range: [12, 13] })
    expect(!result.ok && result.message).toBe('The ledger records 13 events but 11 are present.')
  })

  it('(e) fails on the signature when a signed head is altered', async () => {
    const edits: Statement[] = [
      ['UPDATE ledger_heads SET root = ? WHERE tree_size = 10', Buffer.alloc(32)],
      'UPDATE ledger_heads SET tree_size = 9 WHERE tree_size = 10',
      'UPDATE ledger_heads SET signed_at = signed_at + 1 WHERE tree_size = 10',
      ['UPDATE ledger_heads SET signature = ? WHERE tree_size = 10', Buffer.alloc(64)]
    ]
    for (const edit of edits) {
      const result = await tampered(t.core, [edit], verify)
      expect(result.ok, String(edit)).toBe(false)
      expect(!result.ok && result.message, String(edit)).toMatch(/^The signature of the tree head at size (10|9) does not verify/)
    }
    const keyGone = await tampered(t.core, ['DELETE FROM installation_keys'], verify)
    expect(!keyGone.ok && keyGone.message).toMatch(/signature of the tree head at size 2 does not verify/)
  })

  it('verifies beside a writer: events appended (and heads signed) while it reads are not reported as tampering', async () => {
    const other = await openTestCore()
    try {
      await setupAccount(other.core)
      await other.core.tx((tx) => other.core.ledger.appendMany(tx, Array.from({ length: 40 }, (_, i) => ({ ...entry(i), accountId: null }))))
      const verifying = verifyLedger(other.core.store.db)
      for (let i = 0; i < 30; i++) {
        await other.core.tx((tx) => other.core.ledger.append(tx, { ...entry(100 + i), accountId: null }))
        if (i % 10 === 0) await other.core.ledger.signHead('on demand')
      }
      expect(await verifying).toMatchObject({ ok: true })
      expect(await verifyLedger(other.core.store.db)).toMatchObject({ ok: true, count: 72 })
    } finally {
      await other.dispose()
    }
  })

  it('signs heads from the frontier alone (O(log n)), and latestHead returns the newest', async () => {
    const expected = await verify()
    if (!expected.ok) throw new Error(expected.message)
    // With every event row gone the head is still right: signing never reads the events.
    const head = await tampered(t.core, ['DELETE FROM audit_events'], async (tx) => {
      const signed = await t.core.ledger.signHead('test', tx)
      expect(await t.core.ledger.latestHead(tx)).toEqual(signed)
      return signed
    })
    expect(head.treeSize).toBe(13)
    expect(head.root.equals(expected.root)).toBe(true)
  })

  it('signs with the installation Ed25519 key kept inside the store', async () => {
    const head = await t.core.tx((tx) => t.core.ledger.signHead('on demand', tx))
    expect(await t.core.ledger.latestHead()).toEqual(head)
    const key = await testDb(t.core).all<{ key_id: string; public_key: Buffer }>("SELECT key_id, public_key FROM installation_keys WHERE purpose = 'ledger'")
    expect(key).toHaveLength(1)
    expect(head.keyId).toBe(key[0]!.key_id)
    const publicKey = createPublicKey({ key: key[0]!.public_key, format: 'der', type: 'spki' })
    expect(publicKey.asymmetricKeyType).toBe('ed25519')
    expect(verifySignature(null, treeHeadMessage(head.treeSize, head.root, head.signedAt), publicKey, head.signature)).toBe(true)
    expect(verifySignature(null, treeHeadMessage(head.treeSize + 1, head.root, head.signedAt), publicKey, head.signature)).toBe(false)
    expect(await verify()).toMatchObject({ ok: true, count: 13, heads: 3, unsignedTail: 0 })
  })

  it('appends only inside the transaction of the change, and a rolled-back change leaves no event', async () => {
    await expect(t.core.ledger.append(t.core.store.db, entry(99))).rejects.toThrow(/inside the mutation transaction/)
    const size = await t.core.ledger.size()
    await expect(
      t.core.tx(async (tx) => {
        await t.core.ledger.append(tx, entry(14))
        throw new Error('the change failed')
      })
    ).rejects.toThrow('the change failed')
    expect(await t.core.ledger.size()).toBe(size)
    expect(Number((await testDb(t.core).get<{ s: number }>('SELECT max(seq) AS s FROM audit_events'))!.s)).toBe(size)
    expect((await verify()).ok).toBe(true)
  })

  it('signs a daily head on tick once 24 hours have passed and the tree has grown', async () => {
    const heads = async () =>
      (await testDb(t.core).all<{ tree_size: number; reason: string }>('SELECT tree_size, reason FROM ledger_heads ORDER BY head_id')).map((h) => ({
        tree_size: Number(h.tree_size),
        reason: h.reason
      }))
    const before = (await heads()).length
    await t.core.tx((tx) => t.core.ledger.append(tx, entry(14)))
    t.clock.advance(23 * HOUR)
    await t.core.tick()
    expect(await heads()).toHaveLength(before)
    t.clock.advance(2 * HOUR)
    await t.core.tick()
    expect(await heads()).toHaveLength(before + 1)
    expect((await heads()).at(-1)).toEqual({ tree_size: 14, reason: 'daily' })
    expect((await t.core.ledger.latestHead())?.treeSize).toBe(14)
    // A day later with nothing new: nothing to sign.
    t.clock.advance(25 * HOUR)
    await t.core.tick()
    expect(await heads()).toHaveLength(before + 1)
    expect(await verify()).toMatchObject({ ok: true, count: 14, unsignedTail: 0 })
  })
})

describe('appends from several writers', () => {
  it('gives consecutive sequence numbers when ledgers with stale guesses append at once, with rollbacks between', async () => {
    // Each ledger keeps the state its last append left as a guess; the other's appends and its own
    // rolled-back ones make that guess stale, and the guarded write must notice and read afresh
    // (on PostgreSQL the transactions run at once on the pool's connections, under the row lock).
    const t = await openTestCore()
    try {
      const ledgers = [t.core.ledger, new Ledger(t.core.store, t.clock)]
      const event = (writer: number, i: number): AuditEntry => ({
        accountId: null,
        actor: { kind: 'system', id: null, name: 'Gatehouse', email: null, role: null },
        action: 'member.role-changed',
        summary: `writer ${writer} event ${i}`,
        target: { type: 'member', id: `m-${writer}-${i}`, name: null },
        ip: null,
        device: null
      })
      const start = await t.core.ledger.size()
      const appends = async (writer: number) => {
        const ledger = ledgers[writer]!
        for (let i = 0; i < 25; i++) {
          if (i % 5 === 4) {
            await expect(
              t.core.tx(async (tx) => {
                await ledger.append(tx, event(writer, -i))
                throw new Rollback()
              })
            ).rejects.toBeInstanceOf(Rollback)
          }
          await t.core.tx((tx) => (i % 7 === 3 ? ledger.appendMany(tx, [event(writer, i), event(writer, i + 100)]) : ledger.append(tx, event(writer, i))))
        }
      }
      await Promise.all([appends(0), appends(1)])
      const rows = await testDb(t.core).all<{ seq: number; summary: string }>('SELECT seq, summary FROM audit_events WHERE seq > ? ORDER BY seq', start)
      expect(rows.map((r) => Number(r.seq))).toEqual(Array.from({ length: 58 }, (_, i) => start + i + 1))
      expect(rows.filter((r) => r.summary.includes('event -'))).toEqual([])
      expect(await verifyLedger(t.core.store.db)).toMatchObject({ ok: true, count: start + 58 })
      expect(await ledgers[1]!.size()).toBe(start + 58)
    } finally {
      await t.dispose()
    }
  })
})

// Needs both stores in one run: the PostgreSQL server the test run starts (skipped when none is installed).
describe.skipIf(!inject('postgresUrl'))('the same ledger on both stores', () => {
  it('gives byte-identical leaves and identical tree roots for the same events', async () => {
    const { openCore } = await import('../../../../src/main/core/in-process')
    const entries: AuditEntry[] = Array.from({ length: 37 }, (_, i) => ({
      accountId: null,
      time: 1_750_000_000_000 + i * 1_000,
      actor: { kind: i % 3 === 0 ? 'system' : 'member', id: i % 3 === 0 ? null : `p-${i}`, name: `Ünïcode Näme ${i} 🙂`, email: i % 2 ? `p${i}@example.com` : null, role: i % 3 === 0 ? null : 'admin' },
      action: 'member.role-changed',
      summary: `Changed "role" of member ${i}\\n with 'quotes' and \u0007 control.`,
      target: { type: 'member', id: `m-${i}`, name: i % 4 ? `Member ${i}` : null },
      before: i % 5 ? { role: 'agent', n: i, nested: { b: [1, 2.5, -0, 1e21], a: 'z' } } : null,
      after: { role: 'viewer', big: Number.MAX_SAFE_INTEGER },
      ip: i % 2 ? '192.0.2.7' : null,
      device: i % 2 ? null : 'Firefox 145 on Linux'
    }))
    const stores = [undefined, await testPostgresDatabase()]
    const results: Array<{ leaves: string[]; root: string; head: string }> = []
    for (const store of stores) {
      const temp = tempDir()
      const core = await openCore({
        dataDir: temp.dir,
        store: store?.url,
        keySource: { kind: 'passphrase', passphrase: 'ledger parity passphrase' },
        clock: new ManualClock(1_750_000_000_000),
        tickMs: 0,
        checkOutputs: true
      })
      try {
        const start = await core.ledger.size()
        await core.tx((tx) => core.ledger.appendMany(tx, entries.slice(0, 20)))
        for (const e of entries.slice(20)) await core.tx((tx) => core.ledger.append(tx, e))
        const rows = await testDb(core).all<{ leaf_hash: Buffer }>('SELECT leaf_hash FROM audit_events WHERE seq > ? ORDER BY seq', start)
        const verified = await verifyLedger(core.store.db)
        if (!verified.ok) throw new Error(verified.message)
        const head = await core.ledger.signHead('parity')
        expect(start).toBe(0)
        results.push({ leaves: rows.map((r) => Buffer.from(r.leaf_hash).toString('hex')), root: verified.root.toString('hex'), head: Buffer.from(head.root).toString('hex') })
      } finally {
        await core.close()
        temp.remove()
        await store?.drop()
      }
    }
    expect(results[0]!.leaves).toHaveLength(37)
    expect(results[1]!.leaves).toEqual(results[0]!.leaves)
    expect(results[1]!.root).toBe(results[0]!.root)
    expect(results[1]!.head).toBe(results[0]!.head)
    expect(TEST_STORE === 'sqlite' || TEST_STORE === 'postgres').toBe(true)
  })
})

describe('canonical event JSON', () => {
  const text = fc.option(fc.string({ unit: 'binary' }), { nil: null })
  const json = fc.option(fc.jsonValue().map((v) => canonicalize(v)!), { nil: null })
  it('writes exactly the bytes RFC 8785 canonicalisation gives, for any event', () => {
    fc.assert(
      fc.property(
        fc.record({
          seq: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
          account_id: text,
          time: fc.integer({ min: 0, max: 4_102_444_800_000 }),
          actor_kind: fc.string({ unit: 'binary' }),
          actor_id: text,
          actor_name: fc.string({ unit: 'binary' }),
          actor_email: text,
          actor_role: text,
          action: fc.string({ unit: 'binary' }),
          summary: fc.string({ unit: 'binary' }),
          target_type: fc.string({ unit: 'binary' }),
          target_id: text,
          target_name: text,
          before_json: json,
          after_json: json,
          ip: text,
          device: text
        }),
        (row) => canonicalEventJson(row) === canonicalEventJsonReference(row)
      ),
      { numRuns: 2000 }
    )
  })
})
