import type { Migration } from './types'

/**
 * A users page filtered by team shows the team's chips (active, invited, expired, deactivated).
 * Counting them read every member of the team: 22,000 members cost 40–100 ms on a first page.
 * Now the store keeps them, as it keeps the account's (member_counts):
 *
 * - teams.members_active / members_invited / members_deactivated, kept by triggers on team_members
 *   and on memberships' status;
 * - team_members carries a copy of its membership's status and end of invitation (kept by
 *   triggers, never written by the code), indexed (team_id, status, invite_expires_at), so the
 *   team's invitations past their end at a given moment are a range of one index.
 */
export const migration0009: Migration = {
  version: 9,
  name: 'team-status-counts',
  sqlite: `
    ALTER TABLE team_members ADD COLUMN status TEXT;
    ALTER TABLE team_members ADD COLUMN invite_expires_at INTEGER;
    UPDATE team_members SET status = (SELECT m.status FROM memberships m WHERE m.membership_id = team_members.membership_id),
      invite_expires_at = (SELECT m.invite_expires_at FROM memberships m WHERE m.membership_id = team_members.membership_id);
    CREATE INDEX team_members_status ON team_members (team_id, status, invite_expires_at);
    ALTER TABLE teams ADD COLUMN members_active INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE teams ADD COLUMN members_invited INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE teams ADD COLUMN members_deactivated INTEGER NOT NULL DEFAULT 0;
    UPDATE teams SET
      members_active = (SELECT count(*) FROM team_members tm WHERE tm.team_id = teams.team_id AND tm.status = 'active'),
      members_invited = (SELECT count(*) FROM team_members tm WHERE tm.team_id = teams.team_id AND tm.status = 'invited'),
      members_deactivated = (SELECT count(*) FROM team_members tm WHERE tm.team_id = teams.team_id AND tm.status = 'deactivated');
    CREATE TRIGGER team_members_status_insert AFTER INSERT ON team_members BEGIN
      UPDATE team_members SET status = (SELECT m.status FROM memberships m WHERE m.membership_id = NEW.membership_id),
        invite_expires_at = (SELECT m.invite_expires_at FROM memberships m WHERE m.membership_id = NEW.membership_id)
      WHERE team_id = NEW.team_id AND membership_id = NEW.membership_id;
      UPDATE teams SET
        members_active = members_active + (SELECT m.status = 'active' FROM memberships m WHERE m.membership_id = NEW.membership_id),
        members_invited = members_invited + (SELECT m.status = 'invited' FROM memberships m WHERE m.membership_id = NEW.membership_id),
        members_deactivated = members_deactivated + (SELECT m.status = 'deactivated' FROM memberships m WHERE m.membership_id = NEW.membership_id)
      WHERE team_id = NEW.team_id;
    END;
    CREATE TRIGGER team_members_status_delete AFTER DELETE ON team_members BEGIN
      UPDATE teams SET members_active = members_active - (OLD.status = 'active'), members_invited = members_invited - (OLD.status = 'invited'),
        members_deactivated = members_deactivated - (OLD.status = 'deactivated')
      WHERE team_id = OLD.team_id;
    END;
    CREATE TRIGGER memberships_team_status AFTER UPDATE OF status, invite_expires_at ON memberships
      WHEN OLD.status IS NOT NEW.status OR OLD.invite_expires_at IS NOT NEW.invite_expires_at BEGIN
      UPDATE teams SET
        members_active = members_active - (OLD.status = 'active') + (NEW.status = 'active'),
        members_invited = members_invited - (OLD.status = 'invited') + (NEW.status = 'invited'),
        members_deactivated = members_deactivated - (OLD.status = 'deactivated') + (NEW.status = 'deactivated')
      WHERE team_id IN (SELECT tm.team_id FROM team_members tm WHERE tm.membership_id = NEW.membership_id);
      UPDATE team_members SET status = NEW.status, invite_expires_at = NEW.invite_expires_at WHERE membership_id = NEW.membership_id;
    END;
  `,
  postgres: `
    ALTER TABLE team_members ADD COLUMN status TEXT, ADD COLUMN invite_expires_at BIGINT;
    UPDATE team_members tm SET status = m.status, invite_expires_at = m.invite_expires_at FROM memberships m WHERE m.membership_id = tm.membership_id;
    CREATE INDEX team_members_status ON team_members (team_id, status, invite_expires_at);
    ALTER TABLE teams ADD COLUMN members_active INTEGER NOT NULL DEFAULT 0, ADD COLUMN members_invited INTEGER NOT NULL DEFAULT 0,
      ADD COLUMN members_deactivated INTEGER NOT NULL DEFAULT 0;
    UPDATE teams t SET members_active = c.active, members_invited = c.invited, members_deactivated = c.deactivated
      FROM (SELECT team_id, count(*) FILTER (WHERE status = 'active') AS active, count(*) FILTER (WHERE status = 'invited') AS invited,
              count(*) FILTER (WHERE status = 'deactivated') AS deactivated
            FROM team_members GROUP BY team_id) c
      WHERE c.team_id = t.team_id;
    CREATE FUNCTION team_members_status_insert() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      s TEXT;
      e BIGINT;
    BEGIN
      SELECT m.status, m.invite_expires_at INTO s, e FROM memberships m WHERE m.membership_id = NEW.membership_id;
      UPDATE team_members SET status = s, invite_expires_at = e WHERE team_id = NEW.team_id AND membership_id = NEW.membership_id;
      UPDATE teams SET members_active = members_active + (s = 'active')::int, members_invited = members_invited + (s = 'invited')::int,
        members_deactivated = members_deactivated + (s = 'deactivated')::int
      WHERE team_id = NEW.team_id;
      RETURN NULL;
    END;
    $$;
    CREATE TRIGGER team_members_status_insert AFTER INSERT ON team_members FOR EACH ROW EXECUTE FUNCTION team_members_status_insert();
    CREATE FUNCTION team_members_status_delete() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE teams SET members_active = members_active - (OLD.status = 'active')::int, members_invited = members_invited - (OLD.status = 'invited')::int,
        members_deactivated = members_deactivated - (OLD.status = 'deactivated')::int
      WHERE team_id = OLD.team_id;
      RETURN NULL;
    END;
    $$;
    CREATE TRIGGER team_members_status_delete AFTER DELETE ON team_members FOR EACH ROW EXECUTE FUNCTION team_members_status_delete();
    CREATE FUNCTION memberships_team_status() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE teams SET
        members_active = members_active - (OLD.status = 'active')::int + (NEW.status = 'active')::int,
        members_invited = members_invited - (OLD.status = 'invited')::int + (NEW.status = 'invited')::int,
        members_deactivated = members_deactivated - (OLD.status = 'deactivated')::int + (NEW.status = 'deactivated')::int
      WHERE team_id IN (SELECT tm.team_id FROM team_members tm WHERE tm.membership_id = NEW.membership_id);
      UPDATE team_members SET status = NEW.status, invite_expires_at = NEW.invite_expires_at WHERE membership_id = NEW.membership_id;
      RETURN NULL;
    END;
    $$;
    CREATE TRIGGER memberships_team_status AFTER UPDATE OF status, invite_expires_at ON memberships FOR EACH ROW
      WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.invite_expires_at IS DISTINCT FROM NEW.invite_expires_at)
      EXECUTE FUNCTION memberships_team_status();
  `
}
