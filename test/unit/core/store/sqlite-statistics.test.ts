import { describe, expect, it } from 'vitest'
import type { AuditEntry } from '../../../../src/main/core/audit/ledger'
import { openTestCore, setupAccount, sqliteOf, TEST_STORE } from '../../../support/core'

/**
 * The planner's statistics follow a table that grew without being read: a demo (or an import)
 * appends thousands of audit events to a table whose statistics were taken when it held two, and
 * with those a range of sequence numbers was read by scanning the table from its start (a verify
 * of a million events took minutes).
 */
// Skipped in the postgres project: these are SQLite's planner statistics (PRAGMA optimize); PostgreSQL has its own ANALYZE.
describe.skipIf(TEST_STORE !== 'sqlite')('SQLite statistics', () => {
  it('are refreshed for every table that grew tenfold, so a range of events is a search by key', async () => {
    let t = await openTestCore()
    try {
      await setupAccount(t.core)
      // Closing and opening takes the statistics of the two-event table.
      t = await t.reopen()
      const plan = () =>
        (sqliteOf(t.core).prepare('EXPLAIN QUERY PLAN SELECT * FROM audit_events WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT 5000').all(1, 2) as Array<{ detail: string }>).map((r) => r.detail)
      const entry = (i: number): AuditEntry => ({
        accountId: null,
        actor: { kind: 'system', id: null, name: 'Seeder', email: null, role: null },
        action: 'member.role-changed',
        summary: `Event ${i}`,
        target: { type: 'member', id: `m-${i}`, name: null },
        ip: null,
        device: null
      })
      for (let i = 0; i < 6; i++) await t.core.tx((tx) => t.core.ledger.appendMany(tx, Array.from({ length: 1000 }, (_, k) => entry(i * 1000 + k))))
      await t.core.store.refreshStatistics()
      // The partial indexes (migration 0019: actor kinds and target types other than 'member'; 0021:
      // purged events) hold none of these events.
      const rows = sqliteOf(t.core)
        .prepare(
          "SELECT stat FROM sqlite_stat1 WHERE tbl = 'audit_events' AND idx NOT IN ('audit_events_actor_kind_time', 'audit_events_target_type_time', 'audit_events_purged_time')"
        )
        .pluck()
        .all() as string[]
      expect(rows.length).toBeGreaterThan(0)
      for (const stat of rows) expect(Number(stat.split(' ')[0])).toBeGreaterThan(6000)
      expect(plan().join(' ')).toMatch(/SEARCH audit_events USING INTEGER PRIMARY KEY/)
    } finally {
      await t.dispose()
    }
  })
})
