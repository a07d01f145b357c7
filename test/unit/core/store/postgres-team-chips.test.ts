import pg from 'pg'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { MIGRATIONS } from '../../../../src/main/core/store/migrations'
import { createTestDatabase } from '../../../support/postgres'

const serverUrl = inject('postgresUrl')

// Migration 0010 is PostgreSQL's only (SQLite's schema is unchanged by it): this file runs in the
// postgres project alone, on the server its global setup starts.
// Skipped only when the run has no PostgreSQL server (no postgres project, e.g. a filtered local
// run): the sqlite project never loads this file, and `npm test` always starts the server.
describe.skipIf(!serverUrl)('migration 0010 team-chips (PostgreSQL)', () => {
  let client: pg.Client
  let drop: () => Promise<void>
  let url = ''
  const q = async (sql: string, params: unknown[] = []) => (await client.query(sql, params)).rows
  /** The chips as kept, and as the subquery they replace computes them. */
  const chips = async () =>
    q(`SELECT m.membership_id AS id, m.team_chips::text AS kept,
         coalesce((SELECT json_agg(json_build_object('id', t.team_id, 'name', t.name) ORDER BY t.name, t.team_id)
           FROM team_members tm JOIN teams t ON t.team_id = tm.team_id WHERE tm.membership_id = m.membership_id), '[]'::json)::text AS computed
       FROM memberships m ORDER BY 1`)
  const expectKept = async () => {
    const rows = await chips()
    expect(rows.length).toBeGreaterThan(0)
    for (const r of rows) expect(r.kept, r.id).toBe(r.computed)
  }
  const member = (id: string) => [
    `INSERT INTO persons (person_id, account_id, email, name, created_at) VALUES ('p-${id}', 'a1', '${id}@acme.test', 'Person ${id}', 0)`,
    `INSERT INTO memberships (membership_id, account_id, person_id, role, status, created_at) VALUES ('m-${id}', 'a1', 'p-${id}', 'agent', 'active', 0)`
  ]
  const join = (team: string, ...ids: string[]) =>
    q(`INSERT INTO team_members (account_id, team_id, membership_id, person_id, added_at) VALUES ${ids.map((id) => `('a1', '${team}', 'm-${id}', 'p-${id}', 0)`).join(', ')}`)
  const chipsOf = async (id: string) => JSON.parse((await q('SELECT team_chips::text AS c FROM memberships WHERE membership_id = $1', [`m-${id}`]))[0].c)

  beforeAll(async () => {
    const database = await createTestDatabase(serverUrl)
    drop = database.drop
    url = database.url
    client = new pg.Client({ connectionString: url })
    await client.connect()
    const apply = async (version: number) => {
      await q('BEGIN')
      await q(MIGRATIONS.find((m) => m.version === version)!.postgres)
      await q('COMMIT')
    }
    for (const m of MIGRATIONS) if (m.version < 10) await apply(m.version)
    await q("INSERT INTO accounts (account_id, name, plan, seats, created_at) VALUES ('a1', 'Acme', 'paid', 50, 0)")
    await q("INSERT INTO teams (team_id, account_id, name, created_at) VALUES ('t1', 'a1', 'Tier 2', 0), ('t2', 'a1', 'billing', 0), ('t3', 'a1', 'Admins', 0)")
    for (const id of ['a', 'b', 'c', 'd']) for (const statement of member(id)) await q(statement)
    await join('t1', 'a', 'b')
    await join('t2', 'a')
    // Rows from before the migration get their chips from it.
    await apply(10)
  })
  afterAll(async () => {
    await client?.end()
    await drop?.()
  })

  it('fills the chips of the rows already there, ordered by name as the page showed them', async () => {
    expect(await chipsOf('a')).toEqual([
      { id: 't2', name: 'billing' },
      { id: 't1', name: 'Tier 2' }
    ])
    expect(await chipsOf('c')).toEqual([])
    await expectKept()
  })

  it('keeps both teams when two transactions add one person to two teams at once', async () => {
    for (const statement of member('e')) await q(statement)
    const other = new pg.Client({ connectionString: url })
    await other.connect()
    try {
      await q('BEGIN')
      await q("INSERT INTO team_members (account_id, team_id, membership_id, person_id, added_at) VALUES ('a1', 't1', 'm-e', 'p-e', 0)")
      await other.query('BEGIN')
      // Waits for the first transaction's lock on the membership, then must see its team.
      const second = other.query("INSERT INTO team_members (account_id, team_id, membership_id, person_id, added_at) VALUES ('a1', 't2', 'm-e', 'p-e', 0)")
      await new Promise((resolve) => setTimeout(resolve, 200))
      await q('COMMIT')
      await second
      await other.query('COMMIT')
    } finally {
      await other.end()
    }
    expect((await chipsOf('e')).map((c: { id: string }) => c.id).sort()).toEqual(['t1', 't2'])
    await expectKept()
  })

  it('keeps them through joins of many rows at once, removals, renames (a change of case too) and deletions', async () => {
    await join('t3', 'a', 'b', 'c')
    await expectKept()
    await q("DELETE FROM team_members WHERE team_id = 't1' AND membership_id = 'm-b'")
    await expectKept()
    await q("UPDATE teams SET name = 'Tier 1' WHERE team_id = 't1'")
    await q("UPDATE teams SET name = 'BILLING' WHERE team_id = 't2'")
    expect((await chipsOf('a')).map((c: { name: string }) => c.name)).toEqual(['Admins', 'BILLING', 'Tier 1'])
    await expectKept()
    // A team deleted takes its members' rows by cascade; a membership deleted takes its own.
    await q("DELETE FROM teams WHERE team_id = 't3'")
    expect(await chipsOf('c')).toEqual([])
    await q("DELETE FROM memberships WHERE membership_id = 'm-b'")
    await expectKept()
    // A change that is not a rename leaves the chips alone.
    await q("UPDATE teams SET description = 'x' WHERE team_id = 't1'")
    await expectKept()
  })
})
