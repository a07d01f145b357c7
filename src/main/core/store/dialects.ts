import { PostgresAdapter, sql, type RawBuilder } from 'kysely'
import type { Dialect, Executor } from './port'

/**
 * The small SQL fragments that differ between the two stores. Larger per-dialect code (the people
 * search plans) lives in its feature's `*.sqlite.ts` / `*.postgres.ts` modules.
 */
export interface DialectSql {
  /** Appended to a SELECT that must hold its row until commit (PostgreSQL row lock; SQLite has one writer). */
  forUpdate: RawBuilder<unknown>
  /**
   * A text column as a JSON string literal, `null` for NULL, escaped as JSON.stringify escapes
   * (\" \\ \b \f \n \r \t, other control characters as \u00xx): SQLite's json_quote, PostgreSQL's to_json.
   */
  jsonString(column: RawBuilder<unknown>): RawBuilder<unknown>
  /**
   * A text column as a CSV field: NULL empty; anything else quoted (quotes doubled), with an
   * apostrophe first when it begins with = + - @, a tab or a carriage return, which a spreadsheet
   * would run as a formula (csv/csv.ts `neutraliseCell`).
   */
  csvField(column: RawBuilder<unknown>): RawBuilder<unknown>
  /** A time in ms as ISO 8601 in UTC with milliseconds ("2026-12-04T03:11:41.399Z"), exactly. */
  isoUtc(column: RawBuilder<unknown>): RawBuilder<unknown>
}

function csvField(column: RawBuilder<unknown>, tab: string, cr: string): RawBuilder<unknown> {
  return sql`coalesce('"' || replace(CASE WHEN substr(${column}, 1, 1) IN ('=', '+', '-', '@', ${sql.raw(tab)}, ${sql.raw(cr)}) THEN '''' || ${column} ELSE ${column} END, '"', '""') || '"', '')`
}

export const DIALECT_SQL: Readonly<Record<Dialect, DialectSql>> = {
  sqlite: {
    forUpdate: sql``,
    jsonString: (column) => sql`json_quote(${column})`,
    csvField: (column) => csvField(column, 'char(9)', 'char(13)'),
    isoUtc: (column) => sql`strftime('%Y-%m-%dT%H:%M:%S', ${column} / 1000, 'unixepoch') || '.' || substr('00' || (${column} % 1000), -3) || 'Z'`
  },
  postgres: {
    forUpdate: sql` FOR UPDATE`,
    jsonString: (column) => sql`coalesce(to_json(${column})::text, 'null')`,
    csvField: (column) => csvField(column, 'chr(9)', 'chr(13)'),
    isoUtc: (column) => sql`to_char(to_timestamp(${column} / 1000) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS') || '.' || lpad((${column} % 1000)::text, 3, '0') || 'Z'`
  }
}

/** Which store a handle (a connection, or a transaction on it) talks to. */
export function dialectOf(q: Executor): Dialect {
  return q.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite'
}
