import type { Migration } from './types'

/**
 * Audit review (issue 10): the log reads newest first by time, so every filter has an index ending
 * in (time, seq); full-text search; and an hourly count per action for totals and the chart.
 *
 * - Indexes (account_id, X, time, seq) for X in nothing, action, actor_id, actor_kind, target_type
 *   and target_id replace the (account_id, X, seq) ones of 0003: a time range is a range of each,
 *   and a keyset page is a seek in it. Demo history and imported events carry their own times, so
 *   time order is not sequence order. Actor kind and target type index only the rarer values (not
 *   'member', nearly every event): for 'member' the time index finds a page at once, and the index
 *   stays small (a verify reads every page of the store).
 * - Search. SQLite: `audit_search`, a contentless FTS5 table (no second copy of the text) whose rowid
 *   is the event's time key, time << 20 | (seq & 0xFFFFF): the index hands out matches newest first
 *   and a page stops after its rows, where joining and sorting by time took 300 ms for a common word
 *   (LIBRARIES.md); no column sizes (nothing is ranked). A purge takes an event's words out with
 *   FTS5's 'delete' command and the text it indexed. Two events collide only with the same millisecond and sequence numbers 2^20
 *   apart, which no append makes. An insert trigger keeps it in the event's own transaction.
 *   PostgreSQL: a generated `search` tsvector of the same words (`PG_SEARCH_VECTOR`) and a GIN index. Both take the words
 *   of summary, actor name and email, target name, the values before and after, and the IP address,
 *   folded to lower case (ICU, so not ASCII only) and split at every character that is not a letter
 *   or a digit, with no stemming: a word matches as typed on both stores. `audit_search_terms` lists
 *   SQLite's indexed words, to turn the prefix being typed into the words it starts (a prefix read as
 *   such merged 600,000 entries in 250 ms; the words it starts, read newest first, take 1 ms). No
 *   prefix indexes: on a million events they took 140 MB beside the 100 MB of the words.
 * - `audit_hourly`: events per (account, hour, action, actor kind, target type), written by the
 *   ledger's insert in the same statement batch as the events (audit/ledger-repository.ts). An
 *   unfiltered or action/actor-kind filtered total and the chart's series sum it instead of counting
 *   events. Installation-wide events (no account) count under account ''. SQLite keeps it in its key
 *   order (WITHOUT ROWID); PostgreSQL's key index carries the count too (INCLUDE), so a year's
 *   series is read from the index alone once the table is vacuumed.
 * - `login_events_person_time`: a person's login history (last sign-in, the 30-day chart, their
 *   addresses, devices and failed attempts) is a range of it.
 * - `audit_verify_runs`: each "Verify integrity" from the screen (full or incremental), how it ended,
 *   and for a passing one where it stopped (size, root and frontier at the newest signed head): the
 *   screen says when each mode last passed, and an incremental run starts from the newest pass.
 */
const INDEXES = `
    CREATE INDEX login_events_person_time ON login_events (account_id, person_id, time);
    DROP INDEX audit_events_account_seq;
    DROP INDEX audit_events_account_action_seq;
    DROP INDEX audit_events_account_actor_seq;
    CREATE INDEX audit_events_time ON audit_events (account_id, time, seq);
    CREATE INDEX audit_events_action_time ON audit_events (account_id, action, time, seq);
    CREATE INDEX audit_events_actor_time ON audit_events (account_id, actor_id, time, seq);
    CREATE INDEX audit_events_actor_kind_time ON audit_events (account_id, actor_kind, time, seq) WHERE actor_kind <> 'member';
    CREATE INDEX audit_events_target_type_time ON audit_events (account_id, target_type, time, seq) WHERE target_type <> 'member';
    CREATE INDEX audit_events_target_time ON audit_events (account_id, target_id, time, seq);
`

function hourly(count: 'INTEGER' | 'BIGINT', withoutRowid: string, include: string): string {
  const blob = count === 'INTEGER' ? 'BLOB' : 'BYTEA'
  return `
    CREATE TABLE audit_verify_runs (
      run_id TEXT PRIMARY KEY,
      run_no ${count} NOT NULL UNIQUE,
      account_id TEXT NOT NULL REFERENCES accounts(account_id),
      mode TEXT NOT NULL CHECK (mode IN ('full', 'incremental')),
      started_at ${count} NOT NULL,
      finished_at ${count} NOT NULL,
      outcome TEXT NOT NULL CHECK (outcome IN ('passed', 'failed', 'cancelled')),
      events ${count},
      message TEXT,
      bad_seq ${count},
      by_person TEXT,
      by_name TEXT NOT NULL,
      checkpoint_size ${count},
      checkpoint_root ${blob},
      checkpoint_frontier ${blob},
      checkpoint_signed_at ${count}
    );
    CREATE INDEX audit_verify_runs_account ON audit_verify_runs (account_id, run_no);
    CREATE TABLE audit_hourly (
      account_id TEXT NOT NULL,
      hour ${count} NOT NULL,
      action TEXT NOT NULL,
      actor_kind TEXT NOT NULL,
      target_type TEXT NOT NULL,
      events ${count} NOT NULL,
      PRIMARY KEY (account_id, hour, action, actor_kind, target_type)${include}
    )${withoutRowid};
    INSERT INTO audit_hourly (account_id, hour, action, actor_kind, target_type, events)
      SELECT coalesce(account_id, ''), time / 3600000, action, actor_kind, target_type, count(*)
      FROM audit_events GROUP BY 1, 2, 3, 4, 5;
  `
}

/** The searchable text of an event (one expression on each store, kept alike). */
export const SEARCH_TEXT = (p: string) =>
  `coalesce(${p}summary, '') || ' ' || coalesce(${p}actor_name, '') || ' ' || coalesce(${p}actor_email, '') || ' ' || coalesce(${p}target_name, '') || ' ' ||
      coalesce(${p}before_json, '') || ' ' || coalesce(${p}after_json, '') || ' ' || coalesce(${p}ip, '')`

/**
 * PostgreSQL: the words of an event as a tsvector, kept as a stored generated column with a GIN
 * index. Measured on a million events: a GIN index over this expression instead (no column) made the
 * verify 5.8 s instead of 6.1 s, but the planner then walked the time index computing the expression
 * row by row for a surname, 441 ms a page instead of 12.5 ms; the column stays.
 */
export const PG_SEARCH_VECTOR = `to_tsvector('simple'::regconfig, regexp_replace(lower((${SEARCH_TEXT('')}) COLLATE "und-x-icu"), '[^[:alnum:]]+', ' ', 'g'))`

export const migration0019: Migration = {
  version: 19,
  name: 'audit-review',
  sqlite: `
    ${INDEXES}
    ${hourly('INTEGER', ' WITHOUT ROWID', '')}
    CREATE VIRTUAL TABLE audit_search USING fts5(body, content = '', detail = none, columnsize = 0, tokenize = 'unicode61 remove_diacritics 0');
    INSERT INTO audit_search (rowid, body) SELECT (time << 20) | (seq & 1048575), ${SEARCH_TEXT('')} FROM audit_events;
    CREATE VIRTUAL TABLE audit_search_terms USING fts5vocab(audit_search, 'row');
    CREATE TRIGGER audit_events_search AFTER INSERT ON audit_events BEGIN
      INSERT INTO audit_search (rowid, body) VALUES ((NEW.time << 20) | (NEW.seq & 1048575), ${SEARCH_TEXT('NEW.')});
    END;
  `,
  postgres: `
    ${INDEXES}
    ${hourly('BIGINT', '', ' INCLUDE (events)')}
    ALTER TABLE audit_events ADD COLUMN search tsvector GENERATED ALWAYS AS (${PG_SEARCH_VECTOR}) STORED;
    CREATE INDEX audit_events_search ON audit_events USING gin (search);
  `,
  postgresAfter: `VACUUM (ANALYZE) audit_events, audit_hourly`
}
