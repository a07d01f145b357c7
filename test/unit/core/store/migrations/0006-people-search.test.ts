import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Db } from '../../../../../src/main/core/store/connection'
import { MIGRATIONS } from '../../../../../src/main/core/store/migrations'
import { openMigratedDb, tablesWithoutAccountId } from '../../../../support/core'

describe('migration 0006 people-search', () => {
  let db: Db
  let dispose: () => void
  const match = (term: string) =>
    (db.prepare('SELECT p.email FROM persons_search s JOIN persons p ON p.rowid = s.rowid WHERE persons_search MATCH ? ORDER BY p.email').all(`"${term}"`) as Array<{ email: string }>).map((r) => r.email)

  beforeAll(() => {
    ;({ db, dispose } = openMigratedDb(5))
    db.prepare("INSERT INTO accounts (account_id, name, plan, seats, created_at) VALUES ('a1', 'Acme', 'paid', 5, 0)").run()
    // People who exist before the migration are indexed by its rebuild.
    db.prepare("INSERT INTO persons (person_id, account_id, email, name, created_at) VALUES ('p1', 'a1', 'ann.smith@acme.test', 'Ann Smith', 0)").run()
    db.exec(MIGRATIONS.find((m) => m.version === 6)!.sqlite)
    db.pragma('user_version = 6')
  })
  afterAll(() => dispose())

  it('indexes existing people and follows inserts, renames and deletes', async () => {
    expect(match('smi')).toEqual(['ann.smith@acme.test'])
    db.prepare("INSERT INTO persons (person_id, account_id, email, name, created_at) VALUES ('p2', 'a1', 'bo@acme.test', 'Bo Smithers', 0)").run()
    expect(match('SMITH')).toEqual(['ann.smith@acme.test', 'bo@acme.test'])
    db.prepare("UPDATE persons SET name = 'Bo Jones' WHERE person_id = 'p2'").run()
    expect(match('smith')).toEqual(['ann.smith@acme.test'])
    expect(match('jones')).toEqual(['bo@acme.test'])
    db.prepare("DELETE FROM persons WHERE person_id = 'p1'").run()
    expect(match('smith')).toEqual([])
    expect(db.prepare("INSERT INTO persons_search (persons_search) VALUES ('integrity-check')").run().changes).toBeGreaterThanOrEqual(0)
  })

  it('counts people per trigram for the search planner', async () => {
    const doc = db.prepare("SELECT doc FROM persons_search_terms WHERE term = 'jon'").pluck().get()
    expect(doc).toBe(1)
  })

  it('adds no account table without account_id (the index and its shadow tables index persons)', async () => {
    expect(tablesWithoutAccountId(db)).toEqual([])
  })
})
