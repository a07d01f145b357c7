import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { migrate, type Db } from '../../../../../src/main/core/store/connection'
import { MIGRATIONS } from '../../../../../src/main/core/store/migrations'
import { openMigratedDb, schemaNames, sqliteErrorCode, tablesWithoutAccountId } from '../../../../support/core'

describe('migration 0003 audit-ledger', () => {
  let db: Db
  let dispose: () => void

  beforeAll(() => {
    ;({ db, dispose } = openMigratedDb(3))
  })
  afterAll(() => dispose())

  it('records version 3 and adds the events, ledger state, signed heads and installation keys', async () => {
    expect(db.pragma('user_version', { simple: true })).toBe(3)
    expect(schemaNames(db, 'table')).toEqual([
      'accounts',
      'audit_events',
      'identity_locks',
      'installation_keys',
      'ledger_heads',
      'ledger_state',
      'login_events',
      'memberships',
      'persons',
      'sessions'
    ])
    expect(schemaNames(db, 'index', 'audit_events')).toEqual([
      'audit_events_account_action_seq',
      'audit_events_account_actor_seq',
      'audit_events_account_seq'
    ])
  })

  it('gives every table an account_id column', async () => {
    expect(tablesWithoutAccountId(db)).toEqual([])
  })

  it('starts the ledger as one state row with an empty tree', async () => {
    const rows = db.prepare('SELECT ledger_id, tree_size, length(frontier) AS frontierBytes FROM ledger_state').all()
    expect(rows).toEqual([{ ledger_id: 1, tree_size: 0, frontierBytes: 0 }])
    expect(db.prepare('SELECT count(*) AS n FROM audit_events').get()).toEqual({ n: 0 })
    expect(db.prepare('SELECT count(*) AS n FROM ledger_heads').get()).toEqual({ n: 0 })
  })

  it('refuses a second ledger state row', async () => {
    expect(await sqliteErrorCode(() => db.prepare("INSERT INTO ledger_state (ledger_id, tree_size, frontier) VALUES (2, 0, x'')").run())).toBe(
      'SQLITE_CONSTRAINT_CHECK'
    )
    expect(await sqliteErrorCode(() => db.prepare("INSERT INTO ledger_state (ledger_id, tree_size, frontier) VALUES (1, 0, x'')").run())).toBe(
      'SQLITE_CONSTRAINT_PRIMARYKEY'
    )
  })

  it('requires a leaf hash on every event and makes seq the primary key', async () => {
    const insert = (seq: number, leaf: Buffer | null) =>
      db
        .prepare(
          `INSERT INTO audit_events (seq, account_id, time, actor_kind, actor_name, action, summary, target_type, leaf_hash)
           VALUES (?, NULL, 0, 'system', 'Gatehouse', 'test', 'A test.', 'none', ?)`
        )
        .run(seq, leaf)
    insert(1, Buffer.alloc(32))
    expect(await sqliteErrorCode(() => insert(2, null))).toBe('SQLITE_CONSTRAINT_NOTNULL')
    expect(await sqliteErrorCode(() => insert(1, Buffer.alloc(32)))).toBe('SQLITE_CONSTRAINT_PRIMARYKEY')
  })

  it('serves the audit list queries (account, filter, seq) from its indexes', async () => {
    const detail = (sql: string) => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as Array<{ detail: string }>).map((r) => r.detail).join(' ')
    expect(detail("SELECT * FROM audit_events WHERE account_id = 'a' AND seq < 10 ORDER BY seq DESC LIMIT 5")).toContain('audit_events_account_seq')
    expect(detail("SELECT * FROM audit_events WHERE account_id = 'a' AND action = 'x' ORDER BY seq DESC LIMIT 5")).toContain(
      'audit_events_account_action_seq'
    )
    expect(detail("SELECT * FROM audit_events WHERE account_id = 'a' AND actor_id = 'x' ORDER BY seq DESC LIMIT 5")).toContain(
      'audit_events_account_actor_seq'
    )
  })

  it('is upgraded in place by migrate(), keeping the ledger state and its events', async () => {
    expect(migrate(db)).toBe(MIGRATIONS[MIGRATIONS.length - 1]!.version)
    expect(db.prepare('SELECT ledger_id, tree_size FROM ledger_state').all()).toEqual([{ ledger_id: 1, tree_size: 0 }])
    expect(db.prepare('SELECT count(*) AS n FROM audit_events').get()).toEqual({ n: 1 })
    expect(tablesWithoutAccountId(db)).toEqual([])
  })
})
