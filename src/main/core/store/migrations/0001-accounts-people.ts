import type { Migration } from './types'

/** Accounts, persons and memberships are separate: one person can belong to several accounts. */
export const migration0001: Migration = {
  version: 1,
  name: 'accounts-people',
  sqlite: `
    CREATE TABLE accounts (
      account_id TEXT PRIMARY KEY,
      name TEXT NOT NULL,
      plan TEXT NOT NULL CHECK (plan IN ('trial', 'paid')),
      seats INTEGER NOT NULL CHECK (seats > 0),
      idle_timeout_minutes INTEGER NOT NULL DEFAULT 30,
      created_at INTEGER NOT NULL
    );
    -- account_id here is the account the person was first created in.
    CREATE TABLE persons (
      person_id TEXT PRIMARY KEY,
      account_id TEXT NOT NULL REFERENCES accounts(account_id),
      email TEXT NOT NULL COLLATE NOCASE UNIQUE,
      name TEXT NOT NULL COLLATE NOCASE,
      avatar BLOB,
      password_hash TEXT,
      created_at INTEGER NOT NULL
    );
    CREATE INDEX persons_name ON persons (name, person_id);
    CREATE TABLE memberships (
      membership_id TEXT PRIMARY KEY,
      account_id TEXT NOT NULL REFERENCES accounts(account_id),
      person_id TEXT NOT NULL REFERENCES persons(person_id),
      role TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'agent', 'viewer')),
      status TEXT NOT NULL CHECK (status IN ('active', 'invited', 'deactivated')),
      invite_expires_at INTEGER,
      last_login_at INTEGER NOT NULL DEFAULT 0, -- 0: never (keeps keyset paging free of NULLs)
      created_at INTEGER NOT NULL,
      UNIQUE (account_id, person_id)
    );
    CREATE INDEX memberships_person ON memberships (person_id);
    CREATE INDEX memberships_last_login ON memberships (account_id, last_login_at, person_id);
    CREATE INDEX memberships_status ON memberships (account_id, status, role);
    -- At most one Owner per account, whatever the code does.
    CREATE UNIQUE INDEX memberships_one_owner ON memberships (account_id) WHERE role = 'owner';
  `,
  postgres: `
    CREATE EXTENSION IF NOT EXISTS citext;
    CREATE TABLE accounts (
      account_id TEXT PRIMARY KEY,
      name TEXT NOT NULL,
      plan TEXT NOT NULL CHECK (plan IN ('trial', 'paid')),
      seats INTEGER NOT NULL CHECK (seats > 0),
      idle_timeout_minutes INTEGER NOT NULL DEFAULT 30,
      created_at BIGINT NOT NULL
    );
    -- account_id here is the account the person was first created in.
    -- avatar holds a data URL string (as in SQLite, where the BLOB column stores it as TEXT): TEXT here.
    CREATE TABLE persons (
      person_id TEXT PRIMARY KEY,
      account_id TEXT NOT NULL REFERENCES accounts(account_id),
      email CITEXT NOT NULL UNIQUE,
      name CITEXT NOT NULL,
      avatar TEXT,
      password_hash TEXT,
      created_at BIGINT NOT NULL
    );
    CREATE INDEX persons_name ON persons (name, person_id);
    CREATE TABLE memberships (
      membership_id TEXT PRIMARY KEY,
      account_id TEXT NOT NULL REFERENCES accounts(account_id),
      person_id TEXT NOT NULL REFERENCES persons(person_id),
      role TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'agent', 'viewer')),
      status TEXT NOT NULL CHECK (status IN ('active', 'invited', 'deactivated')),
      invite_expires_at BIGINT,
      last_login_at BIGINT NOT NULL DEFAULT 0, -- 0: never (keeps keyset paging free of NULLs)
      created_at BIGINT NOT NULL,
      UNIQUE (account_id, person_id)
    );
    CREATE INDEX memberships_person ON memberships (person_id);
    CREATE INDEX memberships_last_login ON memberships (account_id, last_login_at, person_id);
    CREATE INDEX memberships_status ON memberships (account_id, status, role);
    -- At most one Owner per account, whatever the code does.
    CREATE UNIQUE INDEX memberships_one_owner ON memberships (account_id) WHERE role = 'owner';
  `
}
