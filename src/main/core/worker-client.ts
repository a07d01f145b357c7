import { Worker } from 'node:worker_threads'
import { fileURLToPath } from 'node:url'
import { AppError, fail, type Result } from '../../shared/contract/result'
import type { CoreClient, CoreEvent, CoreOptions } from './host'
import { workerEntry } from './worker-entry'
import type { FromWorker, ToWorker } from './worker-protocol'

type Pending = (value: unknown) => void
type Request = ToWorker extends infer T ? (T extends { id: number } ? Omit<T, 'id'> : never) : never

/**
 * Start the core in a worker thread. Resolves once the store is open; rejects with the store's
 * own error (wrong passphrase, damaged file) so callers can print one clear line.
 */
export function startCoreWorker(options: CoreOptions & { workerPath?: string; tickMs?: number }): Promise<CoreClient> {
  const path = options.workerPath ?? fileURLToPath(new URL('./worker.js', import.meta.url))
  const { workerPath: _w, ...data } = options
  const worker = new Worker(workerEntry(path), { workerData: data })
  const pending = new Map<number, Pending>()
  const listeners = new Set<(event: CoreEvent) => void>()
  let nextId = 1
  let exited = false

  const request = (message: Request): Promise<unknown> => {
    if (exited) return Promise.resolve(fail('INTERNAL', 'The Gatehouse core has stopped.'))
    const id = nextId++
    return new Promise((resolve) => {
      pending.set(id, resolve)
      worker.postMessage({ ...message, id } as ToWorker)
    })
  }

  return new Promise<CoreClient>((resolve, reject) => {
    worker.on('message', (message: FromWorker) => {
      if (message.type === 'ready') {
        resolve({
          connect: async (meta) => (await request({ type: 'connect', meta })) as string,
          disconnect: async (connectionId) => void (await request({ type: 'disconnect', connectionId })),
          call: async (connectionId, channel, input) => (await request({ type: 'call', connectionId, channel, input })) as Result<unknown>,
          onEvent: (listener) => {
            listeners.add(listener)
            return () => listeners.delete(listener)
          },
          close: async () => {
            if (exited) return
            await request({ type: 'close' })
            await worker.terminate()
          }
        })
      } else if (message.type === 'open-error') {
        reject(new AppError(message.error.code, message.error.message))
      } else if (message.type === 'reply') {
        pending.get(message.id)?.(message.value)
        pending.delete(message.id)
      } else if (message.type === 'event') {
        for (const listener of listeners) listener(message.event)
      }
    })
    worker.on('error', (error) => {
      reject(new AppError('INTERNAL', `The Gatehouse core failed: ${error.message}`))
    })
    worker.on('exit', () => {
      exited = true
      for (const resolvePending of pending.values()) resolvePending(fail('INTERNAL', 'The Gatehouse core has stopped.'))
      pending.clear()
    })
  })
}
