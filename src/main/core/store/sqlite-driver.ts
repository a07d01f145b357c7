import { AsyncLocalStorage } from 'node:async_hooks'
import {
  CompiledQuery,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  type QueryResult
} from 'kysely'
import type Database from 'better-sqlite3-multiple-ciphers'

type Db = Database.Database
type Statement = Database.Statement

/** Marks the async context of a `tx` callback, so a query on the store's own handle there fails loudly. */
export const inTransaction = new AsyncLocalStorage<true>()

/**
 * Kysely's SQLite driver, with what makes SQLite fast here kept: each distinct SQL text is
 * prepared once and reused (Kysely's own driver prepares on every call), and write transactions
 * start with BEGIN IMMEDIATE (one writer connection; never a deferred upgrade).
 */
class SqliteConnection implements DatabaseConnection {
  private readonly statements = new Map<string, Statement>()
  constructor(private readonly db: Db) {}

  private prepared(text: string): Statement {
    let statement = this.statements.get(text)
    if (!statement) {
      statement = this.db.prepare(text)
      // Dynamic filters build a bounded set of texts; a runaway set would only cost memory.
      if (this.statements.size < 2_000) this.statements.set(text, statement)
    }
    return statement
  }

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const statement = this.prepared(query.sql)
    const parameters = query.parameters as unknown[]
    if (statement.reader) return { rows: statement.all(...parameters) as R[] }
    const { changes, lastInsertRowid } = statement.run(...parameters)
    return { rows: [], numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid) }
  }

  async *streamQuery<R>(query: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    const statement = this.db.prepare(query.sql)
    for (const row of statement.iterate(...(query.parameters as unknown[]))) yield { rows: [row as R] }
  }
}

class Mutex {
  private tail: Promise<void> = Promise.resolve()
  lock(): Promise<() => void> {
    let release!: () => void
    const next = new Promise<void>((resolve) => (release = resolve))
    const acquired = this.tail.then(() => release)
    this.tail = this.tail.then(() => next)
    return acquired
  }
}

class SqliteDriver implements Driver {
  private readonly mutex = new Mutex()
  private release: (() => void) | null = null
  private readonly connection: SqliteConnection

  constructor(private readonly db: Db) {
    this.connection = new SqliteConnection(db)
  }

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    if (inTransaction.getStore()) {
      throw new Error('A query on the store handle inside a transaction: use the transaction handle (it would wait for itself).')
    }
    this.release = await this.mutex.lock()
    return this.connection
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('BEGIN IMMEDIATE'))
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('COMMIT'))
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    // A failed statement may already have rolled the transaction back (SQLITE_FULL, for instance).
    if (this.db.inTransaction) await connection.executeQuery(CompiledQuery.raw('ROLLBACK'))
  }

  async releaseConnection(): Promise<void> {
    const release = this.release
    this.release = null
    release?.()
  }

  async destroy(): Promise<void> {}
}

export class CachedSqliteDialect implements Dialect {
  constructor(private readonly db: Db) {}
  createDriver(): Driver {
    return new SqliteDriver(this.db)
  }
  createQueryCompiler() {
    return new SqliteQueryCompiler()
  }
  createAdapter() {
    return new SqliteAdapter()
  }
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  createIntrospector(db: Kysely<any>) {
    return new SqliteIntrospector(db)
  }
}
