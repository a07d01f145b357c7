import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs'
import { randomUUID } from 'node:crypto'
import { AppError } from '../../../shared/contract/result'

export const WRITER_LOCK_FILE = 'gatehouse.lock'

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * One writing core per SQLite store (until sessions live in the store): a lock file naming the
 * process. A lock left by a process that is gone (a crash, kill -9) is taken over.
 */
export function takeWriterLock(file: string, location: string): () => void {
  const token = randomUUID()
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o600)
      writeSync(fd, JSON.stringify({ pid: process.pid, token }))
      closeSync(fd)
      return () => {
        try {
          if ((JSON.parse(readFileSync(file, 'utf8')) as { token?: string }).token === token) unlinkSync(file)
        } catch {
          // Already gone: nothing to release.
        }
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      let holder: { pid?: number } = {}
      try {
        holder = JSON.parse(readFileSync(file, 'utf8')) as { pid?: number }
      } catch {
        // A torn lock file: its writer died while writing it.
      }
      if (typeof holder.pid === 'number' && alive(holder.pid)) {
        throw new AppError(
          'CONFLICT',
          `Another Gatehouse process (pid ${holder.pid}) is already running on ${location}; stop it first. Read-only commands (audit verify, exports) work beside it.`
        )
      }
      unlinkSync(file)
    }
  }
  throw new AppError('CONFLICT', `Cannot take the writer lock of ${location}.`)
}
