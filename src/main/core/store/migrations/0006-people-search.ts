import type { Migration } from './types'

/**
 * Substring search over people's names and emails at 100,000+ people: an FTS5 trigram index kept
 * in step with `persons` by triggers. It is an index of `persons` (external content), so it holds
 * no account_id of its own: results are always joined back through memberships of one account.
 * PostgreSQL: GIN trigram indexes on lower(name::text) and lower(email::text) (pg_trgm) instead.
 */
export const migration0006: Migration = {
  version: 6,
  name: 'people-search',
  sqlite: `
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
  `,
  postgres: `
    -- No FTS table: GIN trigram indexes on the lowered text serve lower(name::text) LIKE '%term%' and
    -- lower(email::text) LIKE '%term%' (the expression must match for the planner to use them).
    -- No vocab table: the planner keeps its own statistics.
    CREATE EXTENSION IF NOT EXISTS pg_trgm;
    CREATE INDEX persons_name_trgm ON persons USING gin ((lower(name::text)) gin_trgm_ops);
    CREATE INDEX persons_email_trgm ON persons USING gin ((lower(email::text)) gin_trgm_ops);
  `
}
