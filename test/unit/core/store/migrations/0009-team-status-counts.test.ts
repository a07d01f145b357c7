import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Db } from '../../../../../src/main/core/store/connection'
import { MIGRATIONS } from '../../../../../src/main/core/store/migrations'
import { openMigratedDb } from '../../../../support/core'

describe('migration 0009 team-status-counts (SQLite)', () => {
  let db: Db
  let dispose: () => void
  const kept = (team: string) => db.prepare('SELECT members_active AS active, members_invited AS invited, members_deactivated AS deactivated FROM teams WHERE team_id = ?').get(team)
  const recounted = (team: string) =>
    db
      .prepare(
        `SELECT count(*) FILTER (WHERE m.status = 'active') AS active, count(*) FILTER (WHERE m.status = 'invited') AS invited,
           count(*) FILTER (WHERE m.status = 'deactivated') AS deactivated
         FROM team_members tm JOIN memberships m ON m.membership_id = tm.membership_id WHERE tm.team_id = ?`
      )
      .get(team)
  const copies = () => db.prepare('SELECT count(*) AS n FROM team_members tm JOIN memberships m ON m.membership_id = tm.membership_id WHERE tm.status IS NOT m.status OR tm.invite_expires_at IS NOT m.invite_expires_at').pluck().get()
  const member = (id: string, status: string, expires: number | null) => {
    db.prepare("INSERT INTO persons (person_id, account_id, email, name, created_at) VALUES (?, 'a1', ?, ?, 0)").run(`p-${id}`, `${id}@acme.test`, `Person ${id}`)
    db.prepare("INSERT INTO memberships (membership_id, account_id, person_id, role, status, invite_expires_at, created_at) VALUES (?, 'a1', ?, 'agent', ?, ?, 0)").run(`m-${id}`, `p-${id}`, status, expires)
  }
  const join = (team: string, id: string) =>
    db.prepare("INSERT INTO team_members (account_id, team_id, membership_id, person_id, added_at) VALUES ('a1', ?, ?, ?, 0)").run(team, `m-${id}`, `p-${id}`)

  beforeAll(() => {
    ;({ db, dispose } = openMigratedDb(8))
    db.prepare("INSERT INTO accounts (account_id, name, plan, seats, created_at) VALUES ('a1', 'Acme', 'paid', 50, 0)").run()
    db.prepare("INSERT INTO teams (team_id, account_id, name, created_at) VALUES ('t1', 'a1', 'Tier 1', 0), ('t2', 'a1', 'Tier 2', 0)").run()
    member('a', 'active', null)
    member('b', 'invited', 100)
    member('c', 'deactivated', null)
    join('t1', 'a')
    join('t1', 'b')
    join('t2', 'c')
    // Rows from before the migration are counted by it.
    db.transaction(() => {
      db.exec(MIGRATIONS.find((m) => m.version === 9)!.sqlite)
      db.pragma('user_version = 9')
    })()
  })
  afterAll(() => dispose())

  it('counts the rows already there', () => {
    expect(kept('t1')).toEqual({ active: 1, invited: 1, deactivated: 0 })
    expect(kept('t2')).toEqual({ active: 0, invited: 0, deactivated: 1 })
    expect(copies()).toBe(0)
  })

  it('keeps the counts and the copies through joins, status changes, removals and deletions', () => {
    member('d', 'invited', 50)
    join('t1', 'd')
    join('t2', 'd')
    db.prepare("UPDATE memberships SET status = 'active', invite_expires_at = NULL WHERE membership_id = 'm-b'").run()
    db.prepare("UPDATE memberships SET invite_expires_at = 500 WHERE membership_id = 'm-d'").run()
    db.prepare("UPDATE memberships SET status = 'deactivated' WHERE membership_id = 'm-a'").run()
    db.prepare("DELETE FROM team_members WHERE team_id = 't2' AND membership_id = 'm-c'").run()
    for (const team of ['t1', 't2']) expect(kept(team), team).toEqual(recounted(team))
    expect(copies()).toBe(0)
    // A membership deleted leaves its teams (ON DELETE CASCADE) and their counts.
    db.prepare("DELETE FROM memberships WHERE membership_id = 'm-d'").run()
    for (const team of ['t1', 't2']) expect(kept(team), team).toEqual(recounted(team))
    expect(kept('t1')).toEqual({ active: 1, invited: 0, deactivated: 1 })
    // The team's expired invitations are one range of the index.
    const plan = (db.prepare("EXPLAIN QUERY PLAN SELECT count(*) FROM team_members WHERE team_id = 't1' AND status = 'invited' AND invite_expires_at <= 10").all() as Array<{ detail: string }>)
      .map((r) => r.detail)
      .join('\n')
    expect(plan).toMatch(/COVERING INDEX team_members_status/)
  })
})
