import { existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { AppError } from '../../../shared/contract/result'
import type { KeySource } from '../host'
import { databasePath, openStore as openSqliteFile, type Db } from './connection'
import { inspectWal } from './wal-check'
import { readEnvelope, wrapWithSecret, writeEnvelope } from './key-envelope'
import type { Store } from './port'
import { secretBox } from './secrets'
import { sqliteHandles } from './sqlite-driver'
import { compareWithHead, lossRefusal, readHeadFile, type LedgerLoss } from './head-file'
import { treeHeadMessage } from '../audit/ledger'
import { takeWriterLock, WRITER_LOCK_FILE } from './writer-lock'

export interface SqliteStore extends Store {
  readonly dialect: 'sqlite'
  /** The raw connection: for the SQLite-only modules (pragmas, checkpoints, the bench's twin). */
  readonly raw: Db
  readonly file: string
  /** The data folder: gatehouse.head is kept beside the file. */
  readonly dataDir: string
}

export interface SqliteStoreOptions {
  create?: boolean
  nativeBinding?: string
  /** Open although the ledger lost events recorded in gatehouse.head (`gatehouse store accept-loss`). */
  acceptLoss?: boolean
  /** Skip the one-writer lock (the bench's throwaway copies). */
  unlocked?: boolean
}

/** Wrap an open better-sqlite3 connection as the store port. */
/**
 * PRAGMA optimize for every table whose size changed tenfold, not only those this connection has
 * queried: a demo or an import appends a million audit events without reading them, and
 * statistics from when the table was empty make the planner scan it from the start for every range.
 */
const OPTIMIZE = 'optimize = 0x10002'

export function sqliteStoreOver(
  raw: Db,
  options: { key: Buffer; file: string; dataDir: string; created: boolean; release?: () => void; nativeBinding?: string; encrypted?: boolean }
): SqliteStore {
  const handles = sqliteHandles(raw)
  const db = handles.db as unknown as Store['db']
  if (!raw.readonly) {
    // The planner's statistics, sampled (1,000 rows an index: milliseconds at any size), and
    // refreshed on open for any table that has none or has grown or shrunk tenfold since they were
    // taken (SQLite's advice for long-lived connections): plans chosen from the statistics of a
    // store that had one person scan tables per row once it holds thousands.
    raw.pragma('analysis_limit = 1000')
    raw.pragma(OPTIMIZE)
  }
  const box = secretBox(options.key)
  let closed = false
  return {
    dialect: 'sqlite',
    db,
    raw,
    file: options.file,
    dataDir: options.dataDir,
    headDir: options.dataDir,
    location: options.file,
    created: options.created,
    readerSpec: { dialect: 'sqlite', file: options.file, key: options.encrypted === false ? null : options.key, nativeBinding: options.nativeBinding },
    tx: (fn) => handles.tx((t) => fn(t as unknown as Store['db'])),
    async refreshStatistics() {
      raw.pragma(OPTIMIZE)
    },
    seal: box.seal,
    unseal: box.unseal,
    readEnvelope: async () => readEnvelope(options.dataDir),
    wrapKey: (secret) => wrapWithSecret(options.key, secret),
    async setEnvelopeSlot(name, slot) {
      const env = readEnvelope(options.dataDir) ?? { version: 1 as const, slots: {} }
      writeEnvelope(options.dataDir, { ...env, slots: { ...env.slots, [name]: slot } })
    },
    async close() {
      if (closed) return
      closed = true
      await db.destroy()
      // Keep the planner's statistics fresh (cheap: analysis is sampled), then fold the WAL back.
      if (!raw.readonly) {
        raw.pragma(OPTIMIZE)
        raw.pragma('wal_checkpoint(TRUNCATE)')
      }
      raw.close()
      options.release?.()
    }
  }
}

/** The embedded store: the encrypted SQLite file in the data folder (created on first use). */
export function openSqliteStore(dataDir: string, source: KeySource, options: SqliteStoreOptions = {}): SqliteStore {
  if (!existsSync(dataDir)) {
    // Nothing to lock yet: either there is no store (NOT_FOUND from the opener) or we create it.
    if (options.create === false) throw new AppError('NOT_FOUND', `No Gatehouse store in ${dataDir}. Run "gatehouse init" first.`)
    // Refuse what creation would refuse before anything exists on disk.
    if (source.kind === 'passphrase' && source.passphrase.length < 8) throw new AppError('VALIDATION', 'The passphrase must have at least 8 characters.')
    mkdirSync(dataDir, { recursive: true, mode: 0o700 })
  }
  const release = options.unlocked ? undefined : takeWriterLock(join(dataDir, WRITER_LOCK_FILE), dataDir)
  try {
    let loss: LedgerLoss | null = null
    const wal = inspectWal(`${databasePath(dataDir)}-wal`)
    if (wal?.damage) {
      const { frame, lostCommits } = wal.damage
      loss = {
        kind: 'wal-damaged',
        recordedSize: 0,
        presentSize: 0,
        recordedAt: 0,
        lastPresentAt: null,
        message: `The write-ahead log gatehouse.db-wal is damaged at frame ${frame} of ${wal.frames}: ${lostCommits} committed transaction${lostCommits === 1 ? '' : 's'} after it would be dropped.`
      }
      if (!options.acceptLoss) throw lossRefusal(loss, dataDir)
    }
    const head = readHeadFile(dataDir)
    const opened = openSqliteFile(dataDir, source, {
      create: options.create,
      nativeBinding: options.nativeBinding,
      checkBeforeWrite: head
        ? (readonly) => {
            loss = compareWithHead(readonly, head, treeHeadMessage) ?? loss
            if (loss && !options.acceptLoss) throw lossRefusal(loss, dataDir)
          }
        : undefined
    })
    const store = sqliteStoreOver(opened.db, { key: opened.key, file: opened.file, dataDir, created: opened.created, release, nativeBinding: options.nativeBinding })
    return { ...store, ledgerLoss: loss }
  } catch (error) {
    release?.()
    throw error
  }
}
