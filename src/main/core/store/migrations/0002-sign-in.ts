import type { Migration } from './types'

/** Login events (every attempt), identity locks and the record of sessions. */
export const migration0002: Migration = {
  version: 2,
  name: 'sign-in',
  up: `
    CREATE TABLE login_events (
      login_event_id INTEGER PRIMARY KEY,
      account_id TEXT REFERENCES accounts(account_id),
      time INTEGER NOT NULL,
      person_id TEXT,
      principal_kind TEXT NOT NULL CHECK (principal_kind IN ('member', 'support')),
      email_tried TEXT NOT NULL COLLATE NOCASE,
      method TEXT NOT NULL CHECK (method IN ('password', 'sso', 'support')),
      result TEXT NOT NULL CHECK (result IN ('success', 'failure', 'locked')),
      reason TEXT,
      ip TEXT,
      device TEXT
    );
    CREATE INDEX login_events_email_time ON login_events (email_tried, time);
    CREATE INDEX login_events_account_time ON login_events (account_id, time);
    CREATE TABLE identity_locks (
      email TEXT PRIMARY KEY COLLATE NOCASE,
      account_id TEXT REFERENCES accounts(account_id),
      locked_until INTEGER NOT NULL,
      -- The failed attempt that set the lock: failures up to it never count again.
      set_by_event INTEGER NOT NULL
    );
    CREATE TABLE sessions (
      session_id TEXT PRIMARY KEY,
      account_id TEXT NOT NULL REFERENCES accounts(account_id),
      principal_kind TEXT NOT NULL,
      person_id TEXT NOT NULL,
      started_at INTEGER NOT NULL,
      last_seen_at INTEGER NOT NULL,
      ended_at INTEGER,
      end_reason TEXT,
      ip TEXT,
      device TEXT
    );
    CREATE INDEX sessions_account_started ON sessions (account_id, started_at);
  `
}
