import type { Migration } from './types'

/**
 * Issue 3: teams and their members, agent custom permissions, invitations (only a SHA-256 of each
 * token is kept), the account's SMTP server, the person's theme, and when a member was deactivated.
 * The avatar column exists since 0001; a trigger caps updates of it at a 256 KB image as a base64
 * data URL (people are created without one).
 */
export const migration0004: Migration = {
  version: 4,
  name: 'users-teams',
  sqlite: `
    ALTER TABLE persons ADD COLUMN theme TEXT NOT NULL DEFAULT 'system' CHECK (theme IN ('light', 'dark', 'system'));
    ALTER TABLE memberships ADD COLUMN deactivated_at INTEGER;
    -- Invitations past their end, counted as an index range (no table reads).
    CREATE INDEX memberships_status_expiry ON memberships (account_id, status, invite_expires_at);
    -- Sorting by email with a covering index: keyset pages read the index, not the table.
    CREATE INDEX persons_email ON persons (email, person_id);

    -- Members per status, kept by triggers so the users screen's counts and seat use cost one row
    -- read at any size (whoever writes memberships). 'expired' is derived: invited rows past their end.
    CREATE TABLE member_counts (
      account_id TEXT PRIMARY KEY REFERENCES accounts(account_id),
      active INTEGER NOT NULL DEFAULT 0,
      invited INTEGER NOT NULL DEFAULT 0,
      deactivated INTEGER NOT NULL DEFAULT 0
    );
    INSERT INTO member_counts (account_id, active, invited, deactivated)
      SELECT a.account_id, count(m.status = 'active' OR NULL), count(m.status = 'invited' OR NULL), count(m.status = 'deactivated' OR NULL)
      FROM accounts a LEFT JOIN memberships m ON m.account_id = a.account_id GROUP BY a.account_id;
    -- Every account has its row from the start, so each membership trigger is a single UPDATE
    -- (a bulk import of 10,000 people pays for 10,000 of them).
    CREATE TRIGGER accounts_member_counts AFTER INSERT ON accounts BEGIN
      INSERT INTO member_counts (account_id) VALUES (NEW.account_id);
    END;
    CREATE TRIGGER memberships_count_insert AFTER INSERT ON memberships BEGIN
      UPDATE member_counts SET active = active + (NEW.status = 'active'), invited = invited + (NEW.status = 'invited'),
        deactivated = deactivated + (NEW.status = 'deactivated') WHERE account_id = NEW.account_id;
    END;
    CREATE TRIGGER memberships_count_delete AFTER DELETE ON memberships BEGIN
      UPDATE member_counts SET active = active - (OLD.status = 'active'), invited = invited - (OLD.status = 'invited'),
        deactivated = deactivated - (OLD.status = 'deactivated') WHERE account_id = OLD.account_id;
    END;
    -- A membership never moves between accounts.
    CREATE TRIGGER memberships_count_update AFTER UPDATE OF status ON memberships WHEN OLD.status <> NEW.status BEGIN
      UPDATE member_counts SET active = active - (OLD.status = 'active') + (NEW.status = 'active'),
        invited = invited - (OLD.status = 'invited') + (NEW.status = 'invited'),
        deactivated = deactivated - (OLD.status = 'deactivated') + (NEW.status = 'deactivated') WHERE account_id = NEW.account_id;
    END;
    CREATE TRIGGER persons_avatar_size_update BEFORE UPDATE OF avatar ON persons
      WHEN NEW.avatar IS NOT NULL AND length(NEW.avatar) > 349600
      BEGIN SELECT RAISE(ABORT, 'avatar larger than 256 KB'); END;

    CREATE TABLE teams (
      team_id TEXT PRIMARY KEY,
      account_id TEXT NOT NULL REFERENCES accounts(account_id),
      name TEXT NOT NULL COLLATE NOCASE,
      description TEXT NOT NULL DEFAULT '',
      created_at INTEGER NOT NULL,
      -- Kept by the team_members triggers below: the Teams screen and a team's total cost one row.
      member_count INTEGER NOT NULL DEFAULT 0,
      UNIQUE (account_id, name)
    );
    CREATE TABLE team_members (
      account_id TEXT NOT NULL REFERENCES accounts(account_id),
      team_id TEXT NOT NULL REFERENCES teams(team_id) ON DELETE CASCADE,
      membership_id TEXT NOT NULL REFERENCES memberships(membership_id) ON DELETE CASCADE,
      -- The membership's person (never changes): a team-filtered page walks the sort index of
      -- persons and probes (team_id, person_id) before reading any membership row.
      person_id TEXT NOT NULL,
      added_at INTEGER NOT NULL,
      PRIMARY KEY (team_id, membership_id)
    ) WITHOUT ROWID;
    -- The teams column of a users page and "teams of this person".
    CREATE INDEX team_members_membership ON team_members (membership_id, team_id);
    CREATE UNIQUE INDEX team_members_team_person ON team_members (team_id, person_id);
    CREATE TRIGGER team_members_count_insert AFTER INSERT ON team_members BEGIN
      UPDATE teams SET member_count = member_count + 1 WHERE team_id = NEW.team_id;
    END;
    CREATE TRIGGER team_members_count_delete AFTER DELETE ON team_members BEGIN
      UPDATE teams SET member_count = member_count - 1 WHERE team_id = OLD.team_id;
    END;

    CREATE TABLE member_permissions (
      account_id TEXT NOT NULL REFERENCES accounts(account_id),
      membership_id TEXT NOT NULL REFERENCES memberships(membership_id) ON DELETE CASCADE,
      permission TEXT NOT NULL CHECK (permission IN ('view-all-tickets', 'delete-tickets', 'export-data', 'manage-macros', 'view-analytics')),
      granted_at INTEGER NOT NULL,
      PRIMARY KEY (membership_id, permission)
    ) WITHOUT ROWID;

    -- One row per link ever sent. A resend replaces the row's token with a new row; the old one is
    -- marked replaced. Rows outlive a revoked membership (membership_id becomes NULL).
    CREATE TABLE invitations (
      invitation_id TEXT PRIMARY KEY,
      account_id TEXT NOT NULL REFERENCES accounts(account_id),
      membership_id TEXT REFERENCES memberships(membership_id) ON DELETE SET NULL,
      email TEXT NOT NULL COLLATE NOCASE,
      token_hash BLOB NOT NULL UNIQUE CHECK (length(token_hash) = 32),
      created_at INTEGER NOT NULL,
      created_by TEXT,
      expires_at INTEGER NOT NULL,
      used_at INTEGER,
      revoked_at INTEGER,
      replaced_at INTEGER
    );
    CREATE INDEX invitations_membership ON invitations (membership_id, created_at);

    CREATE TABLE smtp_settings (
      account_id TEXT PRIMARY KEY REFERENCES accounts(account_id),
      host TEXT NOT NULL,
      port INTEGER NOT NULL CHECK (port BETWEEN 1 AND 65535),
      tls TEXT NOT NULL CHECK (tls IN ('none', 'starttls', 'tls')),
      username TEXT NOT NULL DEFAULT '',
      password TEXT,
      from_address TEXT NOT NULL,
      from_name TEXT NOT NULL DEFAULT 'Gatehouse',
      updated_at INTEGER NOT NULL
    );
  `,
  postgres: `
    ALTER TABLE persons ADD COLUMN theme TEXT NOT NULL DEFAULT 'system' CHECK (theme IN ('light', 'dark', 'system'));
    ALTER TABLE memberships ADD COLUMN deactivated_at BIGINT;
    -- Invitations past their end, counted as an index range (no table reads).
    CREATE INDEX memberships_status_expiry ON memberships (account_id, status, invite_expires_at);
    -- Sorting by email with a covering index: keyset pages read the index, not the table.
    CREATE INDEX persons_email ON persons (email, person_id);

    -- Members per status, kept by triggers so the users screen's counts and seat use cost one row
    -- read at any size (whoever writes memberships). 'expired' is derived: invited rows past their end.
    CREATE TABLE member_counts (
      account_id TEXT PRIMARY KEY REFERENCES accounts(account_id),
      active INTEGER NOT NULL DEFAULT 0,
      invited INTEGER NOT NULL DEFAULT 0,
      deactivated INTEGER NOT NULL DEFAULT 0
    );
    INSERT INTO member_counts (account_id, active, invited, deactivated)
      SELECT a.account_id, count(*) FILTER (WHERE m.status = 'active'), count(*) FILTER (WHERE m.status = 'invited'),
        count(*) FILTER (WHERE m.status = 'deactivated')
      FROM accounts a LEFT JOIN memberships m ON m.account_id = a.account_id GROUP BY a.account_id;
    -- Every account has its row from the start, so each membership trigger is a single UPDATE
    -- (a bulk import of 10,000 people pays for 10,000 of them).
    CREATE FUNCTION accounts_member_counts() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO member_counts (account_id) VALUES (NEW.account_id);
      RETURN NULL;
    END;
    $$;
    CREATE TRIGGER accounts_member_counts AFTER INSERT ON accounts FOR EACH ROW EXECUTE FUNCTION accounts_member_counts();
    CREATE FUNCTION memberships_count_insert() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE member_counts SET active = active + (NEW.status = 'active')::int, invited = invited + (NEW.status = 'invited')::int,
        deactivated = deactivated + (NEW.status = 'deactivated')::int WHERE account_id = NEW.account_id;
      RETURN NULL;
    END;
    $$;
    CREATE TRIGGER memberships_count_insert AFTER INSERT ON memberships FOR EACH ROW EXECUTE FUNCTION memberships_count_insert();
    CREATE FUNCTION memberships_count_delete() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE member_counts SET active = active - (OLD.status = 'active')::int, invited = invited - (OLD.status = 'invited')::int,
        deactivated = deactivated - (OLD.status = 'deactivated')::int WHERE account_id = OLD.account_id;
      RETURN NULL;
    END;
    $$;
    CREATE TRIGGER memberships_count_delete AFTER DELETE ON memberships FOR EACH ROW EXECUTE FUNCTION memberships_count_delete();
    -- A membership never moves between accounts.
    CREATE FUNCTION memberships_count_update() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE member_counts SET active = active - (OLD.status = 'active')::int + (NEW.status = 'active')::int,
        invited = invited - (OLD.status = 'invited')::int + (NEW.status = 'invited')::int,
        deactivated = deactivated - (OLD.status = 'deactivated')::int + (NEW.status = 'deactivated')::int WHERE account_id = NEW.account_id;
      RETURN NULL;
    END;
    $$;
    CREATE TRIGGER memberships_count_update AFTER UPDATE OF status ON memberships FOR EACH ROW WHEN (OLD.status <> NEW.status)
      EXECUTE FUNCTION memberships_count_update();
    CREATE FUNCTION persons_avatar_size_update() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'avatar larger than 256 KB';
    END;
    $$;
    CREATE TRIGGER persons_avatar_size_update BEFORE UPDATE OF avatar ON persons
      FOR EACH ROW WHEN (NEW.avatar IS NOT NULL AND length(NEW.avatar) > 349600)
      EXECUTE FUNCTION persons_avatar_size_update();

    CREATE TABLE teams (
      team_id TEXT PRIMARY KEY,
      account_id TEXT NOT NULL REFERENCES accounts(account_id),
      name CITEXT NOT NULL,
      description TEXT NOT NULL DEFAULT '',
      created_at BIGINT NOT NULL,
      -- Kept by the team_members triggers below: the Teams screen and a team's total cost one row.
      member_count INTEGER NOT NULL DEFAULT 0,
      UNIQUE (account_id, name)
    );
    CREATE TABLE team_members (
      account_id TEXT NOT NULL REFERENCES accounts(account_id),
      team_id TEXT NOT NULL REFERENCES teams(team_id) ON DELETE CASCADE,
      membership_id TEXT NOT NULL REFERENCES memberships(membership_id) ON DELETE CASCADE,
      -- The membership's person (never changes): a team-filtered page walks the sort index of
      -- persons and probes (team_id, person_id) before reading any membership row.
      person_id TEXT NOT NULL,
      added_at BIGINT NOT NULL,
      PRIMARY KEY (team_id, membership_id)
    );
    -- The teams column of a users page and "teams of this person".
    CREATE INDEX team_members_membership ON team_members (membership_id, team_id);
    CREATE UNIQUE INDEX team_members_team_person ON team_members (team_id, person_id);
    CREATE FUNCTION team_members_count_insert() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE teams SET member_count = member_count + 1 WHERE team_id = NEW.team_id;
      RETURN NULL;
    END;
    $$;
    CREATE TRIGGER team_members_count_insert AFTER INSERT ON team_members FOR EACH ROW EXECUTE FUNCTION team_members_count_insert();
    CREATE FUNCTION team_members_count_delete() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE teams SET member_count = member_count - 1 WHERE team_id = OLD.team_id;
      RETURN NULL;
    END;
    $$;
    CREATE TRIGGER team_members_count_delete AFTER DELETE ON team_members FOR EACH ROW EXECUTE FUNCTION team_members_count_delete();

    CREATE TABLE member_permissions (
      account_id TEXT NOT NULL REFERENCES accounts(account_id),
      membership_id TEXT NOT NULL REFERENCES memberships(membership_id) ON DELETE CASCADE,
      permission TEXT NOT NULL CHECK (permission IN ('view-all-tickets', 'delete-tickets', 'export-data', 'manage-macros', 'view-analytics')),
      granted_at BIGINT NOT NULL,
      PRIMARY KEY (membership_id, permission)
    );

    -- One row per link ever sent. A resend replaces the row's token with a new row; the old one is
    -- marked replaced. Rows outlive a revoked membership (membership_id becomes NULL).
    CREATE TABLE invitations (
      invitation_id TEXT PRIMARY KEY,
      account_id TEXT NOT NULL REFERENCES accounts(account_id),
      membership_id TEXT REFERENCES memberships(membership_id) ON DELETE SET NULL,
      email CITEXT NOT NULL,
      token_hash BYTEA NOT NULL UNIQUE CHECK (octet_length(token_hash) = 32),
      created_at BIGINT NOT NULL,
      created_by TEXT,
      expires_at BIGINT NOT NULL,
      used_at BIGINT,
      revoked_at BIGINT,
      replaced_at BIGINT
    );
    CREATE INDEX invitations_membership ON invitations (membership_id, created_at);

    CREATE TABLE smtp_settings (
      account_id TEXT PRIMARY KEY REFERENCES accounts(account_id),
      host TEXT NOT NULL,
      port INTEGER NOT NULL CHECK (port BETWEEN 1 AND 65535),
      tls TEXT NOT NULL CHECK (tls IN ('none', 'starttls', 'tls')),
      username TEXT NOT NULL DEFAULT '',
      password TEXT,
      from_address TEXT NOT NULL,
      from_name TEXT NOT NULL DEFAULT 'Gatehouse',
      updated_at BIGINT NOT NULL
    );
  `
}
