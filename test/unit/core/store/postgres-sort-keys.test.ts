import pg from 'pg'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { MIGRATIONS } from '../../../../src/main/core/store/migrations'
import { createTestDatabase } from '../../../support/postgres'

const serverUrl = inject('postgresUrl')

// Migration 0016 changes PostgreSQL's schema only (on SQLite it is a no-op): this file runs in the
// postgres project alone, on the server its global setup starts. Skipped only when the run has no
// PostgreSQL server (a filtered local run of the sqlite project); `npm test` always starts it.
describe.skipIf(!serverUrl)('migration 0016 sort-keys (PostgreSQL)', () => {
  let client: pg.Client
  let drop: () => Promise<void>
  const q = async (sql: string, params: unknown[] = []) => (await client.query(sql, params)).rows
  const person = (id: string, name: string, email: string) =>
    q(`INSERT INTO persons (person_id, account_id, email, name, created_at) VALUES ($1, 'a1', $2, $3, 0)`, [id, email, name])
  const ids = async (order: string) => (await q(`SELECT person_id FROM persons ORDER BY ${order}`)).map((r) => r.person_id as string)

  beforeAll(async () => {
    const database = await createTestDatabase(serverUrl)
    drop = database.drop
    client = new pg.Client({ connectionString: database.url })
    await client.connect()
    const apply = async (version: number) => {
      const migration = MIGRATIONS.find((m) => m.version === version)!
      await q('BEGIN')
      await q(migration.postgres)
      await q('COMMIT')
      if (migration.postgresAfter) await q(migration.postgresAfter)
    }
    for (const m of MIGRATIONS) if (m.version < 16) await apply(m.version)
    await q("INSERT INTO accounts (account_id, name, plan, seats, created_at) VALUES ('a1', 'Acme', 'paid', 50, 0)")
    // Rows from before the migration: mixed case, ties that differ in case only.
    await person('p-1', 'zoe Adams', 'Zoe@acme.test')
    await person('p-2', 'Bob Brown', 'bob@acme.test')
    await person('p-3', 'BOB BROWN', 'BOB.BROWN@acme.test')
    await person('p-0', 'bob brown', 'Aaron@acme.test')
    await apply(16)
  })
  afterAll(async () => {
    await client?.end()
    await drop?.()
  })

  it('gives every person text keys that sort exactly as the citext columns do', async () => {
    const rows = await q('SELECT person_id, name_key, email_key, lower(name::text) AS n, lower(email::text) AS e FROM persons')
    for (const r of rows) expect([r.name_key, r.email_key]).toEqual([r.n, r.e])
    expect(await ids('name_key, person_id')).toEqual(await ids('name, person_id'))
    expect(await ids('email_key, person_id')).toEqual(await ids('email, person_id'))
    expect(await ids('name_key, person_id')).toEqual(['p-0', 'p-2', 'p-3', 'p-1'])
  })

  it('keeps the keys current through new people and renames (case only too), and the code cannot write them', async () => {
    await person('p-4', 'Ännie Ärmel', 'ANNIE@acme.test')
    await q("UPDATE persons SET name = 'ZOE ADAMS', email = 'zoe.adams@acme.test' WHERE person_id = 'p-1'")
    const keys = await q("SELECT person_id, name_key, email_key FROM persons WHERE person_id IN ('p-1', 'p-4') ORDER BY person_id")
    expect(keys).toEqual([
      { person_id: 'p-1', name_key: 'zoe adams', email_key: 'zoe.adams@acme.test' },
      // The database's C collation folds ASCII only, as citext and SQLite's NOCASE do.
      { person_id: 'p-4', name_key: 'Ännie Ärmel', email_key: 'annie@acme.test' }
    ])
    await expect(q("UPDATE persons SET name_key = 'x' WHERE person_id = 'p-1'")).rejects.toThrow(/can only be updated to DEFAULT/)
  })

  it('resumes a walk by name or email on the text key, from the index alone', async () => {
    await q('SET enable_seqscan = off')
    for (const key of ['name_key', 'email_key']) {
      const plan = (await q(`EXPLAIN SELECT person_id FROM persons WHERE (${key}, person_id) > ('b', '') ORDER BY ${key}, person_id LIMIT 100`))
        .map((r) => r['QUERY PLAN'] as string)
        .join('\n')
      expect(plan).toMatch(new RegExp(`Index Only Scan using persons_${key.replace('_key', '')} on persons`))
      expect(plan).toMatch(new RegExp(`Index Cond: \\(ROW\\(${key}, person_id\\) >`))
      expect(plan).not.toMatch(/Sort/)
    }
    await q('RESET enable_seqscan')
  })
})
