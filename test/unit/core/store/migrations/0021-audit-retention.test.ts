import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Db } from '../../../../../src/main/core/store/connection'
import { MIGRATIONS } from '../../../../../src/main/core/store/migrations'
import { openMigratedDb, sqliteErrorCode } from '../../../../support/core'

describe('migration 0021 audit-retention', () => {
  let db: Db
  let dispose: () => void
  const plan = (query: string) => (db.prepare(`EXPLAIN QUERY PLAN ${query}`).all() as Array<{ detail: string }>).map((p) => p.detail).join(' | ')

  beforeAll(() => {
    ;({ db, dispose } = openMigratedDb(20))
    db.prepare("INSERT INTO accounts (account_id, name, plan, seats, created_at) VALUES ('a1', 'Acme', 'paid', 10, 0)").run()
    db.transaction(() => {
      db.exec(MIGRATIONS.find((m) => m.version === 21)!.sqlite)
      db.pragma('user_version = 21')
    })()
  })
  afterAll(() => dispose())

  it('keeps an existing account forever, and takes only the four presets', async () => {
    expect(MIGRATIONS.find((m) => m.version === 21)?.name).toBe('audit-retention')
    expect(db.prepare("SELECT audit_retention AS r FROM accounts WHERE account_id = 'a1'").get()).toEqual({ r: 'forever' })
    for (const r of ['1y', '3y', '7y', 'forever']) db.prepare('UPDATE accounts SET audit_retention = ? WHERE account_id = ?').run(r, 'a1')
    expect(await sqliteErrorCode(() => db.prepare("UPDATE accounts SET audit_retention = '2y' WHERE account_id = 'a1'").run())).toBe('SQLITE_CONSTRAINT_CHECK')
  })

  it('counts the purged events of a range from their own index, without reading rows', () => {
    expect(plan("SELECT count(*) FROM audit_events WHERE account_id = 'a1' AND purged_at IS NOT NULL AND time < 5 AND seq <= 9")).toContain(
      'USING COVERING INDEX audit_events_purged_time'
    )
    expect(plan("SELECT count(*) FROM audit_events WHERE account_id = 'a1' AND time < 5 AND seq <= 9")).toContain('USING COVERING INDEX audit_events_time')
  })
})
