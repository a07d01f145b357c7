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
  /** Set while people sign in with it (the active connection only). */
  enabledAt: number | null
  enabledBy: string | null
  mode: 'offered' | 'enforced' | null
  provisioning: 'jit' | 'pre' | null
  defaultRole: 'admin' | 'agent' | 'viewer' | null
  /** The team ids a just-in-time member joins (migration 0018). */
  defaultTeams: string[]
  /** OIDC: the provider's signing keys, as the hourly check last found them (migration 0018). */
  keysCheckedAt: number | null
  keysFailingSince: number | null
  keysError: string | null
  /** SAML metadata from a URL: the last change a re-fetch found (JSON { at, changes }). */
  metadataChange: string | null
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
  created_at AS "createdAt", updated_at AS "updatedAt", updated_by AS "updatedBy", enabled_at AS "enabledAt", enabled_by AS "enabledBy", mode, provisioning,
  default_role AS "defaultRole", default_teams AS "defaultTeams", keys_checked_at AS "keysCheckedAt", keys_failing_since AS "keysFailingSince", keys_error AS "keysError", metadata_change AS "metadataChange"`

const numberOrNull = (value: number | null) => (value === null ? null : Number(value))

function connectionOf(row: (Omit<SsoConnectionRow, 'defaultTeams'> & { defaultTeams: string | string[] }) | undefined): SsoConnectionRow | undefined {
  return (
    row && {
      ...row,
      createdAt: Number(row.createdAt),
      updatedAt: Number(row.updatedAt),
      enabledAt: numberOrNull(row.enabledAt),
      keysCheckedAt: numberOrNull(row.keysCheckedAt),
      keysFailingSince: numberOrNull(row.keysFailingSince),
      defaultTeams: typeof row.defaultTeams === 'string' ? (JSON.parse(row.defaultTeams) as string[]) : row.defaultTeams
    }
  )
}

/** Every connection of every account, with the account's name (the CLI's `sso status`). */
export async function listConnections(q: Executor): Promise<Array<SsoConnectionRow & { accountName: string }>> {
  const rows = await all(
    q,
    sql<SsoConnectionRow & { accountName: string }>`SELECT ${CONNECTION_COLUMNS}, (SELECT a.name FROM accounts a WHERE a.account_id = c.account_id) AS "accountName"
      FROM sso_connections c ORDER BY account_id, slot`
  )
  return rows.map((r) => ({ ...connectionOf(r)!, accountName: r.accountName }))
}

/** Every account's connection that people sign in with now (few: one per account at most). */
export async function findEnabledConnections(q: Executor): Promise<SsoConnectionRow[]> {
  return (await all(q, sql<SsoConnectionRow>`SELECT ${CONNECTION_COLUMNS} FROM sso_connections WHERE slot = 'active' AND enabled_at IS NOT NULL`)).map((r) => connectionOf(r)!)
}

/** The draft becomes the active connection (the one before it goes, with its tests). */
export async function promoteDraft(q: Executor, accountId: string): Promise<void> {
  await run(q, sql`DELETE FROM sso_connections WHERE account_id = ${accountId} AND slot = 'active'`)
  await run(q, sql`UPDATE sso_connections SET slot = 'active' WHERE account_id = ${accountId} AND slot = 'draft'`)
}

export async function setEnabled(
  q: Executor,
  connectionId: string,
  on: { at: number; by: string; mode: 'offered' | 'enforced'; provisioning: 'jit' | 'pre'; defaultRole: 'admin' | 'agent' | 'viewer'; defaultTeams: readonly string[] } | null
): Promise<void> {
  await run(
    q,
    on
      ? sql`UPDATE sso_connections SET enabled_at = ${on.at}, enabled_by = ${on.by}, mode = ${on.mode}, provisioning = ${on.provisioning}, default_role = ${on.defaultRole},
          default_teams = ${JSON.stringify(on.defaultTeams)} WHERE connection_id = ${connectionId}`
      : sql`UPDATE sso_connections SET enabled_at = NULL, enabled_by = NULL WHERE connection_id = ${connectionId}`
  )
}

/** Whether the account's people (but the Owner) must sign in with SSO. */
export async function ssoEnforced(q: Executor, accountId: string): Promise<boolean> {
  const row = await one(q, sql<{ n: number }>`SELECT count(*) AS n FROM sso_connections WHERE account_id = ${accountId} AND slot = 'active' AND enabled_at IS NOT NULL AND mode = 'enforced'`)
  return Number(row?.n ?? 0) > 0
}

/** The name the identity provider gives, taken when an invitation is accepted by SSO (as the acceptance form would). */
export async function setPersonName(q: Executor, personId: string, name: string): Promise<void> {
  await run(q, sql`UPDATE persons SET name = ${name} WHERE person_id = ${personId}`)
}

/** A person's first SSO sign-in accepts their invitation, or a just-in-time member starts active. */
export async function activateMembership(q: Executor, membershipId: string, now: number): Promise<void> {
  await run(q, sql`UPDATE memberships SET status = 'active', invite_expires_at = NULL, last_login_at = ${now} WHERE membership_id = ${membershipId}`)
  await run(q, sql`UPDATE invitations SET used_at = ${now} WHERE membership_id = ${membershipId} AND used_at IS NULL AND revoked_at IS NULL`)
}

export async function findConnection(q: Executor, accountId: string, slot: SsoSlot): Promise<SsoConnectionRow | undefined> {
  return connectionOf(await one(q, sql<SsoConnectionRow>`SELECT ${CONNECTION_COLUMNS} FROM sso_connections WHERE account_id = ${accountId} AND slot = ${slot}`))
}

export async function insertConnection(q: Executor, row: Pick<SsoConnectionRow, 'id' | 'accountId' | 'slot' | 'protocol' | 'preset' | 'config' | 'secret' | 'configHash' | 'createdAt' | 'updatedAt' | 'updatedBy'>): Promise<void> {
  await run(
    q,
    sql`INSERT INTO sso_connections (connection_id, account_id, slot, protocol, preset, config, secret, config_hash, created_at, updated_at, updated_by)
      VALUES (${row.id}, ${row.accountId}, ${row.slot}, ${row.protocol}, ${row.preset}, ${row.config}, ${row.secret}, ${row.configHash}, ${row.createdAt}, ${row.updatedAt}, ${row.updatedBy})`
  )
}

export async function updateConnection(q: Executor, row: Pick<SsoConnectionRow, 'id' | 'protocol' | 'preset' | 'config' | 'secret' | 'configHash' | 'updatedAt' | 'updatedBy'>): Promise<void> {
  await run(
    q,
    sql`UPDATE sso_connections SET protocol = ${row.protocol}, preset = ${row.preset}, config = ${row.config}, secret = ${row.secret}, config_hash = ${row.configHash},
      updated_at = ${row.updatedAt}, updated_by = ${row.updatedBy}, keys_checked_at = NULL, keys_failing_since = NULL, keys_error = NULL, metadata_change = NULL
      WHERE connection_id = ${row.id}`
  )
}

/** A re-fetch of SAML metadata changed the connection: its settings, their hash, and what changed. */
export async function applyMetadataChange(q: Executor, connectionId: string, config: string, configHash: string, change: string, now: number): Promise<void> {
  await run(
    q,
    sql`UPDATE sso_connections SET config = ${config}, config_hash = ${configHash}, metadata_change = ${change},
      keys_checked_at = ${now}, keys_failing_since = NULL, keys_error = NULL WHERE connection_id = ${connectionId}`
  )
}

/**
 * The hourly check of an OIDC provider's keys (or a SAML IdP's metadata URL): when it ran, and (null when fetched) why they could
 * not be fetched; a failure keeps the time it started.
 */
export async function noteKeysCheck(q: Executor, connectionId: string, now: number, error: string | null): Promise<void> {
  await run(
    q,
    error === null
      ? sql`UPDATE sso_connections SET keys_checked_at = ${now}, keys_failing_since = NULL, keys_error = NULL WHERE connection_id = ${connectionId}`
      : sql`UPDATE sso_connections SET keys_checked_at = ${now}, keys_failing_since = coalesce(keys_failing_since, ${now}), keys_error = ${error} WHERE connection_id = ${connectionId}`
  )
}

export async function insertTest(q: Executor, accountId: string, row: SsoTestRow): Promise<void> {
  await run(
    q,
    sql`INSERT INTO sso_tests (test_id, account_id, connection_id, config_hash, started_at, finished_at, ran_by_id, ran_by_name, result, report, test_no)
      SELECT ${row.testId}, ${accountId}, ${row.connectionId}, ${row.configHash}, ${row.startedAt}, ${row.finishedAt}, ${row.ranById}, ${row.ranByName}, ${row.result}, ${row.report},
        coalesce(max(test_no), 0) + 1 FROM sso_tests WHERE connection_id = ${row.connectionId}`
  )
}

const TEST_COLUMNS = sql`test_id AS "testId", connection_id AS "connectionId", config_hash AS "configHash", started_at AS "startedAt",
  finished_at AS "finishedAt", ran_by_id AS "ranById", ran_by_name AS "ranByName", result, report`

function testOf(row: SsoTestRow | undefined): SsoTestRow | undefined {
  return row && { ...row, startedAt: Number(row.startedAt), finishedAt: Number(row.finishedAt) }
}

/** The newest test of a connection. */
export async function findLastTest(q: Executor, connectionId: string): Promise<SsoTestRow | undefined> {
  return testOf(await one(q, sql<SsoTestRow>`SELECT ${TEST_COLUMNS} FROM sso_tests WHERE connection_id = ${connectionId} ORDER BY test_no DESC LIMIT 1`))
}

export async function findTest(q: Executor, accountId: string, testId: string): Promise<SsoTestRow | undefined> {
  return testOf(await one(q, sql<SsoTestRow>`SELECT ${TEST_COLUMNS} FROM sso_tests WHERE account_id = ${accountId} AND test_id = ${testId}`))
}

export interface SsoMember {
  personId: string
  membershipId: string
  name: string
  email: string
  role: 'owner' | 'admin' | 'agent' | 'viewer'
  status: 'active' | 'invited' | 'deactivated'
  inviteExpiresAt: number | null
}

/** The account's membership for an email address, for a test's "who this maps to". */
export async function findMemberByEmail(
  q: Executor,
  accountId: string,
  email: string
): Promise<SsoMember | undefined> {
  const rows = await all(
    q,
    sql<SsoMember>`SELECT p.person_id AS "personId", m.membership_id AS "membershipId", p.name, p.email, m.role, m.status, m.invite_expires_at AS "inviteExpiresAt"
      FROM persons p JOIN memberships m ON m.person_id = p.person_id AND m.account_id = ${accountId} WHERE p.email = ${email}`
  )
  return rows[0]
}

/** Record that a certificate's warning at `threshold` days was raised; false when it already was. */
export async function noteCertificateThreshold(q: Executor, accountId: string, connectionId: string, fingerprint: string, threshold: number, now: number): Promise<boolean> {
  return (
    (await run(
      q,
      sql`INSERT INTO sso_certificate_notices (account_id, connection_id, fingerprint, threshold, noticed_at) VALUES (${accountId}, ${connectionId}, ${fingerprint}, ${threshold}, ${now})
        ON CONFLICT (connection_id, fingerprint, threshold) DO NOTHING`
    )) === 1
  )
}
