import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Db } from '../../../../../src/main/core/store/connection'
import { MIGRATIONS } from '../../../../../src/main/core/store/migrations'
import { openMigratedDb } from '../../../../support/core'

describe('migration 0008 users-list-covering (SQLite)', () => {
  let db: Db
  let dispose: () => void
  const plan = (query: string) => (db.prepare(`EXPLAIN QUERY PLAN ${query}`).all() as Array<{ detail: string }>).map((r) => r.detail).join('\n')

  beforeAll(() => {
    ;({ db, dispose } = openMigratedDb(7))
    db.prepare("INSERT INTO accounts (account_id, name, plan, seats, created_at) VALUES ('a1', 'Acme', 'paid', 10, 0)").run()
    db.prepare("INSERT INTO persons (person_id, account_id, email, name, created_at) VALUES ('p1', 'a1', 'ann@acme.test', 'Ann Smith', 0), ('p2', 'a1', 'bo@acme.test', 'Bo Jones', 0)").run()
    db.transaction(() => {
      db.exec(MIGRATIONS.find((m) => m.version === 8)!.sqlite)
      db.pragma('user_version = 8')
    })()
  })
  afterAll(() => dispose())

  it('keeps the index names and rows, and holds the other of name and email in each sort index', () => {
    const columns = (index: string) => (db.prepare(`PRAGMA index_info(${index})`).all() as Array<{ name: string }>).map((c) => c.name)
    expect(columns('persons_name')).toEqual(['name', 'person_id', 'email'])
    expect(columns('persons_email')).toEqual(['email', 'person_id', 'name'])
    expect(db.prepare('SELECT person_id FROM persons INDEXED BY persons_name ORDER BY name, person_id').pluck().all()).toEqual(['p1', 'p2'])
  })

  it('lets a walk by name test name and email from the index alone', () => {
    expect(plan("SELECT person_id FROM persons INDEXED BY persons_name WHERE name LIKE '%smi%' OR email LIKE '%smi%' ORDER BY name, person_id")).toMatch(
      /COVERING INDEX persons_name/
    )
    expect(plan("SELECT person_id FROM persons INDEXED BY persons_email WHERE name LIKE '%bo%' OR email LIKE '%bo%' ORDER BY email, person_id")).toMatch(
      /COVERING INDEX persons_email/
    )
  })
})
