import Database from 'better-sqlite3-multiple-ciphers'
import { rmSync } from 'node:fs'
import { AppError } from '../../../shared/contract/result'

export const WRITER_LOCK_FILE = 'gatehouse.lock'

/**
 * One writing core per SQLite store (until sessions live in the store). The lock is the operating
 * system's own file lock, taken through SQLite on a tiny lock database beside the store: exclusive
 * locking mode holds it until the connection closes, it is atomic (no check-then-create race), and
 * it dies with the process (a crash or kill -9 leaves no stale lock). The file holds no data.
 */
export function takeWriterLock(file: string, location: string, nativeBinding?: string): () => void {
  let lock: Database.Database | undefined
  try {
    lock = new Database(file, { nativeBinding })
    lock.pragma('busy_timeout = 0')
    lock.pragma('journal_mode = MEMORY')
    lock.pragma('locking_mode = EXCLUSIVE')
    // The first write takes the exclusive lock; in this locking mode it is kept until close.
    lock.exec('BEGIN EXCLUSIVE')
    lock.exec('CREATE TABLE IF NOT EXISTS writer (pid INTEGER)')
    lock.prepare('DELETE FROM writer').run()
    lock.prepare('INSERT INTO writer (pid) VALUES (?)').run(process.pid)
    lock.exec('COMMIT')
  } catch (error) {
    lock?.close()
    const code = (error as { code?: string }).code
    if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') {
      throw new AppError(
        'CONFLICT',
        `Another Gatehouse process is already running on ${location}; stop it first. Read-only commands (audit verify, exports) work beside it.`
      )
    }
    throw new AppError('INTERNAL', `Cannot take the writer lock ${file}: ${(error as Error).message}`)
  }
  const held = lock
  return () => {
    // Unlinked while still held, then released: a process that opened the old file meanwhile was
    // refused (the lock was held), and the next one locks a new file. Between runs the folder
    // holds only the store's own files.
    rmSync(file, { force: true })
    held.close()
  }
}
