import { verify as verifySignature, createPublicKey } from 'node:crypto'
import canonicalize from 'canonicalize'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { canonicalEventJson, canonicalEventJsonReference, treeHeadMessage, verifyLedger, type AuditEntry, type AuditRow } from '../../../../src/main/core/audit/ledger'
import { leafHash, MerkleFrontier } from '../../../../src/main/core/audit/merkle'
import type { Db } from '../../../../src/main/core/store/connection'
import { call, OWNER, openTestCore, setupAccount, signIn, type TestCore } from '../../../support/core'

const HOUR = 3_600_000

/** Run `sql` in a savepoint, hand the tampered database to `check`, then undo the tampering. */
function tampered<T>(db: Db, sql: string | (() => void), check: () => T): T {
  db.exec('SAVEPOINT tamper')
  try {
    if (typeof sql === 'string') db.exec(sql)
    else sql()
    return check()
  } finally {
    db.exec('ROLLBACK TO tamper; RELEASE tamper')
  }
}

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

  beforeAll(async () => {
    t = openTestCore()
    const { connectionId } = await setupAccount(t.core) // events 1-2, head at 2 ("init")
    accountId = (t.core.db.prepare('SELECT account_id FROM accounts').get() as { account_id: string }).account_id
    await call(t.core, connectionId, 'auth:sign-out') // event 3
    await signIn(t.core, OWNER.email, OWNER.password) // event 4
    t.clock.advance(HOUR)
    t.core.tx(() => t.core.ledger.appendMany([5, 6, 7, 8, 9, 10].map(entry)))
    t.core.tx(() => t.core.ledger.signHead('on demand')) // head at 10
    t.core.tx(() => t.core.ledger.appendMany([11, 12, 13].map(entry))) // unsigned tail
  })
  afterAll(() => t.dispose())

  it('verifies an intact ledger: count, signed heads, unsigned tail and the root', () => {
    const result = verifyLedger(t.core.db)
    expect(result).toMatchObject({ ok: true, count: 13, heads: 2, unsignedTail: 3 })
    const state = t.core.db.prepare('SELECT tree_size, frontier FROM ledger_state').get() as { tree_size: number; frontier: Buffer }
    expect(state.tree_size).toBe(13)
    expect(result.ok && result.root.equals(MerkleFrontier.decode(13, state.frontier).root())).toBe(true)
  })

  it('stores each event with the hash of its canonical JSON, covering every recorded field', () => {
    const rows = t.core.db.prepare('SELECT * FROM audit_events ORDER BY seq').all() as AuditRow[]
    expect(rows.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13])
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

  it('(a) names the sequence number of an event changed with SQL', () => {
    const result = tampered(t.core.db, "UPDATE audit_events SET summary = 'x' WHERE seq = 3", () => verifyLedger(t.core.db))
    expect(result).toMatchObject({ ok: false, seq: 3 })
    expect(!result.ok && result.message).toBe('Audit event 3 does not match its recorded hash: it was altered after it was written.')
    expect(verifyLedger(t.core.db).ok).toBe(true)
  })

  it('(a) notices a change to any column of an event', () => {
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
      const result = tampered(t.core.db, `UPDATE audit_events SET ${column} = ${value} WHERE seq = 7`, () => verifyLedger(t.core.db))
      expect(result, column).toMatchObject({ ok: false, seq: 7 })
    }
    const unreadable = tampered(t.core.db, "UPDATE audit_events SET after_json = '{not json' WHERE seq = 7", () => verifyLedger(t.core.db))
    expect(unreadable).toMatchObject({ ok: false, seq: 7 })
    expect(!unreadable.ok && unreadable.message).toMatch(/Audit event 7 is unreadable/)
  })

  it('(b) names the range between two signed heads when an event and its hash were both rewritten', () => {
    const result = tampered(
      t.core.db,
      () => {
        // An attacker who knows the scheme: edit the row, then recompute its leaf the same way.
        t.core.db.prepare("UPDATE audit_events SET summary = 'Nothing happened.', actor_name = 'Nobody' WHERE seq = 6").run()
        const row = t.core.db.prepare('SELECT * FROM audit_events WHERE seq = 6').get() as AuditRow
        t.core.db.prepare('UPDATE audit_events SET leaf_hash = ? WHERE seq = 6').run(leafHash(canonicalEventJson(row)))
      },
      () => verifyLedger(t.core.db)
    )
    expect(result).toMatchObject({ ok: false, range: [3, 10] })
    expect(!result.ok && result.message).toMatch(/^History was rewritten between sequence numbers 3 and 10: the root does not match the tree head signed at \d{4}-/)
  })

  it('(c) names the missing sequence number when a middle event is deleted', () => {
    const result = tampered(t.core.db, 'DELETE FROM audit_events WHERE seq = 5', () => verifyLedger(t.core.db))
    expect(result).toMatchObject({ ok: false, seq: 5 })
    expect(!result.ok && result.message).toBe('Audit event 5 is missing (the next stored event is 6).')
  })

  it('(c) notices events renumbered to close the gap of a deleted one', () => {
    const result = tampered(t.core.db, 'DELETE FROM audit_events WHERE seq = 5; UPDATE audit_events SET seq = seq - 1 WHERE seq > 5', () =>
      verifyLedger(t.core.db)
    )
    expect(result).toMatchObject({ ok: false, seq: 5 })
  })

  it('(d) reports truncation when the newest events under a signed head are deleted', () => {
    const result = tampered(t.core.db, 'DELETE FROM audit_events WHERE seq >= 9', () => verifyLedger(t.core.db))
    expect(result).toMatchObject({ ok: false, range: [9, 10] })
    expect(!result.ok && result.message).toBe('The log was truncated: a signed tree head covers 10 events but only 8 are present.')
  })

  it('(d) reports unsigned newest events that disappeared against the recorded ledger size', () => {
    const result = tampered(t.core.db, 'DELETE FROM audit_events WHERE seq >= 12', () => verifyLedger(t.core.db))
    expect(result).toMatchObject({ ok: false, range: [12, 13] })
    expect(!result.ok && result.message).toBe('The ledger records 13 events but 11 are present.')
  })

  it('(e) fails on the signature when a signed head is altered', () => {
    for (const edit of ['root = zeroblob(32)', 'tree_size = 9', 'signed_at = signed_at + 1', 'signature = zeroblob(64)']) {
      const result = tampered(t.core.db, `UPDATE ledger_heads SET ${edit} WHERE tree_size = 10`, () => verifyLedger(t.core.db))
      expect(result.ok, edit).toBe(false)
      expect(!result.ok && result.message, edit).toMatch(/^The signature of the tree head at size (10|9) does not verify/)
    }
    const keyGone = tampered(t.core.db, 'DELETE FROM installation_keys', () => verifyLedger(t.core.db))
    expect(!keyGone.ok && keyGone.message).toMatch(/signature of the tree head at size 2 does not verify/)
  })

  it('signs heads from the frontier alone (O(log n)), and latestHead returns the newest', () => {
    const expected = verifyLedger(t.core.db)
    if (!expected.ok) throw new Error(expected.message)
    // With every event row gone the head is still right: signing never reads the events.
    const head = tampered(t.core.db, 'DELETE FROM audit_events', () => {
      const signed = t.core.ledger.signHead('test')
      expect(t.core.ledger.latestHead()).toEqual(signed)
      return signed
    })
    expect(head.treeSize).toBe(13)
    expect(head.root.equals(expected.root)).toBe(true)
  })

  it('signs with the installation Ed25519 key kept inside the store', () => {
    const head = t.core.tx(() => t.core.ledger.signHead('on demand'))
    expect(t.core.ledger.latestHead()).toEqual(head)
    const key = t.core.db.prepare("SELECT key_id, public_key FROM installation_keys WHERE purpose = 'ledger'").all() as Array<{ key_id: string; public_key: Buffer }>
    expect(key).toHaveLength(1)
    expect(head.keyId).toBe(key[0]!.key_id)
    const publicKey = createPublicKey({ key: key[0]!.public_key, format: 'der', type: 'spki' })
    expect(publicKey.asymmetricKeyType).toBe('ed25519')
    expect(verifySignature(null, treeHeadMessage(head.treeSize, head.root, head.signedAt), publicKey, head.signature)).toBe(true)
    expect(verifySignature(null, treeHeadMessage(head.treeSize + 1, head.root, head.signedAt), publicKey, head.signature)).toBe(false)
    expect(verifyLedger(t.core.db)).toMatchObject({ ok: true, count: 13, heads: 3, unsignedTail: 0 })
  })

  it('appends only inside the transaction of the change, and a rolled-back change leaves no event', () => {
    expect(() => t.core.ledger.append(entry(99))).toThrow(/inside the mutation transaction/)
    const size = t.core.ledger.size()
    expect(() =>
      t.core.tx(() => {
        t.core.ledger.append(entry(14))
        throw new Error('the change failed')
      })
    ).toThrow('the change failed')
    expect(t.core.ledger.size()).toBe(size)
    expect(t.core.db.prepare('SELECT max(seq) AS s FROM audit_events').get()).toEqual({ s: size })
    expect(verifyLedger(t.core.db).ok).toBe(true)
  })

  it('signs a daily head on tick once 24 hours have passed and the tree has grown', () => {
    const heads = () => t.core.db.prepare('SELECT tree_size, reason FROM ledger_heads ORDER BY head_id').all() as Array<{ tree_size: number; reason: string }>
    const before = heads().length
    t.core.tx(() => t.core.ledger.append(entry(14)))
    t.clock.advance(23 * HOUR)
    t.core.tick()
    expect(heads()).toHaveLength(before)
    t.clock.advance(2 * HOUR)
    t.core.tick()
    expect(heads()).toHaveLength(before + 1)
    expect(heads().at(-1)).toEqual({ tree_size: 14, reason: 'daily' })
    expect(t.core.ledger.latestHead()?.treeSize).toBe(14)
    // A day later with nothing new: nothing to sign.
    t.clock.advance(25 * HOUR)
    t.core.tick()
    expect(heads()).toHaveLength(before + 1)
    expect(verifyLedger(t.core.db)).toMatchObject({ ok: true, count: 14, unsignedTail: 0 })
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
