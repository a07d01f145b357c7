import type { Migration } from './types'

/**
 * A search sorted by last login walks memberships_last_login and tests each entry against the
 * term. On SQLite that test read the person's row (name and email live in persons): about 2 µs an
 * entry, and a term held by 1–2% of people passes 5,000–10,000 entries per page, so the planner fell
 * back to sorting every match (5 ms for 1,600 of them). Now, as on PostgreSQL since migration 0008,
 * each membership carries a copy of its person's name and email (search_text: name U+0001 email;
 * no name or email holds a control character, so a term never matches across the two; LIKE folds
 * ASCII case itself), kept by triggers and never written by the code, and memberships_last_login
 * holds it with the status, role and end of invitation: the walk reads that index only, about
 * 0.1 µs an entry (a whole account of 100,000 people in 9.5 ms, a 1,600-match term's page in 1 ms).
 *
 * PostgreSQL (see below) gains a trigram index on that copy.
 */
export const migration0011: Migration = {
  version: 11,
  name: 'last-login-search',
  sqlite: `
    ALTER TABLE memberships ADD COLUMN search_text TEXT NOT NULL DEFAULT '';
    UPDATE memberships SET search_text = (SELECT p.name || char(1) || p.email FROM persons p WHERE p.person_id = memberships.person_id);
    DROP INDEX memberships_last_login;
    CREATE INDEX memberships_last_login ON memberships (account_id, last_login_at, person_id, search_text, status, invite_expires_at, role);
    CREATE TRIGGER memberships_search_text AFTER INSERT ON memberships BEGIN
      UPDATE memberships SET search_text = (SELECT p.name || char(1) || p.email FROM persons p WHERE p.person_id = NEW.person_id)
        WHERE membership_id = NEW.membership_id;
    END;
    CREATE TRIGGER memberships_search_text_person AFTER UPDATE OF person_id ON memberships WHEN OLD.person_id IS NOT NEW.person_id BEGIN
      UPDATE memberships SET search_text = (SELECT p.name || char(1) || p.email FROM persons p WHERE p.person_id = NEW.person_id)
        WHERE membership_id = NEW.membership_id;
    END;
    CREATE TRIGGER persons_search_text_copies AFTER UPDATE OF name, email ON persons
      WHEN OLD.name IS NOT NEW.name OR OLD.email IS NOT NEW.email BEGIN
      UPDATE memberships SET search_text = NEW.name || char(1) || NEW.email WHERE person_id = NEW.person_id;
    END;
  `,
  // PostgreSQL has walked memberships_last_login index-only since 0008. A search by last login with
  // few matches sorts them instead: from persons' trigram index, each match cost a person row and a
  // membership probe (7 µs); from the memberships' own copy, its membership row alone (1.7 µs).
  postgres: `
    CREATE INDEX memberships_search_trgm ON memberships USING gin (search_text gin_trgm_ops);
  `
}
