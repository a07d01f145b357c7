export interface Migration {
  version: number
  name: string
  /** SQLite, run in one transaction */
  sqlite: string
  /** PostgreSQL 15, run in one transaction */
  postgres: string
  /**
   * PostgreSQL statements run after the migration's transaction commits, by the process that ran it
   * (VACUUM cannot run inside a transaction: a table rewrite leaves no visibility map, and index-only
   * scans visit the table for every entry until a vacuum makes one).
   */
  postgresAfter?: string
}
