import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { migrate, type Db } from '../../../../../src/main/core/store/connection'
import { MIGRATIONS } from '../../../../../src/main/core/store/migrations'
import { openMigratedDb, schemaNames, sqliteErrorCode, tablesWithoutAccountId } from '../../../../support/core'

describe('migration 0002 sign-in', () => {
  let db: Db
  let dispose: () => void
  const insertLogin = (fields: { result?: string | null; method?: string; kind?: string; account?: string | null; email?: string; time?: number }) =>
    db
      .prepare(
        `INSERT INTO login_events (account_id, time, person_id, principal_kind, email_tried, method, result, reason, ip, device)
         VALUES (?, ?, NULL, ?, ?, ?, ?, NULL, '10.0.0.1', 'test')`
      )
      .run(fields.account === undefined ? 'a1' : fields.account, fields.time ?? 0, fields.kind ?? 'member', fields.email ?? 'x@example.com', fields.method ?? 'password', 'result' in fields ? fields.result : 'failure')

  beforeAll(() => {
    ;({ db, dispose } = openMigratedDb(2))
    db.prepare("INSERT INTO accounts (account_id, name, plan, seats, created_at) VALUES ('a1', 'Acme', 'paid', 10, 0)").run()
  })
  afterAll(() => dispose())

  it('records version 2 and adds login events, identity locks and sessions with their indexes', async () => {
    expect(db.pragma('user_version', { simple: true })).toBe(2)
    expect(schemaNames(db, 'table')).toEqual(['accounts', 'identity_locks', 'login_events', 'memberships', 'persons', 'sessions'])
    expect(schemaNames(db, 'index', 'login_events')).toEqual(['login_events_account_time', 'login_events_email_time'])
    expect(schemaNames(db, 'index', 'sessions')).toEqual(['sessions_account_started'])
  })

  it('gives every table an account_id column', async () => {
    expect(tablesWithoutAccountId(db)).toEqual([])
  })

  it('accepts only success, failure and locked as a login result', async () => {
    for (const result of ['success', 'failure', 'locked']) insertLogin({ result })
    for (const result of ['ok', 'SUCCESS', 'error', '']) expect(await sqliteErrorCode(() => insertLogin({ result }))).toBe('SQLITE_CONSTRAINT_CHECK')
    expect(await sqliteErrorCode(() => insertLogin({ result: null }))).toBe('SQLITE_CONSTRAINT_NOTNULL')
  })

  it('checks the method and principal kind of a login event', async () => {
    for (const method of ['password', 'sso', 'support']) insertLogin({ method })
    expect(await sqliteErrorCode(() => insertLogin({ method: 'magic-link' }))).toBe('SQLITE_CONSTRAINT_CHECK')
    insertLogin({ kind: 'support' })
    expect(await sqliteErrorCode(() => insertLogin({ kind: 'robot' }))).toBe('SQLITE_CONSTRAINT_CHECK')
  })

  it('records attempts for unknown emails without an account, but never for an account that does not exist', async () => {
    insertLogin({ account: null, email: 'nobody@example.com' })
    expect(await sqliteErrorCode(() => insertLogin({ account: 'no-such-account' }))).toBe('SQLITE_CONSTRAINT_FOREIGNKEY')
  })

  it('matches attempted emails ignoring case (lockout cannot be dodged by changing case)', async () => {
    insertLogin({ email: 'Mixed.Case@Example.com', time: 5 })
    const row = db.prepare("SELECT count(*) AS n FROM login_events WHERE email_tried = 'mixed.case@example.com'").get()
    expect(row).toEqual({ n: 1 })
    // The lookup the lockout query makes uses the (email, time) index.
    const plan = db
      .prepare("EXPLAIN QUERY PLAN SELECT count(*) FROM login_events WHERE email_tried = 'a@b.c' AND result = 'failure' AND time > 0")
      .all() as Array<{ detail: string }>
    expect(plan.map((p) => p.detail).join(' ')).toContain('login_events_email_time')
  })

  it('keeps one lock per identity, ignoring case', async () => {
    db.prepare("INSERT INTO identity_locks (email, account_id, locked_until, set_by_event) VALUES ('Lock@Example.com', 'a1', 100, 1)").run()
    expect(
      await sqliteErrorCode(() =>
        db.prepare("INSERT INTO identity_locks (email, account_id, locked_until, set_by_event) VALUES ('lock@example.com', 'a1', 200, 2)").run()
      )
    ).toBe('SQLITE_CONSTRAINT_PRIMARYKEY')
  })

  it('requires an account for every session', async () => {
    db.prepare(
      "INSERT INTO sessions (session_id, account_id, principal_kind, person_id, started_at, last_seen_at) VALUES ('s1', 'a1', 'member', 'p1', 0, 0)"
    ).run()
    expect(
      await sqliteErrorCode(() =>
        db
          .prepare(
            "INSERT INTO sessions (session_id, account_id, principal_kind, person_id, started_at, last_seen_at) VALUES ('s2', NULL, 'member', 'p1', 0, 0)"
          )
          .run()
      )
    ).toBe('SQLITE_CONSTRAINT_NOTNULL')
  })

  it('is upgraded in place by migrate(), keeping its rows', async () => {
    const before = db.prepare('SELECT count(*) AS n FROM login_events').get()
    expect(migrate(db)).toBe(MIGRATIONS.length)
    expect(db.prepare('SELECT count(*) AS n FROM login_events').get()).toEqual(before)
    expect(tablesWithoutAccountId(db)).toEqual([])
  })
})
