import type { ImportReport } from '../../../shared/contract/users'
import type { ErrorCode } from '../../../shared/contract/result'

/**
 * How the job worker opens its own read-only connection to the store the core runs on (the SQLite
 * file with its key, or the PostgreSQL database). Heavy reads run there, off the core's thread and
 * its connection.
 */
export type ReaderSpec =
  | { dialect: 'sqlite'; file: string; /** null: an unencrypted file (the bench's twin). */ key: Buffer | null; nativeBinding?: string }
  | { dialect: 'postgres'; url: string }

/** The jobs the worker runs: their input and output. */
export interface JobTypes {
  /** Check a users CSV against the account as it is now (the preview of an import). */
  'users-csv-check': { input: { accountId: string; now: number; csv: string }; output: ImportReport }
  /** Every person of the account as CSV (the users export). */
  'users-export-csv': { input: { accountId: string; now: number }; output: { csv: string; rows: number } }
}
export type JobKind = keyof JobTypes

export type ToJobWorker = { id: number; kind: JobKind; input: JobTypes[JobKind]['input'] }
export type FromJobWorker =
  | { type: 'ready' }
  | { type: 'open-error'; message: string }
  | { type: 'done'; id: number; value: unknown }
  | { type: 'failed'; id: number; error: { code: ErrorCode; message: string; details?: unknown } }
