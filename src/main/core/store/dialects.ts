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
}

export const DIALECT_SQL: Readonly<Record<Dialect, DialectSql>> = {
  sqlite: { forUpdate: sql``, jsonString: (column) => sql`json_quote(${column})` },
  postgres: { forUpdate: sql` FOR UPDATE`, jsonString: (column) => sql`coalesce(to_json(${column})::text, 'null')` }
}

/** Which store a handle (a connection, or a transaction on it) talks to. */
export function dialectOf(q: Executor): Dialect {
  return q.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite'
}
