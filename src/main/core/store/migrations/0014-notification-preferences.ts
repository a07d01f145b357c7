import type { Migration } from './types'

/**
 * Which notification emails a person gets (Personal settings → Email notifications). A row only
 * where the person chose otherwise than the default (every kind is on by default): a person who
 * never opened the setting has none.
 */
export const migration0014: Migration = {
  version: 14,
  name: 'notification-preferences',
  sqlite: `
    CREATE TABLE notification_preferences (
      account_id TEXT NOT NULL REFERENCES accounts(account_id),
      person_id TEXT NOT NULL REFERENCES persons(person_id) ON DELETE CASCADE,
      kind TEXT NOT NULL,
      enabled INTEGER NOT NULL CHECK (enabled IN (0, 1)),
      updated_at INTEGER NOT NULL,
      PRIMARY KEY (person_id, kind)
    ) WITHOUT ROWID;
  `,
  postgres: `
    CREATE TABLE notification_preferences (
      account_id TEXT NOT NULL REFERENCES accounts(account_id),
      person_id TEXT NOT NULL REFERENCES persons(person_id) ON DELETE CASCADE,
      kind TEXT NOT NULL,
      enabled INTEGER NOT NULL CHECK (enabled IN (0, 1)),
      updated_at BIGINT NOT NULL,
      PRIMARY KEY (person_id, kind)
    );
  `
}
