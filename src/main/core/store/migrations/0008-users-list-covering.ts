import type { Migration } from './types'

/**
 * The users list pages in sort order without reading a table row per walked entry. A search that
 * walks the sort's index tests every entry it passes against the term, and a term held by 2% of
 * people passes about 7,500 entries per page: each test was a table read, and on PostgreSQL two
 * lower() calls besides. Now the index carries what the test needs.
 *
 * SQLite: persons_name and persons_email hold the other of name/email as a trailing column (the
 * deferred seek tests the entry and reads the row only for a match).
 *
 * PostgreSQL: persons.search_text (generated: lower(name) U+0001 lower(email); no name or email
 * holds a control character, so a term never matches across the two) is what every search tests:
 * one trigram index instead of two, the sort indexes INCLUDE it, and memberships carry a copy
 * (kept by triggers, never written by the code) that memberships_last_login includes with the
 * status, role and end of invitation, so a walk by last login, and a count of a short term's
 * members, read no table at all.
 */
export const migration0008: Migration = {
  version: 8,
  name: 'users-list-covering',
  sqlite: `
    DROP INDEX persons_name;
    CREATE INDEX persons_name ON persons (name, person_id, email);
    DROP INDEX persons_email;
    CREATE INDEX persons_email ON persons (email, person_id, name);
  `,
  postgres: `
    ALTER TABLE persons ADD COLUMN search_text text NOT NULL GENERATED ALWAYS AS (lower(name::text) || E'\\x01' || lower(email::text)) STORED;
    DROP INDEX persons_name_trgm;
    DROP INDEX persons_email_trgm;
    CREATE INDEX persons_search_trgm ON persons USING gin (search_text gin_trgm_ops);
    DROP INDEX persons_name;
    CREATE INDEX persons_name ON persons (name, person_id) INCLUDE (search_text);
    DROP INDEX persons_email;
    CREATE INDEX persons_email ON persons (email, person_id) INCLUDE (search_text);

    ALTER TABLE memberships ADD COLUMN search_text text;
    UPDATE memberships m SET search_text = p.search_text FROM persons p WHERE p.person_id = m.person_id;
    ALTER TABLE memberships ALTER COLUMN search_text SET NOT NULL;
    CREATE FUNCTION memberships_search_text() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      SELECT p.search_text INTO NEW.search_text FROM persons p WHERE p.person_id = NEW.person_id;
      RETURN NEW;
    END $$;
    CREATE TRIGGER memberships_search_text BEFORE INSERT OR UPDATE OF person_id ON memberships
      FOR EACH ROW EXECUTE FUNCTION memberships_search_text();
    CREATE FUNCTION persons_search_text_copies() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE memberships SET search_text = NEW.search_text WHERE person_id = NEW.person_id;
      RETURN NEW;
    END $$;
    CREATE TRIGGER persons_search_text_copies AFTER UPDATE OF name, email ON persons
      FOR EACH ROW WHEN (OLD.search_text IS DISTINCT FROM NEW.search_text)
      EXECUTE FUNCTION persons_search_text_copies();
    DROP INDEX memberships_last_login;
    CREATE INDEX memberships_last_login ON memberships (account_id, last_login_at, person_id) INCLUDE (search_text, status, invite_expires_at, role);
  `
}
