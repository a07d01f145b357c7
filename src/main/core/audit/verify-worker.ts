import { parentPort, workerData } from 'node:worker_threads'
import { openReader } from '../jobs/reader'
import type { ReaderSpec } from '../jobs/protocol'
import { readSqliteBtree } from '../store/sqlite-pages'
import { sqliteCanonicalEvents } from './ledger-repository'
import { verifyChunk, type VerifyAnswer, type VerifyJob } from './verify'

/**
 * A verify worker: checks the chunks of the ledger it is handed (verify.ts), or reads every page
 * of another b-tree, on a read-only connection of its own, one at a time. It writes nothing.
 */
const port = parentPort
if (!port) throw new Error('verify-worker.ts must run in a worker thread')
const { db, raw } = openReader(workerData as ReaderSpec, 1)
// On SQLite the events come as arrays from a statement of this thread's own.
const fetch = raw ? sqliteCanonicalEvents(db, raw) : undefined

const answer = (message: VerifyAnswer) => port.postMessage(message)

port.on('message', (job: VerifyJob) => {
  const work: Promise<VerifyAnswer> =
    job.kind === 'chunk'
      ? verifyChunk(db, job.lo, job.hi, job.sizes, fetch).then((result) => ({ type: 'chunk', result }))
      : readSqliteBtree(db, job.name).then((pages) => ({ type: 'pages', pages }))
  work.then(answer, (error: unknown) => answer({ type: 'failed', message: error instanceof Error ? error.message : String(error) }))
})
