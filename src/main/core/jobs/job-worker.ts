import { parentPort, workerData } from 'node:worker_threads'
import { AppError } from '../../../shared/contract/result'
import type { Executor } from '../store/port'
import { runJob } from './catalog'
import { openReader } from './reader'
import type { FromJobWorker, ReaderSpec, ToJobWorker } from './protocol'

/**
 * The job worker: heavy reads (an import's preview) on a thread and a read-only connection of
 * their own, so a 10 MB CSV never holds the core's thread or its connection. It writes nothing.
 */
const port = parentPort
if (!port) throw new Error('job-worker.ts must run in a worker thread')
const post = (message: FromJobWorker) => port.postMessage(message)

let db: Executor
try {
  db = openReader(workerData as ReaderSpec).db
  post({ type: 'ready' })
} catch (error) {
  post({ type: 'open-error', message: (error as Error).message })
  process.exit(0)
}

port.on('message', async (message: ToJobWorker) => {
  try {
    post({ type: 'done', id: message.id, value: await runJob(db, message.kind, message.input) })
  } catch (error) {
    if (error instanceof AppError) post({ type: 'failed', id: message.id, error: { code: error.code, message: error.message, details: error.details } })
    else {
      console.error(`[jobs] ${message.kind} failed:`, error)
      post({ type: 'failed', id: message.id, error: { code: 'INTERNAL', message: 'Something went wrong inside Gatehouse; nothing was changed.' } })
    }
  }
})
