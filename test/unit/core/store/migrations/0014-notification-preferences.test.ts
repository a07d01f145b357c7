import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Db } from '../../../../../src/main/core/store/connection'
import { MIGRATIONS } from '../../../../../src/main/core/store/migrations'
import { openMigratedDb, tablesWithoutAccountId } from '../../../../support/core'

describe('migration 0014 notification-preferences (SQLite)', () => {
  let db: Db
  let dispose: () => void
  beforeAll(() => {
    ;({ db, dispose } = openMigratedDb(13))
    db.transaction(() => {
      db.exec(MIGRATIONS.find((m) => m.version === 14)!.sqlite)
      db.pragma('user_version = 14')
    })()
    db.prepare("INSERT INTO accounts (account_id, name, plan, seats, created_at) VALUES ('a1', 'Acme', 'paid', 50, 0)").run()
    db.prepare("INSERT INTO persons (person_id, account_id, email, name, created_at) VALUES ('p1', 'a1', 'p1@acme.test', 'P One', 0)").run()
  })
  afterAll(() => dispose())

  it('keeps one choice per person and kind, on or off only, and forgets them with the person', () => {
    const save = db.prepare(
      "INSERT INTO notification_preferences (account_id, person_id, kind, enabled, updated_at) VALUES ('a1', 'p1', ?, ?, ?) ON CONFLICT (person_id, kind) DO UPDATE SET enabled = excluded.enabled, updated_at = excluded.updated_at"
    )
    save.run('security', 0, 1)
    save.run('security', 1, 2)
    expect(db.prepare('SELECT kind, enabled, updated_at FROM notification_preferences').all()).toEqual([{ kind: 'security', enabled: 1, updated_at: 2 }])
    expect(() => save.run('security', 2, 3)).toThrow(/CHECK constraint failed/)
    expect(tablesWithoutAccountId(db)).toEqual([])
    db.prepare("DELETE FROM persons WHERE person_id = 'p1'").run()
    expect(db.prepare('SELECT count(*) FROM notification_preferences').pluck().get()).toBe(0)
  })
})
