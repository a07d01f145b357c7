import { parentPort, workerData } from 'node:worker_threads'
import { AppError } from '../../shared/contract/result'
import { openCore, type InProcessOptions } from './in-process'
import type { FromWorker, ToWorker } from './worker-protocol'

/** The core in a worker thread: no query, import, export or verification blocks the window process. */
const port = parentPort
if (!port) throw new Error('worker.ts must run in a worker thread')
const post = (message: FromWorker) => port.postMessage(message)

let core: Awaited<ReturnType<typeof openCore>>
try {
  core = await openCore(workerData as InProcessOptions)
} catch (error) {
  const e = error instanceof AppError ? { code: error.code, message: error.message } : { code: 'INTERNAL' as const, message: (error as Error).message }
  post({ type: 'open-error', error: e })
  process.exit(0)
}
core.onEvent((event) => post({ type: 'event', event }))
port.on('message', async (message: ToWorker) => {
  switch (message.type) {
    case 'connect':
      post({ type: 'reply', id: message.id, value: core.connect(message.meta) })
      break
    case 'disconnect':
      await core.disconnect(message.connectionId)
      post({ type: 'reply', id: message.id, value: null })
      break
    case 'call':
      post({ type: 'reply', id: message.id, value: await core.dispatch(message.connectionId, message.channel, message.input) })
      break
    case 'close':
      await core.close()
      post({ type: 'reply', id: message.id, value: null })
      port.close()
      break
  }
})
post({ type: 'ready' })
