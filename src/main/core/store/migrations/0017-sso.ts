import type { Migration } from './types'

/**
 * Single sign-on (the sso feature): an account's connections to its identity provider, at most one
 * active and one being prepared (the draft, tested while the active one keeps working, then swapped
 * in), and every test sign-in's report. `config` is JSON without secrets; `secret` is the client
 * secret sealed with the store key (base64), never written in the clear. `config_hash` names the
 * configuration a test ran against (test_no orders a connection's tests: times can tie): a change
 * after a test needs a new test before enabling.
 * Enabling makes the tested draft the active connection (replacing the one before) with how it is
 * used: offered beside passwords or enforced, and just-in-time or pre-provisioned.
 * sso_certificate_notices remembers which expiry warning (60, 30, 7 days, expired) of which trusted
 * certificate was already raised, so each is audited once.
 */
/** The schema on both stores: the same text, with SQLite's INTEGER or PostgreSQL's BIGINT for times (ms). */
function schema(time: 'INTEGER' | 'BIGINT'): string {
  return `
    CREATE TABLE sso_connections (
      connection_id TEXT PRIMARY KEY,
      account_id TEXT NOT NULL REFERENCES accounts(account_id),
      slot TEXT NOT NULL CHECK (slot IN ('active', 'draft')),
      protocol TEXT NOT NULL CHECK (protocol IN ('oidc', 'saml')),
      preset TEXT NOT NULL,
      config TEXT NOT NULL,
      secret TEXT,
      config_hash TEXT NOT NULL,
      created_at ${time} NOT NULL,
      updated_at ${time} NOT NULL,
      updated_by TEXT NOT NULL,
      enabled_at ${time},
      enabled_by TEXT,
      mode TEXT CHECK (mode IN ('offered', 'enforced')),
      provisioning TEXT CHECK (provisioning IN ('jit', 'pre')),
      default_role TEXT CHECK (default_role IN ('admin', 'agent', 'viewer')),
      UNIQUE (account_id, slot)
    );
    CREATE TABLE sso_tests (
      test_id TEXT PRIMARY KEY,
      account_id TEXT NOT NULL REFERENCES accounts(account_id),
      connection_id TEXT NOT NULL REFERENCES sso_connections(connection_id) ON DELETE CASCADE,
      config_hash TEXT NOT NULL,
      started_at ${time} NOT NULL,
      finished_at ${time} NOT NULL,
      ran_by_id TEXT NOT NULL,
      ran_by_name TEXT NOT NULL,
      result TEXT NOT NULL CHECK (result IN ('passed', 'failed')),
      report TEXT NOT NULL,
      test_no INTEGER NOT NULL
    );
    CREATE INDEX sso_tests_by_connection ON sso_tests (connection_id, test_no);
    CREATE TABLE sso_certificate_notices (
      account_id TEXT NOT NULL REFERENCES accounts(account_id),
      connection_id TEXT NOT NULL REFERENCES sso_connections(connection_id) ON DELETE CASCADE,
      fingerprint TEXT NOT NULL,
      threshold INTEGER NOT NULL,
      noticed_at ${time} NOT NULL,
      PRIMARY KEY (connection_id, fingerprint, threshold)
    );
  `
}

export const migration0017: Migration = {
  version: 17,
  name: 'sso',
  sqlite: schema('INTEGER'),
  postgres: schema('BIGINT')
}
