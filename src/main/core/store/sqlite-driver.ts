import { AsyncLocalStorage } from 'node:async_hooks'
import {
  CompiledQuery,
  Kysely,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type DatabaseConnection,
  type Dialect,
  type Driver,
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

/** What the store handle and the transactions share: the one connection (and its statements) and the lock. */
class Shared {
  readonly mutex = new Mutex()
  readonly connection: SqliteConnection
  constructor(readonly db: Db) {
    this.connection = new SqliteConnection(db)
  }
}

class SqliteDriver implements Driver {
  private release: (() => void) | null = null

  constructor(private readonly shared: Shared) {}

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    if (inTransaction.getStore()) {
      throw new Error('A query on the store handle inside a transaction: use the transaction handle (it would wait for itself).')
    }
    this.release = await this.shared.mutex.lock()
    return this.shared.connection
  }

  // Transactions go through store.tx (sqliteHandles below): Kysely's own would skip the guard above.
  async beginTransaction(): Promise<void> {
    throw new Error('Use store.tx for a transaction on the SQLite store.')
  }

  async commitTransaction(): Promise<void> {}

  async rollbackTransaction(): Promise<void> {}

  async releaseConnection(): Promise<void> {
    const release = this.release
    this.release = null
    release?.()
  }

  async destroy(): Promise<void> {}
}

/** The driver of the transaction handle: the connection the running transaction holds (the lock is the transaction's). */
class HeldConnectionDriver implements Driver {
  constructor(private readonly shared: Shared) {}
  async init(): Promise<void> {}
  async acquireConnection(): Promise<DatabaseConnection> {
    if (!this.shared.db.inTransaction) throw new Error('The transaction handle was used outside its transaction.')
    return this.shared.connection
  }
  async beginTransaction(): Promise<void> {
    throw new Error('A transaction inside a transaction: use the handle you were given.')
  }
  async commitTransaction(): Promise<void> {}
  async rollbackTransaction(): Promise<void> {}
  async releaseConnection(): Promise<void> {}
  async destroy(): Promise<void> {}
}

/** The handle a `tx` callback receives: a Kysely that says it is a transaction (repositories check). */
class TransactionHandle<DB> extends Kysely<DB> {
  override get isTransaction(): boolean {
    return true
  }
}

class Dialectish implements Dialect {
  constructor(private readonly driver: () => Driver) {}
  createDriver(): Driver {
    return this.driver()
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

/**
 * The store handle and the transactions of one SQLite connection. A transaction takes the lock,
 * begins IMMEDIATE and commits on the connection directly, and runs its callback on one handle made
 * once (Kysely's own transaction builds a new Kysely per transaction: ~50 µs, a sixth of a durable
 * single-event append).
 */
export function sqliteHandles(db: Db): {
  db: Kysely<never>
  tx<T>(fn: (t: Kysely<never>) => Promise<T>): Promise<T>
} {
  const shared = new Shared(db)
  const storeHandle = new Kysely<never>({ dialect: new Dialectish(() => new SqliteDriver(shared)) })
  const txHandle = new TransactionHandle<never>({ dialect: new Dialectish(() => new HeldConnectionDriver(shared)) })
  return {
    db: storeHandle,
    async tx(fn) {
      if (inTransaction.getStore()) throw new Error('A transaction inside a transaction: use the handle you were given.')
      const release = await shared.mutex.lock()
      try {
        db.exec('BEGIN IMMEDIATE')
        try {
          const result = await inTransaction.run(true, () => fn(txHandle))
          db.exec('COMMIT')
          return result
        } catch (error) {
          // A failed statement may already have rolled the transaction back (SQLITE_FULL, for instance).
          if (db.inTransaction) db.exec('ROLLBACK')
          throw error
        }
      } finally {
        release()
      }
    }
  }
}

