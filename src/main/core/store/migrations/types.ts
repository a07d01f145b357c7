export interface Migration {
  version: number
  name: string
  /** SQLite, run in one transaction */
  sqlite: string
  /** PostgreSQL 15, run in one transaction */
  postgres: string
}
