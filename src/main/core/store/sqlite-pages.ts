import type { Executor } from './port'
import { all, one, sql } from './sql'

/**
 * Reading every page of a SQLite store's b-trees: on the encrypted store each page carries its own
 * authentication tag, so a page that was changed (one flipped byte) fails to read. The ledger's
 * verify reads every page of the audit events itself; these are the rest, read by `gatehouse audit
 * verify` beside it (in less time than `PRAGMA quick_check`, which walks the events a second time).
 */

/** Every b-tree of the store (tables and indexes) but the audit events table. */
export async function sqliteBtreesBesideLedger(q: Executor): Promise<string[]> {
  const rows = await all(q, sql<{ name: string }>`SELECT name FROM sqlite_schema WHERE type IN ('table', 'index') AND rootpage > 0 AND name <> 'audit_events' ORDER BY name`)
  return rows.map((r) => r.name)
}

/** Read every page of one b-tree (dbstat walks it); returns the page count. A damaged page throws. */
export async function readSqliteBtree(q: Executor, name: string): Promise<number> {
  return Number((await one(q, sql<{ pages: number }>`SELECT count(*) AS pages FROM dbstat WHERE name = ${name}`))?.pages ?? 0)
}
