import type { Kysely } from 'kysely'
import type { LedgerLoss } from './head-file'
import type { KeyEnvelope, ScryptSlot } from './key-envelope'
import type { ReaderSpec } from '../jobs/protocol'

export type Dialect = 'sqlite' | 'postgres'

/**
 * Something queries run on: the store's own handle (outside a transaction) or the transaction a
 * `tx` callback receives. Repositories take it as their first argument.
 */
// The schema is per feature (each repository types its rows with `sql<Row>`), not one global map.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Executor = Kysely<any>

/**
 * The one async store port of the core: every byte of data goes through it, on SQLite (the
 * encrypted file in the data folder) or on PostgreSQL (a shared directory).
 */
export interface Store {
  readonly dialect: Dialect
  /**
   * Reads outside a transaction. Inside a `tx` callback use its handle: on SQLite (one connection)
   * this one would wait for the transaction that waits for it, so the driver refuses it.
   */
  readonly db: Executor
  /**
   * Reads outside a transaction on connections that carry these planner settings (PostgreSQL only:
   * a small pool of its own, made once per set of settings, so a query shape that must stay an
   * index walk needs no transaction around it to SET LOCAL). Absent on SQLite (no planner settings).
   */
  readonly tunedReader?: (settings: Readonly<Record<string, string>>) => Executor
  /**
   * How a job worker opens a read-only connection of its own to this store (heavy reads run
   * there, off the core's thread and connection); absent: heavy work runs in the core.
   */
  readonly readerSpec?: ReaderSpec
  /** One write transaction; audit events are appended inside it with the change they record. */
  tx<T>(fn: (t: Executor) => Promise<T>): Promise<T>
  /**
   * After a bulk write (a CSV import, demo data): the planner's statistics of the tables it grew,
   * so the next reads are planned for the store's new size, not the one it had.
   */
  refreshStatistics(): Promise<void>
  /** Where the data lives, for messages: a file path, or the PostgreSQL URL without its password. */
  readonly location: string
  /** True when this open created the store (first-run setup follows). */
  readonly created: boolean
  /**
   * Where the newest tree head is kept outside the database (the SQLite file's folder), or null
   * (PostgreSQL: its own WAL, replicas and backups are the database's job).
   */
  readonly headDir: string | null
  /** Set when the store was opened although events recorded in that head are gone (accepted loss). */
  readonly ledgerLoss?: LedgerLoss | null
  /** Encrypts a secret with the store key before it is written (SMTP password, signing key, IdP secrets). */
  seal(plain: Buffer): Buffer
  /** The reverse of `seal`; values written before sealing existed (SQLite only) come back as they are. */
  unseal(stored: Buffer): Buffer
  /** Add or replace one slot of the key envelope (keys.json beside the file, or a row in PostgreSQL). */
  setEnvelopeSlot(name: 'recovery' | 'passphrase', slot: ScryptSlot): Promise<void>
  /** The store key wrapped with a secret (a recovery key), for `setEnvelopeSlot`; the key itself never leaves the store. */
  wrapKey(secret: string): ScryptSlot
  readEnvelope(): Promise<KeyEnvelope | null>
  close(): Promise<void>
}
