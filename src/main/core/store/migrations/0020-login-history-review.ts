import type { Migration } from './types'

/**
 * Account-wide login history (issue 10 part 2):
 * - the method 'invitation': accepting an invitation is a sign-in of its own kind (it was recorded as
 *   'password'; those rows, whose reason starts with "invitation", become 'invitation');
 * - indexes for its filters, each newest first within the account: by address, by method (partial:
 *   every method but the common 'password', which the time index serves) and by result (partial: the
 *   failed and refused attempts; the successes are the bulk). A query filtering on a method or
 *   result names the partial index's condition itself (login-history/repository.ts), since SQLite
 *   uses a partial index only when the query's WHERE contains its condition.
 * SQLite cannot alter a CHECK constraint, so login_events is rebuilt with the same rows and ids (as in
 * 0007) and every index made again; PostgreSQL replaces the constraint.
 */
const FILTER_INDEXES = `
    CREATE INDEX login_events_ip_time ON login_events (account_id, ip, time);
    CREATE INDEX login_events_method_time ON login_events (account_id, method, time) WHERE method <> 'password';
    CREATE INDEX login_events_result_time ON login_events (account_id, result, time) WHERE result <> 'success';
`
const METHODS = `('password', 'sso', 'support', 'reauth', 'invitation')`
const INVITATION = `method = 'password' AND (reason = 'invitation accepted' OR reason LIKE 'invitation:%')`

export const migration0020: Migration = {
  version: 20,
  name: 'login-history-review',
  sqlite: `
    CREATE TABLE login_events_0020 (
      login_event_id INTEGER PRIMARY KEY,
      account_id TEXT REFERENCES accounts(account_id),
      time INTEGER NOT NULL,
      person_id TEXT,
      principal_kind TEXT NOT NULL CHECK (principal_kind IN ('member', 'support')),
      email_tried TEXT NOT NULL COLLATE NOCASE,
      method TEXT NOT NULL CHECK (method IN ${METHODS}),
      result TEXT NOT NULL CHECK (result IN ('success', 'failure', 'locked')),
      reason TEXT,
      ip TEXT,
      device TEXT,
      provider TEXT
    );
    INSERT INTO login_events_0020 (login_event_id, account_id, time, person_id, principal_kind, email_tried, method, result, reason, ip, device, provider)
      SELECT login_event_id, account_id, time, person_id, principal_kind, email_tried,
             CASE WHEN ${INVITATION} THEN 'invitation' ELSE method END, result, reason, ip, device, provider
      FROM login_events;
    DROP TABLE login_events;
    ALTER TABLE login_events_0020 RENAME TO login_events;
    CREATE INDEX login_events_email_time ON login_events (email_tried, time);
    CREATE INDEX login_events_account_time ON login_events (account_id, time);
    CREATE INDEX login_events_person_time ON login_events (account_id, person_id, time);
    ${FILTER_INDEXES}
  `,
  postgres: `
    ALTER TABLE login_events DROP CONSTRAINT login_events_method_check;
    ALTER TABLE login_events ADD CONSTRAINT login_events_method_check CHECK (method IN ${METHODS});
    UPDATE login_events SET method = 'invitation' WHERE ${INVITATION};
    ${FILTER_INDEXES}
  `
}
