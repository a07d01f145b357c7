import type { Executor } from '../store/port'
import { usersCsv } from '../users/export'
import { checkUsersCsv } from '../users/import'
import type { JobKind, JobTypes } from './protocol'

/** What each job does, on whichever read connection it is given (the job worker's, or the core's). */
const JOBS: { [K in JobKind]: (db: Executor, input: JobTypes[K]['input']) => Promise<JobTypes[K]['output']> } = {
  'users-csv-check': async (db, { accountId, now, csv }) => (await checkUsersCsv(db, accountId, now, csv)).report,
  'users-export-csv': (db, { accountId, now }) => usersCsv(db, accountId, now)
}

export function runJob<K extends JobKind>(db: Executor, kind: K, input: JobTypes[K]['input']): Promise<JobTypes[K]['output']> {
  return (JOBS[kind] as (db: Executor, input: JobTypes[K]['input']) => Promise<JobTypes[K]['output']>)(db, input)
}
