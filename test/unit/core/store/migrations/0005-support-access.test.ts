import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { migrate, type Db } from '../../../../../src/main/core/store/connection'
import { MIGRATIONS } from '../../../../../src/main/core/store/migrations'
import { openMigratedDb, schemaNames, sqliteErrorCode, tablesWithoutAccountId } from '../../../../support/core'

describe('migration 0005 support-access', () => {
  let db: Db
  let dispose: () => void
  let nextSeq = 1
  /** A bare audit row for the log's foreign key (the ledger itself is tested elsewhere). */
  const auditRow = (): number => {
    const seq = nextSeq++
    db.prepare(
      `INSERT INTO audit_events (seq, account_id, time, actor_kind, actor_name, action, summary, target_type, leaf_hash)
       VALUES (?, 'a1', 0, 'member', 'Olivia', 'support-access.extended', 'x', 'support-access', x'00')`
    ).run(seq)
    return seq
  }
  const agent = (id: string, email: string, removedAt: number | null = null) =>
    db
      .prepare("INSERT INTO support_agents (agent_id, account_id, email, name, password_hash, created_at, removed_at) VALUES (?, NULL, ?, 'Sam', 'h', 0, ?)")
      .run(id, email, removedAt)
  const grant = (fields: Partial<Record<'state' | 'scope' | 'duration' | 'account', string>> & { started?: number; ends?: number | null }) =>
    db
      .prepare(
        `INSERT OR REPLACE INTO support_access (account_id, state, scope, duration, started_at, ends_at, reason, changed_at, changed_by_kind, changed_by_name, changed_by_email)
         VALUES (?, ?, ?, ?, ?, ?, NULL, 0, 'member', 'Olivia', 'o@example.com')`
      )
      .run(fields.account ?? 'a1', fields.state ?? 'on', fields.scope ?? 'read-only', fields.duration ?? 'day', fields.started ?? 100, 'ends' in fields ? fields.ends : 200)
  const log = (fields: Partial<Record<'action' | 'actorKind' | 'duration' | 'scope', string>> & { email?: string | null; sessionsEnded?: number; seq?: number }) =>
    db
      .prepare(
        `INSERT INTO support_access_log (account_id, time, action, actor_kind, owner_id, owner_name, owner_email, duration, scope, ends_at, reason, sessions_ended, audit_seq)
         VALUES ('a1', 0, ?, ?, NULL, 'Olivia', ?, ?, ?, NULL, NULL, ?, ?)`
      )
      .run(
        fields.action ?? 'extend',
        fields.actorKind ?? 'member',
        'email' in fields ? fields.email : 'o@example.com',
        fields.duration ?? 'day',
        fields.scope ?? 'full',
        fields.sessionsEnded ?? 0,
        fields.seq ?? auditRow()
      )

  beforeAll(() => {
    ;({ db, dispose } = openMigratedDb(5))
    db.prepare("INSERT INTO accounts (account_id, name, plan, seats, created_at) VALUES ('a1', 'Acme', 'paid', 10, 0)").run()
  })
  afterAll(() => dispose())

  it('records version 5 and adds the agents, the grant and its log with their indexes', async () => {
    expect(db.pragma('user_version', { simple: true })).toBe(5)
    const tables = schemaNames(db, 'table')
    for (const t of ['support_agents', 'support_access', 'support_access_log']) expect(tables).toContain(t)
    expect(schemaNames(db, 'index', 'support_agents')).toEqual(['support_agents_email'])
    expect(schemaNames(db, 'index', 'support_access')).toContain('support_access_due')
    expect(schemaNames(db, 'index', 'support_access_log')).toContain('support_access_log_account')
    expect(schemaNames(db, 'index', 'sessions')).toContain('sessions_account_kind_started')
  })

  it('gives every table an account_id column (NULL for installation-wide agents)', async () => {
    expect(tablesWithoutAccountId(db)).toEqual([])
    agent('g0', 'nobody@vendor.example')
    expect(db.prepare("SELECT account_id FROM support_agents WHERE agent_id = 'g0'").get()).toEqual({ account_id: null })
  })

  it('keeps one current agent per email ignoring case, while a removed one may be added again', async () => {
    agent('g1', 'Sam@Vendor.example')
    expect(await sqliteErrorCode(() => agent('g2', 'sam@vendor.example'))).toBe('SQLITE_CONSTRAINT_UNIQUE')
    db.prepare("UPDATE support_agents SET removed_at = 5 WHERE agent_id = 'g1'").run()
    expect(await sqliteErrorCode(() => agent('g2', 'sam@vendor.example'))).toBeNull()
  })

  it('holds one grant per account with only the known states, scopes and durations', async () => {
    expect(await sqliteErrorCode(() => grant({}))).toBeNull()
    expect(await sqliteErrorCode(() => grant({ state: 'maybe' }))).toBe('SQLITE_CONSTRAINT_CHECK')
    expect(await sqliteErrorCode(() => grant({ scope: 'admin' }))).toBe('SQLITE_CONSTRAINT_CHECK')
    expect(await sqliteErrorCode(() => grant({ duration: 'fortnight' }))).toBe('SQLITE_CONSTRAINT_CHECK')
    expect(await sqliteErrorCode(() => grant({ account: 'no-such-account' }))).toBe('SQLITE_CONSTRAINT_FOREIGNKEY')
    expect(db.prepare('SELECT count(*) AS n FROM support_access').get()).toEqual({ n: 1 })
  })

  it('refuses an end before the start, and an end that does not fit the duration while on', async () => {
    expect(await sqliteErrorCode(() => grant({ started: 100, ends: 100 }))).toBe('SQLITE_CONSTRAINT_CHECK')
    expect(await sqliteErrorCode(() => grant({ duration: 'indefinite', ends: 200 }))).toBe('SQLITE_CONSTRAINT_CHECK')
    expect(await sqliteErrorCode(() => grant({ duration: 'week', ends: null }))).toBe('SQLITE_CONSTRAINT_CHECK')
    expect(await sqliteErrorCode(() => grant({ duration: 'indefinite', ends: null }))).toBeNull()
    // Once off, the last grant's values stay for the record whatever they were.
    expect(await sqliteErrorCode(() => grant({ state: 'off', duration: 'week', ends: null }))).toBeNull()
  })

  it('logs only the five actions, the system only for Expire, and an Owner email for every other action', async () => {
    for (const action of ['extend', 'change', 'disable', 'trial-converted']) expect(await sqliteErrorCode(() => log({ action }))).toBeNull()
    expect(await sqliteErrorCode(() => log({ action: 'expire', actorKind: 'system', email: null }))).toBeNull()
    expect(await sqliteErrorCode(() => log({ action: 'pause' }))).toBe('SQLITE_CONSTRAINT_CHECK')
    expect(await sqliteErrorCode(() => log({ action: 'expire', actorKind: 'member' }))).toBe('SQLITE_CONSTRAINT_CHECK')
    expect(await sqliteErrorCode(() => log({ action: 'disable', actorKind: 'system', email: null }))).toBe('SQLITE_CONSTRAINT_CHECK')
    expect(await sqliteErrorCode(() => log({ action: 'disable', email: null }))).toBe('SQLITE_CONSTRAINT_CHECK')
    expect(await sqliteErrorCode(() => log({ sessionsEnded: -1 }))).toBe('SQLITE_CONSTRAINT_CHECK')
  })

  it('ties each log row to exactly one existing audit event', async () => {
    const seq = auditRow()
    log({ seq })
    expect(await sqliteErrorCode(() => log({ seq }))).toBe('SQLITE_CONSTRAINT_UNIQUE')
    expect(await sqliteErrorCode(() => log({ seq: 999_999 }))).toBe('SQLITE_CONSTRAINT_FOREIGNKEY')
  })

  it('pages the support login history from its own index', async () => {
    const plan = db
      .prepare(
        "EXPLAIN QUERY PLAN SELECT session_id FROM sessions WHERE account_id = 'a1' AND principal_kind = 'support' ORDER BY started_at DESC, session_id DESC LIMIT 50"
      )
      .all() as Array<{ detail: string }>
    expect(plan.map((p) => p.detail).join(' ')).toContain('sessions_account_kind_started')
  })

  it('is applied in place by migrate() over an older store, keeping its rows', async () => {
    const older = openMigratedDb(3)
    try {
      older.db.prepare("INSERT INTO accounts (account_id, name, plan, seats, created_at) VALUES ('a9', 'Old', 'paid', 5, 0)").run()
      older.db
        .prepare("INSERT INTO sessions (session_id, account_id, principal_kind, person_id, started_at, last_seen_at) VALUES ('s1', 'a9', 'member', 'p1', 0, 0)")
        .run()
      expect(migrate(older.db)).toBe(MIGRATIONS[MIGRATIONS.length - 1]!.version)
      expect(older.db.prepare('SELECT count(*) AS n FROM sessions').get()).toEqual({ n: 1 })
      expect(older.db.prepare('SELECT count(*) AS n FROM support_access').get()).toEqual({ n: 0 })
      expect(tablesWithoutAccountId(older.db)).toEqual([])
    } finally {
      older.dispose()
    }
  })
})
