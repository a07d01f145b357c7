import type { Migration } from './types'

/**
 * Retention (issue 10 part 5):
 * - `accounts.audit_retention`: how long the account keeps the content of its audit events and its
 *   login events: 'forever' (the default), '1y', '3y' or '7y'.
 * - `audit_events.purged_at`: when a purge removed the event's content (who, what, values, address).
 *   The row keeps its sequence number, time, action code, kinds and leaf hash, so the Merkle tree and
 *   every signed head still verify end to end; a purged leaf is taken as stored, not recomputed.
 * - `audit_exports`: each export of the audit log with the tree head at its start (size and root);
 *   `finished_at` once its last page was read, and `complete` when it held every event of the account
 *   (no filter but the end of the range). A purge removes only events such an export covered.
 * - `audit_events_purged_time`: the purged events alone (empty until a purge; appends never touch
 *   it), so the settings' counts are two index-only counts apart, never a walk over the rows.
 */
function schema(time: 'INTEGER' | 'BIGINT', blob: 'BLOB' | 'BYTEA', bool: 'INTEGER' | 'BOOLEAN'): string {
  return `
    ALTER TABLE accounts ADD COLUMN audit_retention TEXT NOT NULL DEFAULT 'forever' CHECK (audit_retention IN ('forever', '1y', '3y', '7y'));
    ALTER TABLE audit_events ADD COLUMN purged_at ${time};
    CREATE TABLE audit_exports (
      export_id TEXT PRIMARY KEY,
      account_id TEXT NOT NULL REFERENCES accounts(account_id),
      started_at ${time} NOT NULL,
      finished_at ${time},
      tree_size ${time} NOT NULL,
      root ${blob} NOT NULL,
      complete ${bool} NOT NULL,
      format TEXT NOT NULL
    );
    CREATE INDEX audit_exports_account ON audit_exports (account_id, started_at);
    CREATE INDEX audit_events_purged_time ON audit_events (account_id, time, seq, purged_at) WHERE purged_at IS NOT NULL;
  `
}

export const migration0021: Migration = {
  version: 21,
  name: 'audit-retention',
  sqlite: schema('INTEGER', 'BLOB', 'INTEGER'),
  postgres: schema('BIGINT', 'BYTEA', 'BOOLEAN')
}
