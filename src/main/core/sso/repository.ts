import type { Executor } from '../store/port'
import { all, one, run, sql } from '../store/sql'

export type SsoSlot = 'active' | 'draft'

/** A stored connection; `config` is the JSON of the settings without secrets, `secret` sealed (base64). */
export interface SsoConnectionRow {
  id: string
  accountId: string
  slot: SsoSlot
  protocol: 'oidc' | 'saml'
  preset: string
  config: string
  secret: string | null
  configHash: string
  createdAt: number
  updatedAt: number
  updatedBy: string
}

export interface SsoTestRow {
  testId: string
  connectionId: string
  configHash: string
  startedAt: number
  finishedAt: number
  ranById: string
  ranByName: string
  result: 'passed' | 'failed'
  report: string
}

const CONNECTION_COLUMNS = sql`connection_id AS id, account_id AS "accountId", slot, protocol, preset, config, secret, config_hash AS "configHash",
  created_at AS "createdAt", updated_at AS "updatedAt", updated_by AS "updatedBy"`

function connectionOf(row: SsoConnectionRow | undefined): SsoConnectionRow | undefined {
  return row && { ...row, createdAt: Number(row.createdAt), updatedAt: Number(row.updatedAt) }
}

export async function findConnection(q: Executor, accountId: string, slot: SsoSlot): Promise<SsoConnectionRow | undefined> {
  return connectionOf(await one(q, sql<SsoConnectionRow>`SELECT ${CONNECTION_COLUMNS} FROM sso_connections WHERE account_id = ${accountId} AND slot = ${slot}`))
}

export async function insertConnection(q: Executor, row: SsoConnectionRow): Promise<void> {
  await run(
    q,
    sql`INSERT INTO sso_connections (connection_id, account_id, slot, protocol, preset, config, secret, config_hash, created_at, updated_at, updated_by)
      VALUES (${row.id}, ${row.accountId}, ${row.slot}, ${row.protocol}, ${row.preset}, ${row.config}, ${row.secret}, ${row.configHash}, ${row.createdAt}, ${row.updatedAt}, ${row.updatedBy})`
  )
}

export async function updateConnection(q: Executor, row: Pick<SsoConnectionRow, 'id' | 'preset' | 'config' | 'secret' | 'configHash' | 'updatedAt' | 'updatedBy'>): Promise<void> {
  await run(
    q,
    sql`UPDATE sso_connections SET preset = ${row.preset}, config = ${row.config}, secret = ${row.secret}, config_hash = ${row.configHash},
      updated_at = ${row.updatedAt}, updated_by = ${row.updatedBy} WHERE connection_id = ${row.id}`
  )
}

export async function insertTest(q: Executor, accountId: string, row: SsoTestRow): Promise<void> {
  await run(
    q,
    sql`INSERT INTO sso_tests (test_id, account_id, connection_id, config_hash, started_at, finished_at, ran_by_id, ran_by_name, result, report)
      VALUES (${row.testId}, ${accountId}, ${row.connectionId}, ${row.configHash}, ${row.startedAt}, ${row.finishedAt}, ${row.ranById}, ${row.ranByName}, ${row.result}, ${row.report})`
  )
}

const TEST_COLUMNS = sql`test_id AS "testId", connection_id AS "connectionId", config_hash AS "configHash", started_at AS "startedAt",
  finished_at AS "finishedAt", ran_by_id AS "ranById", ran_by_name AS "ranByName", result, report`

function testOf(row: SsoTestRow | undefined): SsoTestRow | undefined {
  return row && { ...row, startedAt: Number(row.startedAt), finishedAt: Number(row.finishedAt) }
}

/** The newest test of a connection. */
export async function findLastTest(q: Executor, connectionId: string): Promise<SsoTestRow | undefined> {
  return testOf(await one(q, sql<SsoTestRow>`SELECT ${TEST_COLUMNS} FROM sso_tests WHERE connection_id = ${connectionId} ORDER BY finished_at DESC, test_id DESC LIMIT 1`))
}

export async function findTest(q: Executor, accountId: string, testId: string): Promise<SsoTestRow | undefined> {
  return testOf(await one(q, sql<SsoTestRow>`SELECT ${TEST_COLUMNS} FROM sso_tests WHERE account_id = ${accountId} AND test_id = ${testId}`))
}

/** The account's membership for an email address, for a test's "who this maps to". */
export async function findMemberByEmail(
  q: Executor,
  accountId: string,
  email: string
): Promise<{ name: string; email: string; role: 'owner' | 'admin' | 'agent' | 'viewer'; status: 'active' | 'invited' | 'deactivated' } | undefined> {
  const rows = await all(
    q,
    sql<{ name: string; email: string; role: 'owner' | 'admin' | 'agent' | 'viewer'; status: 'active' | 'invited' | 'deactivated' }>`SELECT p.name, p.email, m.role, m.status
      FROM persons p JOIN memberships m ON m.person_id = p.person_id AND m.account_id = ${accountId} WHERE p.email = ${email}`
  )
  return rows[0]
}
