import Database from 'better-sqlite3-multiple-ciphers'
import { openDatabase, type Db } from '../store/connection'
import type { Executor } from '../store/port'
import { postgresReader } from '../store/postgres-store'
import { sqliteHandles } from '../store/sqlite-driver'
import type { ReaderSpec } from './protocol'

/**
 * A worker thread's own read-only connection to the store the core runs on (the job worker, the
 * verify workers): the SQLite file with its key, or the PostgreSQL database read-only by the
 * server's own rule (`max` connections). `raw`: the SQLite handle itself, for statements run directly.
 */
export function openReader(spec: ReaderSpec, max = 2): { db: Executor; raw: Db | null } {
  if (spec.dialect === 'postgres') return { db: postgresReader(spec.url, { max, options: '-c default_transaction_read_only=on' }), raw: null }
  const raw = spec.key
    ? openDatabase(spec.file, Buffer.from(spec.key), { readonly: true, nativeBinding: spec.nativeBinding })
    : new Database(spec.file, { readonly: true, fileMustExist: true, nativeBinding: spec.nativeBinding })
  return { db: sqliteHandles(raw).db as unknown as Executor, raw }
}
