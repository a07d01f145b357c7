import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Db } from '../../../../../src/main/core/store/connection'
import { MIGRATIONS } from '../../../../../src/main/core/store/migrations'
import { openMigratedDb, sqliteErrorCode } from '../../../../support/core'

describe('migration 0015 person-language (SQLite)', () => {
  let db: Db
  let dispose: () => void

  beforeAll(() => {
    ;({ db, dispose } = openMigratedDb(14))
    db.prepare("INSERT INTO accounts (account_id, name, plan, seats, created_at) VALUES ('a1', 'Acme', 'paid', 10, 0)").run()
    db.prepare("INSERT INTO persons (person_id, account_id, email, name, created_at) VALUES ('p1', 'a1', 'p1@example.com', 'P One', 0)").run()
    // A person from before the migration gets the default.
    db.transaction(() => {
      db.exec(MIGRATIONS.find((m) => m.version === 15)!.sqlite)
      db.pragma('user_version = 15')
    })()
  })
  afterAll(() => dispose())

  it('gives every person a language, English for those already there', () => {
    expect(MIGRATIONS.find((m) => m.version === 15)?.name).toBe('person-language')
    expect(db.prepare("SELECT language FROM persons WHERE person_id = 'p1'").get()).toEqual({ language: 'en' })
  })

  it('keeps only the languages the renderer has', async () => {
    db.prepare("UPDATE persons SET language = 'de' WHERE person_id = 'p1'").run()
    expect(db.prepare("SELECT language FROM persons WHERE person_id = 'p1'").get()).toEqual({ language: 'de' })
    expect(await sqliteErrorCode(() => db.prepare("UPDATE persons SET language = 'fr' WHERE person_id = 'p1'").run())).toBe('SQLITE_CONSTRAINT_CHECK')
    expect(await sqliteErrorCode(() => db.prepare("UPDATE persons SET language = NULL WHERE person_id = 'p1'").run())).toBe('SQLITE_CONSTRAINT_NOTNULL')
    expect(db.prepare("SELECT language FROM persons WHERE person_id = 'p1'").get()).toEqual({ language: 'de' })
  })
})
