import type { Migration } from './types'

/**
 * Support Team Access: the vendor's support agents (installation-level, so account_id is NULL),
 * each account's grant, and the grant's own log. Support sessions and sign-in attempts use the
 * existing `sessions` and `login_events` tables with principal_kind 'support'.
 */
export const migration0005: Migration = {
  version: 5,
  name: 'support-access',
  up: `
    CREATE TABLE support_agents (
      agent_id TEXT PRIMARY KEY,
      -- Vendor staff belong to the installation, not to an account: always NULL today.
      account_id TEXT REFERENCES accounts(account_id),
      email TEXT NOT NULL COLLATE NOCASE,
      name TEXT NOT NULL,
      password_hash TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      removed_at INTEGER
    );
    -- One current agent per email; a removed agent's row stays for the login history.
    CREATE UNIQUE INDEX support_agents_email ON support_agents (email) WHERE removed_at IS NULL;

    -- No row: off (paid accounts start off). Trial accounts ignore this table: always on.
    CREATE TABLE support_access (
      account_id TEXT PRIMARY KEY REFERENCES accounts(account_id),
      state TEXT NOT NULL CHECK (state IN ('on', 'off')),
      scope TEXT NOT NULL CHECK (scope IN ('read-only', 'full')),
      duration TEXT NOT NULL CHECK (duration IN ('day', 'week', 'month', 'year', 'indefinite')),
      -- When access was turned on; a Change counts its duration from here.
      started_at INTEGER NOT NULL,
      ends_at INTEGER,
      reason TEXT,
      changed_at INTEGER NOT NULL,
      changed_by_kind TEXT NOT NULL CHECK (changed_by_kind IN ('member', 'system')),
      changed_by_name TEXT NOT NULL,
      changed_by_email TEXT,
      CHECK (ends_at IS NULL OR ends_at > started_at),
      CHECK ((duration = 'indefinite') = (ends_at IS NULL) OR state = 'off')
    );
    CREATE INDEX support_access_due ON support_access (state, ends_at);

    CREATE TABLE support_access_log (
      log_id INTEGER PRIMARY KEY,
      account_id TEXT NOT NULL REFERENCES accounts(account_id),
      time INTEGER NOT NULL,
      action TEXT NOT NULL CHECK (action IN ('extend', 'change', 'disable', 'expire', 'trial-converted')),
      actor_kind TEXT NOT NULL CHECK (actor_kind IN ('member', 'system')),
      owner_id TEXT,
      owner_name TEXT NOT NULL,
      owner_email TEXT,
      duration TEXT NOT NULL CHECK (duration IN ('day', 'week', 'month', 'year', 'indefinite')),
      scope TEXT NOT NULL CHECK (scope IN ('read-only', 'full')),
      ends_at INTEGER,
      reason TEXT,
      sessions_ended INTEGER NOT NULL CHECK (sessions_ended >= 0),
      audit_seq INTEGER NOT NULL UNIQUE REFERENCES audit_events(seq),
      -- Only Expire is the system's; every other action is the Owner's.
      CHECK ((actor_kind = 'system') = (action = 'expire')),
      CHECK (actor_kind = 'system' OR owner_email IS NOT NULL)
    );
    CREATE INDEX support_access_log_account ON support_access_log (account_id, log_id);

    -- The support login history pages (account, kind, newest first).
    CREATE INDEX sessions_account_kind_started ON sessions (account_id, principal_kind, started_at, session_id);
  `
}
