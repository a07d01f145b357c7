import type { Migration } from './types'

/**
 * Login events gain the method 'reauth': a signed-in member entering their password again before a
 * sensitive change (auth/reauth.ts). Those attempts count toward the same identity lock as sign-in.
 * SQLite cannot alter a CHECK constraint, so login_events is rebuilt with the same columns, rows,
 * ids and indexes; PostgreSQL replaces the column's constraint (same name).
 */
export const migration0007: Migration = {
  version: 7,
  name: 'reauth-login-method',
  sqlite: `
    CREATE TABLE login_events_0007 (
      login_event_id INTEGER PRIMARY KEY,
      account_id TEXT REFERENCES accounts(account_id),
      time INTEGER NOT NULL,
      person_id TEXT,
      principal_kind TEXT NOT NULL CHECK (principal_kind IN ('member', 'support')),
      email_tried TEXT NOT NULL COLLATE NOCASE,
      method TEXT NOT NULL CHECK (method IN ('password', 'sso', 'support', 'reauth')),
      result TEXT NOT NULL CHECK (result IN ('success', 'failure', 'locked')),
      reason TEXT,
      ip TEXT,
      device TEXT
    );
    INSERT INTO login_events_0007 (login_event_id, account_id, time, person_id, principal_kind, email_tried, method, result, reason, ip, device)
      SELECT login_event_id, account_id, time, person_id, principal_kind, email_tried, method, result, reason, ip, device FROM login_events;
    DROP TABLE login_events;
    ALTER TABLE login_events_0007 RENAME TO login_events;
    CREATE INDEX login_events_email_time ON login_events (email_tried, time);
    CREATE INDEX login_events_account_time ON login_events (account_id, time);
  `,
  postgres: `
    ALTER TABLE login_events DROP CONSTRAINT login_events_method_check;
    ALTER TABLE login_events ADD CONSTRAINT login_events_method_check CHECK (method IN ('password', 'sso', 'support', 'reauth'));
  `
}
