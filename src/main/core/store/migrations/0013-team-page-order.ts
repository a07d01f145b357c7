import type { Migration } from './types'

/**
 * A users page filtered by a team, without a search, sorted by name or email, walked persons_name
 * or persons_email and probed team_members (team_id, person_id) for every entry: a team of a fifth
 * of the account passes about 450 entries and 450 probes per page of 100, and the probes land all
 * over the team's part of the index (on a cold cache, the first visit of each team by name read
 * 7–12 ms on the bench's 100,000 people, against 2.5 ms warm). Now each team_members row carries a
 * copy of its person's name and email, kept by triggers and never written by the code, and an
 * index per sort holds (team_id, name|email, person_id): such a page reads its 100 entries in
 * order, one range of one index, and joins their memberships and persons.
 *
 * The copies sort as the person's columns do (NOCASE on SQLite, citext on PostgreSQL), so the
 * team's pages come in the same order and take the same keyset (the page's last name or email and
 * person id) as the unfiltered list. By last login a team page keeps its walk of
 * memberships_last_login (an index that holds everything else it tests): copying last_login_at
 * would make every sign-in write the person's team rows too.
 *
 * - a person joins a team: the row gets the person's name and email as it is inserted;
 * - a person's name or email changes (also in case only): every team row of theirs.
 */
export const migration0013: Migration = {
  version: 13,
  name: 'team-page-order',
  sqlite: `
    ALTER TABLE team_members ADD COLUMN name TEXT NOT NULL DEFAULT '' COLLATE NOCASE;
    ALTER TABLE team_members ADD COLUMN email TEXT NOT NULL DEFAULT '' COLLATE NOCASE;
    UPDATE team_members SET
      name = (SELECT p.name FROM persons p WHERE p.person_id = team_members.person_id),
      email = (SELECT p.email FROM persons p WHERE p.person_id = team_members.person_id);
    CREATE INDEX team_members_by_name ON team_members (team_id, name, person_id);
    CREATE INDEX team_members_by_email ON team_members (team_id, email, person_id);
    CREATE TRIGGER team_members_person_copy AFTER INSERT ON team_members BEGIN
      UPDATE team_members SET
        name = (SELECT p.name FROM persons p WHERE p.person_id = NEW.person_id),
        email = (SELECT p.email FROM persons p WHERE p.person_id = NEW.person_id)
      WHERE team_id = NEW.team_id AND membership_id = NEW.membership_id;
    END;
    CREATE TRIGGER persons_search_team_copies AFTER UPDATE OF name, email ON persons
      WHEN OLD.name IS NOT NEW.name COLLATE BINARY OR OLD.email IS NOT NEW.email COLLATE BINARY BEGIN
      UPDATE team_members SET name = NEW.name, email = NEW.email
        WHERE membership_id IN (SELECT m.membership_id FROM memberships m WHERE m.person_id = NEW.person_id);
    END;
  `,
  // BEFORE INSERT sets the copies on the row itself (no second version of it). The rename trigger
  // is named to fire before persons_search_text_copies (PostgreSQL fires a table's triggers of one
  // event by name): a rename locks the person's team rows, then their memberships, in the order a
  // removal from a team does (team_members, then memberships by the chips trigger, migration 0010).
  postgres: `
    ALTER TABLE team_members ADD COLUMN name CITEXT NOT NULL DEFAULT '', ADD COLUMN email CITEXT NOT NULL DEFAULT '';
    UPDATE team_members tm SET name = p.name, email = p.email FROM persons p WHERE p.person_id = tm.person_id;
    CREATE INDEX team_members_by_name ON team_members (team_id, name, person_id);
    CREATE INDEX team_members_by_email ON team_members (team_id, email, person_id);
    CREATE FUNCTION team_members_person_copy() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      SELECT p.name, p.email INTO NEW.name, NEW.email FROM persons p WHERE p.person_id = NEW.person_id;
      RETURN NEW;
    END $$;
    CREATE TRIGGER team_members_person_copy BEFORE INSERT ON team_members FOR EACH ROW EXECUTE FUNCTION team_members_person_copy();
    CREATE FUNCTION persons_team_copies() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE team_members SET name = NEW.name, email = NEW.email
        WHERE membership_id IN (SELECT m.membership_id FROM memberships m WHERE m.person_id = NEW.person_id);
      RETURN NEW;
    END $$;
    CREATE TRIGGER persons_search_team_copies AFTER UPDATE OF name, email ON persons
      FOR EACH ROW WHEN (OLD.name::text IS DISTINCT FROM NEW.name::text OR OLD.email::text IS DISTINCT FROM NEW.email::text)
      EXECUTE FUNCTION persons_team_copies();
  `
}
