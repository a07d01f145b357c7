import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { migrate, type Db } from '../../../../../src/main/core/store/connection'
import { MIGRATIONS } from '../../../../../src/main/core/store/migrations'
import { openMigratedDb, schemaNames, sqliteErrorCode, tablesWithoutAccountId } from '../../../../support/core'

describe('migration 0001 accounts-people', () => {
  let db: Db
  let dispose: () => void
  const insertAccount = (id: string) =>
    db.prepare("INSERT INTO accounts (account_id, name, plan, seats, created_at) VALUES (?, 'Acme', 'paid', 10, 0)").run(id)
  const insertPerson = (id: string, email: string, account = 'a1') =>
    db.prepare('INSERT INTO persons (person_id, account_id, email, name, created_at) VALUES (?, ?, ?, ?, 0)').run(id, account, email, `Person ${id}`)
  const insertMembership = (id: string, person: string, role: string, status = 'active', account = 'a1') =>
    db
      .prepare('INSERT INTO memberships (membership_id, account_id, person_id, role, status, created_at) VALUES (?, ?, ?, ?, ?, 0)')
      .run(id, account, person, role, status)

  beforeAll(() => {
    ;({ db, dispose } = openMigratedDb(1))
    insertAccount('a1')
    insertAccount('a2')
  })
  afterAll(() => dispose())

  it('records version 1 and creates exactly its three tables and their indexes', async () => {
    expect(db.pragma('user_version', { simple: true })).toBe(1)
    expect(schemaNames(db, 'table')).toEqual(['accounts', 'memberships', 'persons'])
    expect(schemaNames(db, 'index', 'persons')).toEqual(['persons_name'])
    expect(schemaNames(db, 'index', 'memberships')).toEqual([
      'memberships_last_login',
      'memberships_one_owner',
      'memberships_person',
      'memberships_status'
    ])
  })

  it('gives every table an account_id column', async () => {
    expect(tablesWithoutAccountId(db)).toEqual([])
  })

  it('keeps persons and memberships separate: one person can belong to two accounts', async () => {
    insertPerson('p-multi', 'multi@example.com')
    insertMembership('m-multi-1', 'p-multi', 'agent', 'active', 'a1')
    insertMembership('m-multi-2', 'p-multi', 'viewer', 'active', 'a2')
    expect(db.prepare("SELECT count(*) AS n FROM memberships WHERE person_id = 'p-multi'").get()).toEqual({ n: 2 })
    // ...but only once per account.
    expect(await sqliteErrorCode(() => insertMembership('m-multi-3', 'p-multi', 'admin', 'active', 'a1'))).toBe('SQLITE_CONSTRAINT_UNIQUE')
  })

  it('makes email unique ignoring case', async () => {
    insertPerson('p-case', 'Casey.Jones@Example.com')
    expect(await sqliteErrorCode(() => insertPerson('p-case-2', 'casey.jones@example.COM'))).toBe('SQLITE_CONSTRAINT_UNIQUE')
    expect(db.prepare('SELECT person_id FROM persons WHERE email = ?').get('CASEY.JONES@EXAMPLE.COM')).toEqual({ person_id: 'p-case' })
  })

  it('allows at most one owner per account (partial unique index), any number of other roles', async () => {
    insertPerson('p-o1', 'owner1@example.com')
    insertPerson('p-o2', 'owner2@example.com')
    insertPerson('p-o3', 'owner3@example.com')
    insertMembership('m-o1', 'p-o1', 'owner')
    expect(await sqliteErrorCode(() => insertMembership('m-o2', 'p-o2', 'owner'))).toBe('SQLITE_CONSTRAINT_UNIQUE')
    // Another account has its own owner.
    insertMembership('m-o3', 'p-o3', 'owner', 'active', 'a2')
    // Demoting does not bypass it: promoting a second member is refused too.
    insertMembership('m-o2-admin', 'p-o2', 'admin')
    expect(await sqliteErrorCode(() => db.prepare("UPDATE memberships SET role = 'owner' WHERE membership_id = 'm-o2-admin'").run())).toBe(
      'SQLITE_CONSTRAINT_UNIQUE'
    )
    for (let i = 0; i < 3; i++) {
      insertPerson(`p-admin-${i}`, `admin${i}@example.com`)
      insertMembership(`m-admin-${i}`, `p-admin-${i}`, 'admin')
    }
    expect(db.prepare("SELECT count(*) AS n FROM memberships WHERE account_id = 'a1' AND role = 'owner'").get()).toEqual({ n: 1 })
  })

  it('refuses roles, statuses, plans and seat counts outside the CHECKs', async () => {
    insertPerson('p-check', 'check@example.com')
    expect(await sqliteErrorCode(() => insertMembership('m-c1', 'p-check', 'superuser'))).toBe('SQLITE_CONSTRAINT_CHECK')
    expect(await sqliteErrorCode(() => insertMembership('m-c2', 'p-check', 'agent', 'banned'))).toBe('SQLITE_CONSTRAINT_CHECK')
    expect(await sqliteErrorCode(() => insertMembership('m-c3', 'p-check', 'Agent'))).toBe('SQLITE_CONSTRAINT_CHECK')
    expect(
      await sqliteErrorCode(() => db.prepare("INSERT INTO accounts (account_id, name, plan, seats, created_at) VALUES ('a3', 'X', 'free', 1, 0)").run())
    ).toBe('SQLITE_CONSTRAINT_CHECK')
    expect(
      await sqliteErrorCode(() => db.prepare("INSERT INTO accounts (account_id, name, plan, seats, created_at) VALUES ('a4', 'X', 'trial', 0, 0)").run())
    ).toBe('SQLITE_CONSTRAINT_CHECK')
    for (const role of ['owner', 'admin', 'agent', 'viewer']) {
      for (const status of ['active', 'invited', 'deactivated']) {
        if (role === 'owner') continue
        const id = `${role}-${status}`
        insertPerson(`p-${id}`, `${id}@example.com`)
        insertMembership(`m-${id}`, `p-${id}`, role, status)
      }
    }
  })

  it('enforces foreign keys to accounts and persons', async () => {
    expect(await sqliteErrorCode(() => insertPerson('p-orphan', 'orphan@example.com', 'no-such-account'))).toBe('SQLITE_CONSTRAINT_FOREIGNKEY')
    expect(await sqliteErrorCode(() => insertMembership('m-orphan', 'no-such-person', 'agent'))).toBe('SQLITE_CONSTRAINT_FOREIGNKEY')
  })

  it('defaults last_login_at to 0 (never) and the idle timeout to 30 minutes', async () => {
    insertPerson('p-default', 'default@example.com')
    insertMembership('m-default', 'p-default', 'viewer')
    expect(db.prepare("SELECT last_login_at FROM memberships WHERE membership_id = 'm-default'").get()).toEqual({ last_login_at: 0 })
    expect(db.prepare("SELECT idle_timeout_minutes FROM accounts WHERE account_id = 'a1'").get()).toEqual({ idle_timeout_minutes: 30 })
  })

  it('is upgraded in place by migrate(), keeping its rows', async () => {
    const before = db.prepare('SELECT count(*) AS n FROM persons').get()
    expect(migrate(db)).toBe(MIGRATIONS.length)
    expect(db.prepare('SELECT count(*) AS n FROM persons').get()).toEqual(before)
    expect(tablesWithoutAccountId(db)).toEqual([])
    // A second run is a no-op.
    expect(migrate(db)).toBe(MIGRATIONS.length)
  })
})
