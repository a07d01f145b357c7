import { sql, type RawBuilder } from 'kysely'
import type { Dialect } from './port'

/**
 * The small SQL fragments that differ between the two stores. Larger per-dialect code (the people
 * search plans) lives in its feature's `*.sqlite.ts` / `*.postgres.ts` modules.
 */
export interface DialectSql {
  /** Appended to a SELECT that must hold its row until commit (PostgreSQL row lock; SQLite has one writer). */
  forUpdate: RawBuilder<unknown>
}

export const DIALECT_SQL: Readonly<Record<Dialect, DialectSql>> = {
  sqlite: { forUpdate: sql`` },
  postgres: { forUpdate: sql` FOR UPDATE` }
}
