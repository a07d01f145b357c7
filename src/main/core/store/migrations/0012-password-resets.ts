import type { Migration } from './types'

/**
 * Password reset links an administrator issues for a member (users:reset-password): single use,
 * 24 hours, a newer link replaces the older ones, only the token's SHA-256 stored (as invitations).
 * The person's password changes only when the link is used; until then the old one keeps working.
 */
export const migration0012: Migration = {
  version: 12,
  name: 'password-resets',
  sqlite: `
    CREATE TABLE password_resets (
      reset_id TEXT PRIMARY KEY,
      account_id TEXT NOT NULL REFERENCES accounts(account_id),
      membership_id TEXT NOT NULL REFERENCES memberships(membership_id) ON DELETE CASCADE,
      person_id TEXT NOT NULL REFERENCES persons(person_id),
      token_hash BLOB NOT NULL UNIQUE CHECK (length(token_hash) = 32),
      created_at INTEGER NOT NULL,
      created_by TEXT,
      expires_at INTEGER NOT NULL,
      used_at INTEGER,
      replaced_at INTEGER
    );
    CREATE INDEX password_resets_membership ON password_resets (membership_id, created_at);
  `,
  postgres: `
    CREATE TABLE password_resets (
      reset_id TEXT PRIMARY KEY,
      account_id TEXT NOT NULL REFERENCES accounts(account_id),
      membership_id TEXT NOT NULL REFERENCES memberships(membership_id) ON DELETE CASCADE,
      person_id TEXT NOT NULL REFERENCES persons(person_id),
      token_hash BYTEA NOT NULL UNIQUE CHECK (octet_length(token_hash) = 32),
      created_at BIGINT NOT NULL,
      created_by TEXT,
      expires_at BIGINT NOT NULL,
      used_at BIGINT,
      replaced_at BIGINT
    );
    CREATE INDEX password_resets_membership ON password_resets (membership_id, created_at);
  `
}
