import Database from 'better-sqlite3-multiple-ciphers'
import { closeSync, existsSync, mkdirSync, openSync, rmSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { AppError } from '../../../shared/contract/result'
import type { KeySource } from '../host'
import { MIGRATIONS } from './migrations'
import {
  DATABASE_FILE,
  envelopePath,
  generateKey,
  readEnvelope,
  unwrapWithPassphrase,
  wrapWithSecret,
  writeEnvelope
} from './key-envelope'

export type Db = Database.Database

export interface OpenedStore {
  db: Db
  key: Buffer
  file: string
  created: boolean
}

export function databasePath(dataDir: string): string {
  return join(dataDir, DATABASE_FILE)
}

/** Resolve the raw key from its source; a wrong passphrase throws before any file is touched. */
export function resolveKey(dataDir: string, source: KeySource, create: boolean): { key: Buffer; created: boolean } {
  const env = readEnvelope(dataDir)
  const file = databasePath(dataDir)
  const dbExists = existsSync(file)
  // An envelope with a recovery slot (setup ran) or a recorded tree head means a store with data existed
  // here: never offer setup again (it would replace the recovery slot). A bare envelope is a store
  // about to be created (the desktop app seals its key before the first open).
  const existed = env !== null && (env.slots.recovery !== undefined || existsSync(join(dataDir, 'gatehouse.head')))
  if (existed && (!dbExists || statSync(file).size === 0)) {
    throw new AppError(
      'INTERNAL',
      `The database file ${file} is ${dbExists ? 'empty' : 'missing'}, but its key envelope (keys.json) is there: a store existed in ${dataDir}. Restore gatehouse.db from a backup; Gatehouse will not create a new store over it.`
    )
  }
  if (source.kind === 'key') {
    if (source.key.length !== 32) throw new AppError('VALIDATION', 'The database key must be 32 bytes.')
    return { key: Buffer.from(source.key), created: !dbExists }
  }
  if (!env) {
    if (dbExists) {
      throw new AppError('INTERNAL', `The key envelope is missing beside ${databasePath(dataDir)}; the store cannot be opened.`)
    }
    if (!create) throw new AppError('NOT_FOUND', `No Gatehouse store in ${dataDir}. Run "gatehouse init" first.`)
    if (source.passphrase.length < 8) {
      throw new AppError('VALIDATION', 'The passphrase must have at least 8 characters.')
    }
    const key = generateKey()
    mkdirSync(dataDir, { recursive: true, mode: 0o700 })
    writeEnvelope(dataDir, { version: 1, slots: { passphrase: wrapWithSecret(key, source.passphrase) } })
    return { key, created: true }
  }
  return { key: unwrapWithPassphrase(env, source.passphrase, `The key envelope ${envelopePath(dataDir)}`), created: !dbExists }
}

interface OpenOptions {
  readonly?: boolean
  nativeBinding?: string
}

/**
 * Open the encrypted database with a raw key and check the key at once: SQLite3MultipleCiphers
 * accepts any key on open and fails only on the first read.
 */
export function openDatabase(file: string, key: Buffer, options: OpenOptions = {}): Db {
  let db: Db
  // A new database file is created owner-only, like keys.json (SQLite gives its -wal and -shm the same mode).
  if (!options.readonly && !existsSync(file)) closeSync(openSync(file, 'a', 0o600))
  const sidecarsToRemove = options.readonly ? [`${file}-wal`, `${file}-shm`].filter((f) => !existsSync(f)) : []
  try {
    db = new Database(file, {
      readonly: options.readonly ?? false,
      fileMustExist: options.readonly ?? false,
      nativeBinding: options.nativeBinding
    })
  } catch (error) {
    throw new AppError('INTERNAL', `Cannot open the database file ${file}: ${(error as Error).message}`)
  }
  try {
    db.pragma(`cipher = 'chacha20'`)
    db.pragma(`hexkey = '${key.toString('hex')}'`)
    db.prepare('SELECT count(*) FROM sqlite_master').get()
  } catch (error) {
    db.close()
    for (const f of sidecarsToRemove) rmSync(f, { force: true })
    const code = (error as { code?: string }).code
    if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') {
      throw new AppError(
        'INTERNAL',
        `The database file ${file} cannot be read: it is damaged or was not encrypted with this store's key.`
      )
    }
    throw new AppError('INTERNAL', `Cannot read the database file ${file}: ${(error as Error).message}`)
  }
  if (options.readonly) leaveNoTrace(db, sidecarsToRemove)
  if (!options.readonly) {
    db.pragma('journal_mode = WAL')
    // Audit and login rows must survive a power cut once their transaction returns.
    db.pragma('synchronous = FULL')
  }
  db.pragma('foreign_keys = ON')
  // 128 MB page cache: at 100,000 users the default 16 MB thrashes on list and team pages.
  db.pragma('cache_size = -131072')
  db.pragma('busy_timeout = 5000')
  return db
}

/**
 * A read-only look leaves the data folder as it found it: SQLite creates the WAL index (-shm) and
 * an empty -wal to read a WAL-mode file; those it created are removed on close. (One that existed
 * belongs to a running or crashed writer and stays.)
 */
function leaveNoTrace(db: Db, created: string[]): void {
  const close = db.close.bind(db)
  db.close = () => {
    const result = close()
    for (const f of created) rmSync(f, { force: true })
    return result
  }
}

/** Run SQLite's page check; a damaged file becomes one readable line naming the file. */
export function assertIntact(db: Db, file: string): void {
  const rows = db.pragma('quick_check(20)') as Array<{ quick_check: string }>
  const problems = rows.flatMap((r) => r.quick_check.split('\n')).filter((line) => line !== 'ok' && !line.startsWith('***'))
  if (problems.length > 0) {
    throw new AppError('INTERNAL', `The database file ${file} is damaged (${problems.length}${problems.length >= 20 ? '+' : ''} problems; first: ${problems[0]}).`)
  }
}

export function migrate(db: Db): number {
  const current = db.pragma('user_version', { simple: true }) as number
  let version = current
  for (const migration of MIGRATIONS) {
    if (migration.version <= version) continue
    db.transaction(() => {
      db.exec(migration.sqlite)
      db.pragma(`user_version = ${migration.version}`)
    })()
    version = migration.version
  }
  return version
}

export interface OpenStoreOptions {
  create?: boolean
  nativeBinding?: string
  /**
   * Runs on a read-only connection before the first read-write open of an existing file (which
   * would fold a damaged WAL in for good); throwing refuses the open with nothing changed.
   */
  checkBeforeWrite?: (readonly: Db) => void
}

export function openStore(dataDir: string, source: KeySource, options: OpenStoreOptions = {}): OpenedStore {
  const { key, created } = resolveKey(dataDir, source, options.create ?? true)
  const file = databasePath(dataDir)
  if (!existsSync(file) && !(options.create ?? true)) {
    throw new AppError('NOT_FOUND', `No Gatehouse store in ${dataDir}. Run "gatehouse init" first.`)
  }
  if (options.checkBeforeWrite && existsSync(file)) {
    const readonly = openDatabase(file, key, { readonly: true, nativeBinding: options.nativeBinding })
    try {
      options.checkBeforeWrite(readonly)
    } finally {
      readonly.close()
    }
  }
  mkdirSync(dataDir, { recursive: true, mode: 0o700 })
  const db = openDatabase(file, key, { nativeBinding: options.nativeBinding })
  try {
    migrate(db)
    // Catch a damaged page early rather than mid-call.
    assertIntact(db, file)
  } catch (error) {
    db.close()
    if (error instanceof AppError) throw error
    throw new AppError('INTERNAL', `The database file ${file} is damaged: ${(error as Error).message}`)
  }
  return { db, key, file, created }
}
