import type { Migration } from './types'

/**
 * The audit ledger: events (each with its RFC 9162 leaf hash), the Merkle frontier kept current on
 * every append, signed tree heads, and the installation's Ed25519 key. The ledger is one log per
 * installation; rows that belong to no single account have account_id NULL.
 */
export const migration0003: Migration = {
  version: 3,
  name: 'audit-ledger',
  up: `
    CREATE TABLE audit_events (
      seq INTEGER PRIMARY KEY,
      account_id TEXT REFERENCES accounts(account_id),
      time INTEGER NOT NULL,
      actor_kind TEXT NOT NULL,
      actor_id TEXT,
      actor_name TEXT NOT NULL,
      actor_email TEXT,
      actor_role TEXT,
      action TEXT NOT NULL,
      summary TEXT NOT NULL,
      target_type TEXT NOT NULL,
      target_id TEXT,
      target_name TEXT,
      before_json TEXT,
      after_json TEXT,
      ip TEXT,
      device TEXT,
      leaf_hash BLOB NOT NULL
    );
    CREATE INDEX audit_events_account_seq ON audit_events (account_id, seq);
    CREATE INDEX audit_events_account_action_seq ON audit_events (account_id, action, seq);
    CREATE INDEX audit_events_account_actor_seq ON audit_events (account_id, actor_id, seq);
    CREATE TABLE ledger_state (
      ledger_id INTEGER PRIMARY KEY CHECK (ledger_id = 1),
      account_id TEXT,
      tree_size INTEGER NOT NULL,
      frontier BLOB NOT NULL
    );
    INSERT INTO ledger_state (ledger_id, account_id, tree_size, frontier) VALUES (1, NULL, 0, x'');
    CREATE TABLE ledger_heads (
      head_id INTEGER PRIMARY KEY,
      account_id TEXT,
      tree_size INTEGER NOT NULL,
      root BLOB NOT NULL,
      signed_at INTEGER NOT NULL,
      reason TEXT NOT NULL,
      key_id TEXT NOT NULL,
      signature BLOB NOT NULL
    );
    CREATE TABLE installation_keys (
      key_id TEXT PRIMARY KEY,
      account_id TEXT,
      purpose TEXT NOT NULL,
      public_key BLOB NOT NULL,
      private_key BLOB NOT NULL,
      created_at INTEGER NOT NULL
    );
  `
}
