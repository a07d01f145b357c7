import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Db } from '../../../../../src/main/core/store/connection'
import { MIGRATIONS } from '../../../../../src/main/core/store/migrations'
import { openMigratedDb, schemaNames, sqliteErrorCode } from '../../../../support/core'

describe('migration 0020 login-history-review', () => {
  let db: Db
  let dispose: () => void
  const insertLogin = (fields: { method?: string; result?: string; reason?: string | null; ip?: string; time?: number }) =>
    db
      .prepare(
        `INSERT INTO login_events (account_id, time, person_id, principal_kind, email_tried, method, result, reason, ip, device, provider)
         VALUES ('a1', ?, 'p1', 'member', 'x@example.com', ?, ?, ?, ?, 'test', NULL)`
      )
      .run(fields.time ?? 0, fields.method ?? 'password', fields.result ?? 'success', fields.reason ?? null, fields.ip ?? '10.0.0.1')
  const rows = () => db.prepare('SELECT * FROM login_events ORDER BY login_event_id').all() as Array<Record<string, unknown>>
  const plan = (query: string) => (db.prepare(`EXPLAIN QUERY PLAN ${query}`).all() as Array<{ detail: string }>).map((p) => p.detail).join(' | ')

  let before: Array<Record<string, unknown>>

  beforeAll(() => {
    ;({ db, dispose } = openMigratedDb(19))
    db.prepare("INSERT INTO accounts (account_id, name, plan, seats, created_at) VALUES ('a1', 'Acme', 'paid', 10, 0)").run()
    insertLogin({ time: 1 })
    insertLogin({ time: 2, reason: 'invitation accepted' })
    insertLogin({ time: 3, result: 'failure', reason: 'invitation: wrong password' })
    insertLogin({ time: 4, method: 'sso', reason: 'invitation accepted' })
    db.prepare('DELETE FROM login_events WHERE login_event_id = 1').run()
    insertLogin({ time: 5, method: 'reauth', result: 'failure', reason: 'wrong password' })
    db.prepare("UPDATE login_events SET provider = 'Okta' WHERE method = 'sso'").run()
    before = rows()
    db.transaction(() => {
      db.exec(MIGRATIONS.find((m) => m.version === 20)!.sqlite)
      db.pragma('user_version = 20')
    })()
  })
  afterAll(() => dispose())

  it('keeps every row, id and column, and marks the invitations accepted by password as such', () => {
    expect(MIGRATIONS.find((m) => m.version === 20)?.name).toBe('login-history-review')
    const after = rows()
    expect(after.map((r) => r.login_event_id)).toEqual([2, 3, 4, 5])
    expect(after.map((r) => r.method)).toEqual(['invitation', 'invitation', 'sso', 'reauth'])
    // Everything else as it was, the provider included.
    expect(after.map(({ method: _m, ...rest }) => rest)).toEqual(before.map(({ method: _m, ...rest }) => rest))
    expect(after[2]!.provider).toBe('Okta')
    expect(schemaNames(db, 'table').filter((t) => t.startsWith('login_events_'))).toEqual([])
  })

  it("accepts 'invitation' and still refuses unknown methods", async () => {
    expect(await sqliteErrorCode(() => insertLogin({ method: 'invitation' }))).toBeNull()
    expect(await sqliteErrorCode(() => insertLogin({ method: 'magic-link' }))).toBe('SQLITE_CONSTRAINT_CHECK')
    expect(Number(insertLogin({}).lastInsertRowid)).toBeGreaterThan(5)
  })

  it('has every index again, and the filters of the account-wide history use theirs', () => {
    expect(schemaNames(db, 'index', 'login_events').sort()).toEqual([
      'login_events_account_time',
      'login_events_email_time',
      'login_events_ip_time',
      'login_events_method_time',
      'login_events_person_time',
      'login_events_result_time'
    ])
    const page = (where: string) => plan(`SELECT * FROM login_events e WHERE e.account_id = 'a1' AND ${where} ORDER BY e.time DESC, e.login_event_id DESC LIMIT 100`)
    expect(page("e.ip = '10.0.0.1'")).toContain('login_events_ip_time')
    expect(page("e.method = 'sso' AND e.method <> 'password'")).toContain('login_events_method_time')
    expect(page("e.result = 'failure' AND e.result <> 'success'")).toContain('login_events_result_time')
    expect(page("e.person_id = 'p1'")).toContain('login_events_person_time')
    expect(page('e.time >= 0')).toContain('login_events_account_time')
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok')
  })
})
