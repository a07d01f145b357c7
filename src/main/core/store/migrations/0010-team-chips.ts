import type { Migration } from './types'

/**
 * The team chips of a users page row, kept on the membership (PostgreSQL only). Reading them per
 * row of a page (a subquery over team_members and teams for each of 100 rows) was a quarter of a
 * PostgreSQL page's time (5.3 ms with it, 4.0 ms without, p50 over the bench's pages). Now
 * memberships.team_chips holds the JSON the page showed: [{"id", "name"}] ordered by name, then id,
 * kept by triggers (never written by the code):
 *
 * - added to or removed from teams: once per statement, for the memberships it touched (a CSV
 *   import adding thousands of people to teams refreshes each membership once);
 * - a team renamed (a change of case too: the name is citext): its members' chips;
 * - a team deleted: its team_members rows go by cascade, which the delete trigger sees.
 *
 * SQLite reads the chips of a page's rows with one more in-process query (list-repository.ts
 * teamsOfMemberships), which costs it little; its schema is unchanged.
 */
export const migration0010: Migration = {
  version: 10,
  name: 'team-chips',
  sqlite: ``,
  postgres: `
    ALTER TABLE memberships ADD COLUMN team_chips json NOT NULL DEFAULT '[]';
    UPDATE memberships m SET team_chips = c.chips
      FROM (SELECT tm.membership_id, json_agg(json_build_object('id', t.team_id, 'name', t.name) ORDER BY t.name, t.team_id) AS chips
            FROM team_members tm JOIN teams t ON t.team_id = tm.team_id GROUP BY tm.membership_id) c
      WHERE c.membership_id = m.membership_id;
    -- plpgsql, not sql: its plans are kept for the session (a SQL function's UPDATE is planned anew
    -- on every call). The rows are locked first, in a statement of their own: two transactions
    -- changing one person's teams at once then run one after the other, and the UPDATE's fresh
    -- snapshot (a new statement) sees the other's committed team_members rows. Had the UPDATE
    -- waited for the lock itself, its SET would have read the teams as they were before that wait.
    CREATE FUNCTION memberships_team_chips(ids text[]) RETURNS void LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM 1 FROM memberships WHERE membership_id = ANY (ids) ORDER BY membership_id FOR UPDATE;
      UPDATE memberships m SET team_chips = coalesce((
          SELECT json_agg(json_build_object('id', t.team_id, 'name', t.name) ORDER BY t.name, t.team_id)
          FROM team_members tm JOIN teams t ON t.team_id = tm.team_id WHERE tm.membership_id = m.membership_id), '[]'::json)
        WHERE m.membership_id = ANY (ids);
    END $$;
    -- One function for both triggers: each names its transition table "changed".
    CREATE FUNCTION team_members_chips() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM memberships_team_chips(ARRAY(SELECT DISTINCT membership_id FROM changed));
      RETURN NULL;
    END $$;
    CREATE TRIGGER team_members_chips_insert AFTER INSERT ON team_members REFERENCING NEW TABLE AS changed
      FOR EACH STATEMENT EXECUTE FUNCTION team_members_chips();
    CREATE TRIGGER team_members_chips_delete AFTER DELETE ON team_members REFERENCING OLD TABLE AS changed
      FOR EACH STATEMENT EXECUTE FUNCTION team_members_chips();
    CREATE FUNCTION teams_chips_rename() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM memberships_team_chips(ARRAY(SELECT tm.membership_id FROM team_members tm WHERE tm.team_id = NEW.team_id));
      RETURN NULL;
    END $$;
    CREATE TRIGGER teams_chips_rename AFTER UPDATE OF name ON teams FOR EACH ROW WHEN (OLD.name::text IS DISTINCT FROM NEW.name::text)
      EXECUTE FUNCTION teams_chips_rename();
  `
}
