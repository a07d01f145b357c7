import Database from 'better-sqlite3-multiple-ciphers'
import { existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { AppError } from '../../../shared/contract/result'
import type { KeySource } from '../host'
import { MIGRATIONS } from './migrations'
import {
  DATABASE_FILE,
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
  const dbExists = existsSync(databasePath(dataDir))
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
  return { key: unwrapWithPassphrase(env, source.passphrase), created: !dbExists }
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
    const code = (error as { code?: string }).code
    if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') {
      throw new AppError(
        'INTERNAL',
        `The database file ${file} cannot be read: it is damaged or was not encrypted with this store's key.`
      )
    }
    throw new AppError('INTERNAL', `Cannot read the database file ${file}: ${(error as Error).message}`)
  }
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
      db.exec(migration.up)
      db.pragma(`user_version = ${migration.version}`)
    })()
    version = migration.version
  }
  return version
}

export function openStore(dataDir: string, source: KeySource, options: { create?: boolean; nativeBinding?: string } = {}): OpenedStore {
  const { key, created } = resolveKey(dataDir, source, options.create ?? true)
  const file = databasePath(dataDir)
  if (!existsSync(file) && !(options.create ?? true)) {
    throw new AppError('NOT_FOUND', `No Gatehouse store in ${dataDir}. Run "gatehouse init" first.`)
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
