import type { Migration } from './types'

/**
 * Substring search over people's names and emails at 100,000+ people: an FTS5 trigram index kept
 * in step with `persons` by triggers. It is an index of `persons` (external content), so it holds
 * no account_id of its own: results are always joined back through memberships of one account.
 */
export const migration0006: Migration = {
  version: 6,
  name: 'people-search',
  up: `
    CREATE VIRTUAL TABLE persons_search USING fts5(name, email, content = 'persons', content_rowid = 'rowid', tokenize = 'trigram');
    INSERT INTO persons_search (persons_search) VALUES ('rebuild');
    -- How many people hold each trigram: lets a search pick its plan before running it.
    CREATE VIRTUAL TABLE persons_search_terms USING fts5vocab(persons_search, 'row');
    CREATE TRIGGER persons_search_insert AFTER INSERT ON persons BEGIN
      INSERT INTO persons_search (rowid, name, email) VALUES (NEW.rowid, NEW.name, NEW.email);
    END;
    CREATE TRIGGER persons_search_delete AFTER DELETE ON persons BEGIN
      INSERT INTO persons_search (persons_search, rowid, name, email) VALUES ('delete', OLD.rowid, OLD.name, OLD.email);
    END;
    CREATE TRIGGER persons_search_update AFTER UPDATE OF name, email ON persons BEGIN
      INSERT INTO persons_search (persons_search, rowid, name, email) VALUES ('delete', OLD.rowid, OLD.name, OLD.email);
      INSERT INTO persons_search (rowid, name, email) VALUES (NEW.rowid, NEW.name, NEW.email);
    END;
  `
}
