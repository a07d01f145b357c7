import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Db } from '../../../../../src/main/core/store/connection'
import { MIGRATIONS } from '../../../../../src/main/core/store/migrations'
import { openMigratedDb, schemaNames, sqliteErrorCode, tablesWithoutAccountId } from '../../../../support/core'

describe('migration 0004 users-teams', () => {
  let db: Db
  let dispose: () => void

  beforeAll(() => {
    ;({ db, dispose } = openMigratedDb(4))
    db.prepare("INSERT INTO accounts (account_id, name, plan, seats, created_at) VALUES ('a1', 'Acme', 'paid', 10, 0)").run()
    db.prepare("INSERT INTO accounts (account_id, name, plan, seats, created_at) VALUES ('a2', 'Other', 'paid', 10, 0)").run()
    db.prepare("INSERT INTO persons (person_id, account_id, email, name, created_at) VALUES ('p1', 'a1', 'p1@example.com', 'P One', 0)").run()
    db.prepare("INSERT INTO memberships (membership_id, account_id, person_id, role, status, created_at) VALUES ('m1', 'a1', 'p1', 'agent', 'active', 0)").run()
  })
  afterAll(() => dispose())

  it('is version 4 and adds teams, team members, agent permissions, invitations and SMTP settings', async () => {
    expect(db.pragma('user_version', { simple: true })).toBe(4)
    expect(MIGRATIONS.find((m) => m.version === 4)?.name).toBe('users-teams')
    const tables = schemaNames(db, 'table')
    for (const table of ['teams', 'team_members', 'member_permissions', 'invitations', 'smtp_settings']) expect(tables).toContain(table)
    expect(schemaNames(db, 'index', 'team_members')).toContain('team_members_membership')
    expect(schemaNames(db, 'index', 'invitations')).toContain('invitations_membership')
  })

  it('gives every table an account_id column', async () => {
    expect(tablesWithoutAccountId(db)).toEqual([])
  })

  it('adds the theme (default system, checked) and deactivated_at columns', async () => {
    expect(db.prepare("SELECT theme FROM persons WHERE person_id = 'p1'").get()).toEqual({ theme: 'system' })
    expect(await sqliteErrorCode(() => db.prepare("UPDATE persons SET theme = 'neon' WHERE person_id = 'p1'").run())).toBe('SQLITE_CONSTRAINT_CHECK')
    expect(db.prepare("SELECT deactivated_at FROM memberships WHERE membership_id = 'm1'").get()).toEqual({ deactivated_at: null })
  })

  it('makes team names unique per account ignoring case, but not across accounts', async () => {
    const insert = (id: string, account: string, name: string) =>
      db.prepare('INSERT INTO teams (team_id, account_id, name, created_at) VALUES (?, ?, ?, 0)').run(id, account, name)
    insert('t1', 'a1', 'Billing Team')
    expect(await sqliteErrorCode(() => insert('t2', 'a1', 'BILLING team'))).toBe('SQLITE_CONSTRAINT_UNIQUE')
    expect(await sqliteErrorCode(() => insert('t3', 'a2', 'billing team'))).toBeNull()
  })

  it('removes team memberships with the team, and keeps the member', async () => {
    db.prepare("INSERT INTO teams (team_id, account_id, name, created_at) VALUES ('t-gone', 'a1', 'Gone', 0)").run()
    db.prepare("INSERT INTO team_members (account_id, team_id, membership_id, person_id, added_at) VALUES ('a1', 't-gone', 'm1', 'p1', 0)").run()
    expect(
      await sqliteErrorCode(() => db.prepare("INSERT INTO team_members (account_id, team_id, membership_id, person_id, added_at) VALUES ('a1', 't-gone', 'm1', 'p1', 0)").run())
    ).toMatch(/^SQLITE_CONSTRAINT_(PRIMARYKEY|UNIQUE)$/)
    expect(db.prepare("SELECT member_count FROM teams WHERE team_id = 't-gone'").get()).toEqual({ member_count: 1 })
    db.prepare("DELETE FROM teams WHERE team_id = 't-gone'").run()
    expect(db.prepare("SELECT count(*) AS n FROM team_members WHERE team_id = 't-gone'").get()).toEqual({ n: 0 })
    expect(db.prepare("SELECT count(*) AS n FROM memberships WHERE membership_id = 'm1'").get()).toEqual({ n: 1 })
  })

  it('accepts only the five agent permissions', async () => {
    const grant = (permission: string) =>
      db.prepare("INSERT INTO member_permissions (account_id, membership_id, permission, granted_at) VALUES ('a1', 'm1', ?, 0)").run(permission)
    for (const p of ['view-all-tickets', 'delete-tickets', 'export-data', 'manage-macros', 'view-analytics']) expect(await sqliteErrorCode(() => grant(p))).toBeNull()
    expect(await sqliteErrorCode(() => grant('users:manage'))).toBe('SQLITE_CONSTRAINT_CHECK')
    expect(await sqliteErrorCode(() => grant('export-data'))).toBe('SQLITE_CONSTRAINT_PRIMARYKEY')
  })

  it('stores invitation tokens only as unique 32-byte hashes, and keeps the row when the membership goes', async () => {
    const insert = (id: string, hash: Buffer, membership: string | null = 'm1') =>
      db
        .prepare(
          "INSERT INTO invitations (invitation_id, account_id, membership_id, email, token_hash, created_at, expires_at) VALUES (?, 'a1', ?, 'p1@example.com', ?, 0, 1)"
        )
        .run(id, membership, hash)
    insert('i1', Buffer.alloc(32, 1))
    expect(await sqliteErrorCode(() => insert('i2', Buffer.alloc(32, 1)))).toBe('SQLITE_CONSTRAINT_UNIQUE')
    expect(await sqliteErrorCode(() => insert('i3', Buffer.alloc(16, 2)))).toBe('SQLITE_CONSTRAINT_CHECK')
    const columns = (db.prepare('PRAGMA table_info(invitations)').all() as Array<{ name: string }>).map((c) => c.name)
    expect(columns).not.toContain('token')
    db.prepare("INSERT INTO persons (person_id, account_id, email, name, created_at) VALUES ('p2', 'a1', 'p2@example.com', 'P Two', 0)").run()
    db.prepare("INSERT INTO memberships (membership_id, account_id, person_id, role, status, created_at) VALUES ('m2', 'a1', 'p2', 'viewer', 'invited', 0)").run()
    insert('i4', Buffer.alloc(32, 4), 'm2')
    db.prepare("DELETE FROM memberships WHERE membership_id = 'm2'").run()
    expect(db.prepare("SELECT membership_id FROM invitations WHERE invitation_id = 'i4'").get()).toEqual({ membership_id: null })
  })

  it('refuses setting an avatar larger than a 256 KB image as a data URL', async () => {
    const small = `data:image/png;base64,${'A'.repeat(1000)}`
    const huge = `data:image/png;base64,${'A'.repeat(360_000)}`
    expect(await sqliteErrorCode(() => db.prepare("UPDATE persons SET avatar = ? WHERE person_id = 'p1'").run(small))).toBeNull()
    expect(await sqliteErrorCode(() => db.prepare("UPDATE persons SET avatar = ? WHERE person_id = 'p1'").run(huge))).toBe('SQLITE_CONSTRAINT_TRIGGER')
  })

  it('checks the SMTP port and TLS mode, one row per account', async () => {
    const insert = (account: string, port: number, tls: string) =>
      db
        .prepare("INSERT INTO smtp_settings (account_id, host, port, tls, from_address, updated_at) VALUES (?, 'mail.example.com', ?, ?, 'it@example.com', 0)")
        .run(account, port, tls)
    expect(await sqliteErrorCode(() => insert('a1', 587, 'starttls'))).toBeNull()
    expect(await sqliteErrorCode(() => insert('a1', 465, 'tls'))).toBe('SQLITE_CONSTRAINT_PRIMARYKEY')
    expect(await sqliteErrorCode(() => insert('a2', 70000, 'tls'))).toBe('SQLITE_CONSTRAINT_CHECK')
    expect(await sqliteErrorCode(() => insert('a2', 25, 'ssl'))).toBe('SQLITE_CONSTRAINT_CHECK')
  })

  it('answers "is this person in the team", "teams of a member" and email order from indexes', async () => {
    const plan = (sql: string) => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as Array<{ detail: string }>).map((r) => r.detail).join(' | ')
    expect(plan("SELECT 1 FROM team_members WHERE team_id = 't1' AND person_id = 'p1'")).toMatch(/COVERING INDEX team_members_team_person \(team_id=\? AND person_id=\?\)/)
    expect(plan("SELECT team_id FROM team_members WHERE membership_id = 'm1'")).toMatch(/team_members_membership/)
    expect(plan("SELECT person_id FROM persons WHERE email > 'a' ORDER BY email, person_id LIMIT 10")).toMatch(/COVERING INDEX persons_email/)
    expect(plan("SELECT count(*) FROM memberships WHERE account_id = 'a1' AND status = 'invited' AND invite_expires_at <= 5")).toMatch(
      /COVERING INDEX memberships_status_expiry \(account_id=\? AND status=\? AND invite_expires_at<\?\)/
    )
  })

  it('keeps member counts per status through inserts, status changes and deletes', async () => {
    const counts = () => db.prepare("SELECT active, invited, deactivated FROM member_counts WHERE account_id = 'a1'").get()
    const start = counts() as { active: number; invited: number; deactivated: number }
    db.prepare("INSERT INTO persons (person_id, account_id, email, name, created_at) VALUES ('pc', 'a1', 'pc@example.com', 'Counted', 0)").run()
    db.prepare("INSERT INTO memberships (membership_id, account_id, person_id, role, status, created_at) VALUES ('mc', 'a1', 'pc', 'viewer', 'invited', 0)").run()
    expect(counts()).toEqual({ ...start, invited: start.invited + 1 })
    db.prepare("UPDATE memberships SET status = 'active' WHERE membership_id = 'mc'").run()
    expect(counts()).toEqual({ ...start, active: start.active + 1 })
    db.prepare("UPDATE memberships SET status = 'deactivated' WHERE membership_id = 'mc'").run()
    expect(counts()).toEqual({ ...start, deactivated: start.deactivated + 1 })
    db.prepare("DELETE FROM memberships WHERE membership_id = 'mc'").run()
    expect(counts()).toEqual(start)
    const actual = db
      .prepare("SELECT sum(status = 'active') AS active, sum(status = 'invited') AS invited, sum(status = 'deactivated') AS deactivated FROM memberships WHERE account_id = 'a1'")
      .get()
    expect(counts()).toEqual(actual)
  })

  it('fills the member counts from the memberships already there', async () => {
    const older = openMigratedDb(3)
    try {
      older.db.exec(`
        INSERT INTO accounts (account_id, name, plan, seats, created_at) VALUES ('a', 'A', 'paid', 9, 0);
        INSERT INTO persons (person_id, account_id, email, name, created_at) VALUES ('x', 'a', 'x@e.com', 'X', 0), ('y', 'a', 'y@e.com', 'Y', 0), ('z', 'a', 'z@e.com', 'Z', 0);
        INSERT INTO memberships (membership_id, account_id, person_id, role, status, created_at) VALUES
          ('mx', 'a', 'x', 'owner', 'active', 0), ('my', 'a', 'y', 'agent', 'invited', 0), ('mz', 'a', 'z', 'agent', 'deactivated', 0);`)
      const m4 = MIGRATIONS.find((m) => m.version === 4)!
      older.db.transaction(() => older.db.exec(m4.sqlite))()
      older.db.exec("INSERT INTO accounts (account_id, name, plan, seats, created_at) VALUES ('b', 'B', 'paid', 9, 0)")
      expect(older.db.prepare('SELECT account_id, active, invited, deactivated FROM member_counts ORDER BY account_id').all()).toEqual([
        { account_id: 'a', active: 1, invited: 1, deactivated: 1 },
        { account_id: 'b', active: 0, invited: 0, deactivated: 0 }
      ])
    } finally {
      older.dispose()
    }
  })
})
