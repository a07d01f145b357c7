import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { migrate, type Db } from '../../../../../src/main/core/store/connection'
import { MIGRATIONS } from '../../../../../src/main/core/store/migrations'
import { openMigratedDb, schemaNames, sqliteErrorCode, tablesWithoutAccountId } from '../../../../support/core'

describe('migration 0007 reauth-login-method', () => {
  let db: Db
  let dispose: () => void
  const insertLogin = (fields: { method?: string; kind?: string; result?: string; email?: string; account?: string | null; time?: number }) =>
    db
      .prepare(
        `INSERT INTO login_events (account_id, time, person_id, principal_kind, email_tried, method, result, reason, ip, device)
         VALUES (?, ?, 'p1', ?, ?, ?, ?, 'why', '10.0.0.1', 'test')`
      )
      .run(
        fields.account === undefined ? 'a1' : fields.account,
        fields.time ?? 0,
        fields.kind ?? 'member',
        fields.email ?? 'x@example.com',
        fields.method ?? 'password',
        fields.result ?? 'failure'
      )
  const rows = () => db.prepare('SELECT * FROM login_events ORDER BY login_event_id').all()

  let before: unknown[]

  beforeAll(() => {
    ;({ db, dispose } = openMigratedDb(6))
    db.prepare("INSERT INTO accounts (account_id, name, plan, seats, created_at) VALUES ('a1', 'Acme', 'paid', 10, 0)").run()
    // Rows written before the migration, with a gap in the ids (identity_locks.set_by_event points at ids).
    insertLogin({ method: 'password', time: 1 })
    insertLogin({ method: 'support', kind: 'support', result: 'locked', time: 2 })
    db.prepare('DELETE FROM login_events WHERE login_event_id = 1').run()
    insertLogin({ method: 'sso', result: 'success', email: 'Mixed@Example.com', account: null, time: 3 })
    db.prepare("INSERT INTO identity_locks (email, account_id, locked_until, set_by_event) VALUES ('x@example.com', 'a1', 100, 3)").run()
    expect(rows()).toHaveLength(2)
    before = rows()
    db.transaction(() => {
      db.exec(MIGRATIONS.find((m) => m.version === 7)!.sqlite)
      db.pragma('user_version = 7')
    })()
  })
  afterAll(() => dispose())

  it('records version 7 and keeps the table, its indexes and no stray copy', async () => {
    expect(db.pragma('user_version', { simple: true })).toBe(7)
    expect(MIGRATIONS.find((m) => m.version === 7)?.name).toBe('reauth-login-method')
    expect(schemaNames(db, 'table')).toContain('login_events')
    expect(schemaNames(db, 'table').filter((t) => t.startsWith('login_events_'))).toEqual([])
    expect(schemaNames(db, 'index', 'login_events')).toEqual(['login_events_account_time', 'login_events_email_time'])
    expect(tablesWithoutAccountId(db)).toEqual([])
  })

  it('keeps every row with its id, so identity locks still point at the right event', async () => {
    expect(rows()).toEqual(before)
    expect((rows() as Array<{ login_event_id: number }>).map((r) => r.login_event_id)).toEqual([2, 3])
    expect(db.prepare('SELECT set_by_event FROM identity_locks').get()).toEqual({ set_by_event: 3 })
  })

  it("accepts 'reauth' as a method and still refuses unknown methods, kinds and results", async () => {
    for (const method of ['password', 'sso', 'support', 'reauth']) expect(await sqliteErrorCode(() => insertLogin({ method }))).toBeNull()
    expect(await sqliteErrorCode(() => insertLogin({ method: 'magic-link' }))).toBe('SQLITE_CONSTRAINT_CHECK')
    expect(await sqliteErrorCode(() => insertLogin({ method: 'REAUTH' }))).toBe('SQLITE_CONSTRAINT_CHECK')
    expect(await sqliteErrorCode(() => insertLogin({ kind: 'robot' }))).toBe('SQLITE_CONSTRAINT_CHECK')
    expect(await sqliteErrorCode(() => insertLogin({ result: 'ok' }))).toBe('SQLITE_CONSTRAINT_CHECK')
    expect(await sqliteErrorCode(() => insertLogin({ account: 'no-such-account' }))).toBe('SQLITE_CONSTRAINT_FOREIGNKEY')
  })

  it('keeps the case-insensitive email and new ids after the highest one', async () => {
    expect(db.prepare("SELECT count(*) AS n FROM login_events WHERE email_tried = 'mixed@example.com'").get()).toEqual({ n: 1 })
    const id = Number(insertLogin({ method: 'reauth' }).lastInsertRowid)
    expect(id).toBeGreaterThan(3)
    const plan = db
      .prepare("EXPLAIN QUERY PLAN SELECT count(*) FROM login_events WHERE email_tried = 'a@b.c' AND result = 'failure' AND time > 0")
      .all() as Array<{ detail: string }>
    expect(plan.map((p) => p.detail).join(' ')).toContain('login_events_email_time')
  })

  it('is applied in place by migrate() over an older store, keeping its rows', async () => {
    const older = openMigratedDb(2)
    try {
      older.db.prepare("INSERT INTO accounts (account_id, name, plan, seats, created_at) VALUES ('a9', 'Old', 'paid', 5, 0)").run()
      older.db
        .prepare(
          "INSERT INTO login_events (account_id, time, principal_kind, email_tried, method, result) VALUES ('a9', 1, 'member', 'o@example.com', 'password', 'success')"
        )
        .run()
      expect(migrate(older.db)).toBe(MIGRATIONS[MIGRATIONS.length - 1]!.version)
      expect(older.db.prepare('SELECT count(*) AS n FROM login_events').get()).toEqual({ n: 1 })
      older.db
        .prepare(
          "INSERT INTO login_events (account_id, time, principal_kind, email_tried, method, result) VALUES ('a9', 2, 'member', 'o@example.com', 'reauth', 'failure')"
        )
        .run()
      expect(older.db.pragma('foreign_key_check')).toEqual([])
      expect(older.db.pragma('integrity_check', { simple: true })).toBe('ok')
    } finally {
      older.dispose()
    }
  })
})
