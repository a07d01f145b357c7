import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Db } from '../../../../../src/main/core/store/connection'
import { MIGRATIONS } from '../../../../../src/main/core/store/migrations'
import { openMigratedDb } from '../../../../support/core'

describe('migration 0013 team-page-order (SQLite)', () => {
  let db: Db
  let dispose: () => void
  /** Team rows whose copies differ from their person's name or email, byte for byte. */
  const stale = () =>
    db
      .prepare('SELECT count(*) FROM team_members tm JOIN persons p ON p.person_id = tm.person_id WHERE tm.name <> p.name COLLATE BINARY OR tm.email <> p.email COLLATE BINARY')
      .pluck()
      .get()
  const member = (id: string, name: string) => {
    db.prepare("INSERT INTO persons (person_id, account_id, email, name, created_at) VALUES (?, 'a1', ?, ?, 0)").run(`p-${id}`, `${id}@acme.test`, name)
    db.prepare("INSERT INTO memberships (membership_id, account_id, person_id, role, status, created_at) VALUES (?, 'a1', ?, 'agent', 'active', 0)").run(`m-${id}`, `p-${id}`)
  }
  const join = (team: string, id: string) =>
    db.prepare("INSERT INTO team_members (account_id, team_id, membership_id, person_id, added_at) VALUES ('a1', ?, ?, ?, 0)").run(team, `m-${id}`, `p-${id}`)
  const byName = (team: string) => db.prepare('SELECT person_id FROM team_members INDEXED BY team_members_by_name WHERE team_id = ? ORDER BY name, person_id').pluck().all(team)

  beforeAll(() => {
    ;({ db, dispose } = openMigratedDb(12))
    db.prepare("INSERT INTO accounts (account_id, name, plan, seats, created_at) VALUES ('a1', 'Acme', 'paid', 50, 0)").run()
    db.prepare("INSERT INTO teams (team_id, account_id, name, created_at) VALUES ('t1', 'a1', 'Tier 1', 0), ('t2', 'a1', 'Tier 2', 0)").run()
    member('a', 'Zoe Adams')
    member('b', 'bob Brown')
    join('t1', 'a')
    join('t1', 'b')
    join('t2', 'a')
    // Rows from before the migration get their copies from it.
    db.transaction(() => {
      db.exec(MIGRATIONS.find((m) => m.version === 13)!.sqlite)
      db.pragma('user_version = 13')
    })()
  })
  afterAll(() => dispose())

  it('copies the rows already there, sorted without regard to case as persons are', () => {
    expect(stale()).toBe(0)
    expect(byName('t1')).toEqual(['p-b', 'p-a'])
  })

  it('keeps the copies through new members, renames (case only too) and email changes', () => {
    member('c', 'Carla Cruz')
    join('t1', 'c')
    join('t2', 'c')
    db.prepare("UPDATE persons SET name = 'ALBERT ZOE' WHERE person_id = 'p-a'").run()
    db.prepare("UPDATE persons SET name = 'Albert Zoe' WHERE person_id = 'p-a'").run()
    db.prepare("UPDATE persons SET email = 'CARLA@acme.test' WHERE person_id = 'p-c'").run()
    expect(stale()).toBe(0)
    expect(byName('t1')).toEqual(['p-a', 'p-b', 'p-c'])
    expect(db.prepare("SELECT name FROM team_members WHERE membership_id = 'm-a'").pluck().all()).toEqual(['Albert Zoe', 'Albert Zoe'])
    // A team page by email reads one range of its index.
    const plan = (db.prepare("EXPLAIN QUERY PLAN SELECT person_id FROM team_members WHERE team_id = 't1' AND (email, person_id) > ('b', '') ORDER BY email, person_id LIMIT 100").all() as Array<{ detail: string }>)
      .map((r) => r.detail)
      .join('\n')
    expect(plan).toMatch(/COVERING INDEX team_members_by_email \(team_id=\? AND \(email,person_id\)>\(\?,\?\)\)/)
    expect(plan).not.toMatch(/TEMP B-TREE/)
  })
})
