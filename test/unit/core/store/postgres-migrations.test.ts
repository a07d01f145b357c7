import Database from 'better-sqlite3-multiple-ciphers'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { MIGRATIONS } from '../../../../src/main/core/store/migrations'
import { createTestDatabase } from '../../../support/postgres'

/**
 * The FTS5 indexes of 0006 (people) and 0019 (audit events), their shadow tables and triggers have
 * no PostgreSQL counterpart (GIN trigram indexes, and a GIN index over a tsvector column, instead).
 */
const SQLITE_ONLY = /^(persons_search|audit_search)(_(insert|delete|update|data|idx|content|docsize|config|terms))?$|^audit_events_search$/

function sqliteSchema(): { columns: Map<string, string[]>; indexes: string[]; triggers: string[] } {
  const db = new Database(':memory:')
  try {
    for (const m of MIGRATIONS) db.transaction(() => db.exec(m.sqlite))()
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").pluck().all() as string[]).filter(
      (t) => !SQLITE_ONLY.test(t)
    )
    const columns = new Map(tables.map((t) => [t, (db.prepare(`PRAGMA table_info(${t})`).all() as Array<{ name: string }>).map((c) => c.name).sort()]))
    const indexes = db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name").pluck().all() as string[]
    const triggers = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name").pluck().all() as string[]).filter((t) => !SQLITE_ONLY.test(t))
    return { columns, indexes, triggers }
  } finally {
    db.close()
  }
}

const serverUrl = inject('postgresUrl')

// Skipped in the sqlite project only: these need the PostgreSQL server that the postgres project's
// global setup starts (test/support/postgres-global-setup.ts); `npm test` runs both projects.
describe.skipIf(!serverUrl)('PostgreSQL migrations', () => {
  let client: pg.Client
  let drop: () => Promise<void>
  const q = async <T extends pg.QueryResultRow = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> =>
    (await client.query<T>(sql, params)).rows
  const counts = async (accountId: string) =>
    (await q('SELECT active, invited, deactivated FROM member_counts WHERE account_id = $1', [accountId]))[0]
  const errorOf = async (sql: string, params: unknown[] = []): Promise<{ code?: string; message: string } | null> => {
    // Autocommit: a failed statement leaves nothing behind.
    try {
      await client.query(sql, params)
      return null
    } catch (error) {
      return error as { code?: string; message: string }
    }
  }

  beforeAll(async () => {
    const database = await createTestDatabase(serverUrl)
    drop = database.drop
    client = new pg.Client({ connectionString: database.url })
    await client.connect()
    for (const m of MIGRATIONS) {
      await client.query('BEGIN')
      try {
        await client.query(m.postgres)
        await client.query('COMMIT')
      } catch (error) {
        await client.query('ROLLBACK')
        throw new Error(`migration ${m.version} ${m.name}: ${String(error)}`)
      }
    }
    // Rows every test below can use.
    await q("INSERT INTO accounts (account_id, name, plan, seats, created_at) VALUES ('a1', 'Acme', 'paid', 5, 0), ('a2', 'Beta', 'trial', 3, 0)")
    await q(`INSERT INTO persons (person_id, account_id, email, name, created_at) VALUES
      ('p1', 'a1', 'Ann@Acme.test', 'Ann Smith', 0), ('p2', 'a1', 'bo@acme.test', 'Bo Jones', 0), ('p3', 'a1', 'cy@acme.test', 'Cy Young', 0)`)
  })
  afterAll(async () => {
    await client?.end()
    await drop?.()
  })

  it('creates the same tables with the same columns as the SQLite migrations', async () => {
    const sqlite = sqliteSchema()
    const rows = await q<{ table_name: string; column_name: string }>(
      "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public' ORDER BY table_name, column_name"
    )
    const postgres = new Map<string, string[]>()
    for (const r of rows) postgres.set(r.table_name, [...(postgres.get(r.table_name) ?? []), r.column_name])
    expect([...postgres.keys()].sort()).toEqual([...sqlite.columns.keys()].sort())
    // The persons' search text exists on PostgreSQL only (SQLite's FTS5 index does its job there),
    // and the team chips kept on memberships (SQLite reads them with one more query). Both keep the
    // memberships' copy of name and email (migrations 0008 and 0011). The text sort keys are
    // PostgreSQL's too (migration 0016: SQLite's NOCASE index compares without lower-casing copies).
    // The audit events' search words are a stored tsvector there (migration 0019).
    const postgresOnly = new Set(['persons.search_text', 'memberships.team_chips', 'persons.name_key', 'persons.email_key', 'audit_events.search'])
    for (const [table, columns] of sqlite.columns) {
      expect({ table, columns: postgres.get(table)?.filter((c) => !postgresOnly.has(`${table}.${c}`)).sort() }).toEqual({ table, columns })
    }
  })

  it('creates the same named indexes (plus the trigram one) and triggers (plus those keeping the search text and the team chips)', async () => {
    const sqlite = sqliteSchema()
    const indexes = await q<{ name: string }>(
      `SELECT i.relname AS name FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_namespace n ON n.oid = i.relnamespace
       WHERE n.nspname = 'public' AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid) ORDER BY 1`
    )
    expect(indexes.map((r) => r.name)).toEqual([...sqlite.indexes, 'persons_search_trgm', 'memberships_search_trgm', 'audit_events_search'].sort())
    const triggers = await q<{ name: string }>("SELECT tgname AS name FROM pg_trigger WHERE NOT tgisinternal ORDER BY 1")
    // One PostgreSQL trigger fills the memberships' copy on insert and on a change of person; SQLite
    // needs one for each (memberships_search_text_person).
    expect(triggers.map((r) => r.name)).toEqual(
      [...sqlite.triggers.filter((t) => t !== 'memberships_search_text_person'), 'team_members_chips_delete', 'team_members_chips_insert', 'teams_chips_rename'].sort()
    )
  })

  it('stores times and growing counters as BIGINT', async () => {
    const rows = await q<{ t: string; c: string; type: string }>(
      `SELECT table_name AS t, column_name AS c, data_type AS type FROM information_schema.columns WHERE table_schema = 'public'
       AND (column_name LIKE '%\\_at' OR column_name IN ('time', 'locked_until', 'seq', 'tree_size', 'log_id', 'head_id', 'login_event_id', 'set_by_event', 'audit_seq', 'ledger_id'))`
    )
    expect(rows.length).toBeGreaterThan(20)
    expect(rows.filter((r) => r.type !== 'bigint')).toEqual([])
  })

  it('assigns ids to rowid-alias tables and starts the ledger state', async () => {
    await q(`INSERT INTO login_events (account_id, time, principal_kind, email_tried, method, result) VALUES
      ('a1', 1, 'member', 'x@acme.test', 'password', 'failure'), ('a1', 2, 'member', 'x@acme.test', 'password', 'failure')`)
    expect((await q('SELECT login_event_id FROM login_events ORDER BY 1')).map((r) => Number(r.login_event_id))).toEqual([1, 2])
    await q("INSERT INTO ledger_heads (tree_size, root, signed_at, reason, key_id, signature) VALUES (0, '\\x00'::bytea, 0, 'r', 'k', '\\x00'::bytea)")
    expect(Number((await q('SELECT head_id FROM ledger_heads'))[0]!.head_id)).toBe(1)
    const state = (await q<{ tree_size: string; frontier: Buffer }>('SELECT tree_size, frontier FROM ledger_state'))[0]!
    expect(Number(state.tree_size)).toBe(0)
    expect(state.frontier).toEqual(Buffer.alloc(0))
    expect((await errorOf("INSERT INTO ledger_state (ledger_id, tree_size, frontier) VALUES (2, 0, ''::bytea)"))?.code).toBe('23514')
  })

  it('keeps member_counts by trigger: new accounts, membership insert, status change, delete', async () => {
    expect(await counts('a1')).toEqual({ active: 0, invited: 0, deactivated: 0 })
    expect(await counts('a2')).toEqual({ active: 0, invited: 0, deactivated: 0 })
    await q(`INSERT INTO memberships (membership_id, account_id, person_id, role, status, created_at) VALUES
      ('m1', 'a1', 'p1', 'owner', 'active', 0), ('m2', 'a1', 'p2', 'admin', 'invited', 0), ('m3', 'a1', 'p3', 'agent', 'deactivated', 0),
      ('m4', 'a2', 'p1', 'owner', 'active', 0)`)
    expect(await counts('a1')).toEqual({ active: 1, invited: 1, deactivated: 1 })
    expect(await counts('a2')).toEqual({ active: 1, invited: 0, deactivated: 0 })
    await q("UPDATE memberships SET status = 'active' WHERE membership_id = 'm2'")
    expect(await counts('a1')).toEqual({ active: 2, invited: 0, deactivated: 1 })
    // Same status again, or another column: no change.
    await q("UPDATE memberships SET status = 'active', role = 'viewer' WHERE membership_id = 'm2'")
    await q("UPDATE memberships SET last_login_at = 5 WHERE membership_id = 'm3'")
    expect(await counts('a1')).toEqual({ active: 2, invited: 0, deactivated: 1 })
    await q("UPDATE memberships SET status = 'deactivated' WHERE membership_id = 'm1'")
    expect(await counts('a1')).toEqual({ active: 1, invited: 0, deactivated: 2 })
    await q("DELETE FROM memberships WHERE membership_id = 'm3'")
    expect(await counts('a1')).toEqual({ active: 1, invited: 0, deactivated: 1 })
    expect(await counts('a2')).toEqual({ active: 1, invited: 0, deactivated: 0 })
    // At most one Owner per account.
    expect((await errorOf("INSERT INTO memberships (membership_id, account_id, person_id, role, status, created_at) VALUES ('m5', 'a2', 'p2', 'owner', 'active', 0)"))?.code).toBe('23505')
  })

  it('keeps teams.member_count by trigger, and ON CONFLICT DO NOTHING adds no one twice', async () => {
    await q("INSERT INTO teams (team_id, account_id, name, created_at) VALUES ('t1', 'a1', 'Support', 0)")
    const add = "INSERT INTO team_members (account_id, team_id, membership_id, person_id, added_at) VALUES ('a1', 't1', $1, $2, 0) ON CONFLICT DO NOTHING"
    await q(add, ['m1', 'p1'])
    await q(add, ['m2', 'p2'])
    await q(add, ['m1', 'p1'])
    const memberCount = async () => (await q('SELECT member_count FROM teams WHERE team_id = $1', ['t1']))[0]!.member_count
    expect(await memberCount()).toBe(2)
    await q("DELETE FROM team_members WHERE membership_id = 'm2'")
    expect(await memberCount()).toBe(1)
    // Deleting the membership cascades to team_members, and the trigger still counts it.
    await q("DELETE FROM memberships WHERE membership_id = 'm1'")
    expect(await memberCount()).toBe(0)
    // Team names are unique per account whatever the case.
    expect((await errorOf("INSERT INTO teams (team_id, account_id, name, created_at) VALUES ('t2', 'a1', 'SUPPORT', 0)"))?.code).toBe('23505')
  })

  it('refuses an avatar over 349,600 characters', async () => {
    await q("UPDATE persons SET avatar = $1 WHERE person_id = 'p2'", ['x'.repeat(349_600)])
    const error = await errorOf("UPDATE persons SET avatar = $1 WHERE person_id = 'p2'", ['x'.repeat(349_601)])
    expect(error?.message).toBe('avatar larger than 256 KB')
    await q("UPDATE persons SET avatar = NULL WHERE person_id = 'p2'")
  })

  it('compares emails, names and team names case-insensitively (citext)', async () => {
    const error = await errorOf("INSERT INTO persons (person_id, account_id, email, name, created_at) VALUES ('p9', 'a1', 'ANN@acme.TEST', 'Ann Again', 0)")
    expect(error?.code).toBe('23505')
    expect((await q("SELECT person_id FROM persons WHERE email = $1", ['ann@acme.test'])).map((r) => r.person_id)).toEqual(['p1'])
    expect((await q("SELECT person_id FROM persons WHERE name = 'ann smith'")).map((r) => r.person_id)).toEqual(['p1'])
    // One current support agent per email, whatever the case; a removed agent does not count.
    await q("INSERT INTO support_agents (agent_id, email, name, password_hash, created_at, removed_at) VALUES ('s1', 'Sam@vendor.test', 'Sam', 'h', 0, 1)")
    await q("INSERT INTO support_agents (agent_id, email, name, password_hash, created_at) VALUES ('s2', 'sam@vendor.test', 'Sam', 'h', 0)")
    expect((await errorOf("INSERT INTO support_agents (agent_id, email, name, password_hash, created_at) VALUES ('s3', 'SAM@vendor.test', 'Sam', 'h', 0)"))?.code).toBe('23505')
  })

  it('keeps the CHECK constraints', async () => {
    const invitation = "INSERT INTO invitations (invitation_id, account_id, email, token_hash, created_at, expires_at) VALUES ($1, 'a1', 'i@acme.test', $2, 0, 1)"
    await q(invitation, ['i1', Buffer.alloc(32, 1)])
    expect((await errorOf(invitation, ['i2', Buffer.alloc(31, 2)]))?.code).toBe('23514')
    expect((await errorOf(invitation, ['i3', Buffer.alloc(32, 1)]))?.code).toBe('23505')
    expect((await errorOf("UPDATE persons SET theme = 'pink' WHERE person_id = 'p1'"))?.code).toBe('23514')
    expect((await q("SELECT theme FROM persons WHERE person_id = 'p1'"))[0]!.theme).toBe('system')
    expect((await q("SELECT language FROM persons WHERE person_id = 'p1'"))[0]!.language).toBe('en')
    expect((await errorOf("UPDATE persons SET language = 'fr' WHERE person_id = 'p1'"))?.code).toBe('23514')
    expect((await errorOf("UPDATE persons SET language = NULL WHERE person_id = 'p1'"))?.code).toBe('23502')
    const access = `INSERT INTO support_access (account_id, state, scope, duration, started_at, ends_at, changed_at, changed_by_kind, changed_by_name)
      VALUES ('a1', $1, 'full', $2, 10, $3, 0, 'member', 'Ann')`
    expect((await errorOf(access, ['on', 'indefinite', 20]))?.code).toBe('23514')
    expect((await errorOf(access, ['on', 'day', null]))?.code).toBe('23514')
    expect((await errorOf(access, ['on', 'day', 5]))?.code).toBe('23514')
    expect(await errorOf(access, ['off', 'day', null])).toBeNull()
    await q("INSERT INTO audit_events (seq, time, actor_kind, actor_name, action, summary, target_type, leaf_hash) VALUES (1, 0, 'system', 'S', 'x', 'x', 'x', '\\x00'::bytea)")
    const log = `INSERT INTO support_access_log (account_id, time, action, actor_kind, owner_name, owner_email, duration, scope, sessions_ended, audit_seq)
      VALUES ('a1', 0, $1, $2, 'Ann', $3, 'day', 'full', 0, 1)`
    expect((await errorOf(log, ['expire', 'member', 'a@acme.test']))?.code).toBe('23514')
    expect((await errorOf(log, ['extend', 'member', null]))?.code).toBe('23514')
    expect(await errorOf(log, ['expire', 'system', null])).toBeNull()
    // Identity values used by the refused rows are not given back (SQLite's rowid would reuse them): gaps, still increasing.
    expect((await q('SELECT log_id FROM support_access_log')).map((r) => Number(r.log_id))).toEqual([3])
    expect((await errorOf("INSERT INTO smtp_settings (account_id, host, port, tls, from_address, updated_at) VALUES ('a2', 'h', 0, 'tls', 'f', 0)"))?.code).toBe('23514')
  })

  it('serves substring search of names and emails from one trigram index over the search text, kept in step on memberships', async () => {
    // On a table this small the planner may read another index whole and filter every row instead (a
    // new column's width was enough to tip it); price that filter as the large tables it is for would.
    await q('SET enable_seqscan = off')
    await q('SET cpu_operator_cost = 0.25')
    try {
      const plan = (await q("EXPLAIN SELECT person_id FROM persons WHERE search_text LIKE '%smi%'"))
        .map((r) => String(r['QUERY PLAN']))
        .join('\n')
      expect(plan).toContain('persons_search_trgm')
    } finally {
      await q('RESET enable_seqscan')
      await q('RESET cpu_operator_cost')
    }
    expect((await q("SELECT person_id FROM persons WHERE search_text LIKE '%smi%'")).map((r) => r.person_id)).toEqual(['p1'])
    // Name and email, lowered, with U+0001 between them: a term never matches across the two.
    expect((await q("SELECT search_text FROM persons WHERE person_id = 'p1'"))[0]!.search_text).toBe('ann smith\u0001ann@acme.test')
    expect(await q("SELECT person_id FROM persons WHERE search_text LIKE '%smithann%' OR search_text LIKE '%smith ann%'")).toEqual([])
    await q("INSERT INTO memberships (membership_id, account_id, person_id, role, status, created_at) VALUES ('m-st', 'a2', 'p2', 'viewer', 'active', 0)")
    expect((await q("SELECT search_text FROM memberships WHERE membership_id = 'm-st'"))[0]!.search_text).toBe('bo jones\u0001bo@acme.test')
    await q("UPDATE persons SET name = 'Bo Ravel', email = 'BO@ravel.test' WHERE person_id = 'p2'")
    expect((await q("SELECT search_text FROM memberships WHERE membership_id = 'm-st'"))[0]!.search_text).toBe('bo ravel\u0001bo@ravel.test')
    await q("DELETE FROM memberships WHERE membership_id = 'm-st'")
    await q("UPDATE persons SET name = 'Bo Jones', email = 'bo@acme.test' WHERE person_id = 'p2'")
  })

  it('keeps the status counts of each team and the copies of status and end of invitation on its members', async () => {
    const kept = async () =>
      (await q<{ active: number; invited: number; deactivated: number }>("SELECT members_active AS active, members_invited AS invited, members_deactivated AS deactivated FROM teams WHERE team_id = 'tc1'"))[0]
    await q("INSERT INTO teams (team_id, account_id, name, created_at) VALUES ('tc1', 'a2', 'Counted', 0)")
    await q(`INSERT INTO memberships (membership_id, account_id, person_id, role, status, invite_expires_at, created_at) VALUES
      ('mc1', 'a2', 'p2', 'agent', 'active', NULL, 0), ('mc2', 'a2', 'p3', 'agent', 'invited', 100, 0)`)
    await q("INSERT INTO team_members (account_id, team_id, membership_id, person_id, added_at) VALUES ('a2', 'tc1', 'mc1', 'p2', 0), ('a2', 'tc1', 'mc2', 'p3', 0)")
    expect(await kept()).toEqual({ active: 1, invited: 1, deactivated: 0 })
    expect((await q("SELECT status, invite_expires_at FROM team_members WHERE membership_id = 'mc2'"))[0]).toEqual({ status: 'invited', invite_expires_at: '100' })
    await q("UPDATE memberships SET status = 'deactivated' WHERE membership_id = 'mc1'")
    await q("UPDATE memberships SET invite_expires_at = 500 WHERE membership_id = 'mc2'")
    expect(await kept()).toEqual({ active: 0, invited: 1, deactivated: 1 })
    expect((await q("SELECT invite_expires_at FROM team_members WHERE membership_id = 'mc2'"))[0]).toEqual({ invite_expires_at: '500' })
    await q("DELETE FROM memberships WHERE membership_id = 'mc2'")
    expect(await kept()).toEqual({ active: 0, invited: 0, deactivated: 1 })
    await q("DELETE FROM team_members WHERE membership_id = 'mc1'")
    expect(await kept()).toEqual({ active: 0, invited: 0, deactivated: 0 })
    await q("DELETE FROM memberships WHERE membership_id = 'mc1'")
    await q("DELETE FROM teams WHERE team_id = 'tc1'")
  })
})
