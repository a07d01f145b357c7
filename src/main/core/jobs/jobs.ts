import { Worker } from 'node:worker_threads'
import { AppError } from '../../../shared/contract/result'
import { workerEntry } from '../worker-entry'
import type { FromJobWorker, JobKind, JobTypes, ReaderSpec, ToJobWorker } from './protocol'

/** Heavy jobs (imports, exports) running at once in a core; more wait in line. */
export const HEAVY_RUNNING = 2
/** Heavy jobs waiting for a turn; beyond this a call is refused at once (bounded memory). */
export const HEAVY_WAITING = 8

/**
 * The global limit on heavy work (channels marked `heavy` in the contract): at most HEAVY_RUNNING
 * at once, HEAVY_WAITING more in line, one per connection. Ten windows importing at once therefore
 * hold at most two files' worth of work in memory, and no window can queue up a pile of them.
 */
export class HeavyJobs {
  private running = 0
  private readonly line: Array<() => void> = []
  private readonly busy = new Set<string>()

  constructor(
    private readonly limit = HEAVY_RUNNING,
    private readonly waiting = HEAVY_WAITING
  ) {}

  async run<T>(connectionId: string, fn: () => Promise<T>): Promise<T> {
    if (this.busy.has(connectionId)) {
      throw new AppError('LIMIT', 'This window is already running an import or an export; wait until it has finished.')
    }
    if (this.running >= this.limit && this.line.length >= this.waiting) {
      throw new AppError('LIMIT', `Gatehouse is already running ${this.running + this.line.length} imports and exports; try again when one has finished.`)
    }
    this.busy.add(connectionId)
    try {
      if (this.running < this.limit) this.running += 1
      else await new Promise<void>((resolve) => this.line.push(resolve))
      try {
        return await fn()
      } finally {
        // The turn passes to the next in line (the running count stays), or is given back.
        const next = this.line.shift()
        if (next) next()
        else this.running -= 1
      }
    } finally {
      this.busy.delete(connectionId)
    }
  }

  /** Running and waiting, for the bench and tests. */
  get load(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.line.length }
  }
}

/**
 * The job worker's client: started on the first job (a thread with its own read-only connection,
 * jobs/job-worker.ts), restarted on the next job if it died. Its errors come back as the same
 * AppErrors the work would have thrown in the core.
 */
export class JobRunner {
  private current: { worker: Promise<Worker>; run: (message: Omit<ToJobWorker, 'id'>) => Promise<unknown> } | null = null
  private closed = false

  constructor(private readonly spec: ReaderSpec) {}

  async run<K extends JobKind>(kind: K, input: JobTypes[K]['input']): Promise<JobTypes[K]['output']> {
    if (this.closed) throw new AppError('INTERNAL', 'Gatehouse is shutting down.')
    const current = (this.current ??= this.start())
    return (await current.run({ kind, input })) as JobTypes[K]['output']
  }

  /** One worker and what is waiting on it: its handlers touch only its own jobs, and forget it only if it is still the current one. */
  private start(): NonNullable<JobRunner['current']> {
    const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>()
    let nextId = 1
    const thread = new Worker(workerEntry(new URL(import.meta.url.endsWith('.ts') ? './job-worker.ts' : './job-worker.js', import.meta.url)), {
      workerData: this.spec
    })
    const forget = (message: string) => {
      if (this.current === started) this.current = null
      for (const p of pending.values()) p.reject(new AppError('INTERNAL', message))
      pending.clear()
    }
    const worker = new Promise<Worker>((resolve, reject) => {
      thread.on('message', (message: FromJobWorker) => {
        if (message.type === 'ready') resolve(thread)
        else if (message.type === 'open-error') reject(new AppError('INTERNAL', `The job worker could not open the store: ${message.message}`))
        else {
          const p = pending.get(message.id)
          pending.delete(message.id)
          if (message.type === 'done') p?.resolve(message.value)
          else p?.reject(new AppError(message.error.code, message.error.message, message.error.details))
        }
      })
      thread.on('error', (error) => {
        reject(new AppError('INTERNAL', `The job worker failed: ${error.message}`))
        forget(`The job worker failed: ${error.message}`)
      })
      thread.on('exit', () => {
        reject(new AppError('INTERNAL', 'The job worker stopped before it was ready.'))
        forget('The job worker stopped before finishing; nothing was changed. Try again.')
      })
    })
    const started: NonNullable<JobRunner['current']> = {
      worker,
      run: async (message) => {
        const ready = await worker.catch((error: unknown) => {
          forget((error as Error).message)
          throw error
        })
        const id = nextId++
        return new Promise((resolve, reject) => {
          pending.set(id, { resolve, reject })
          ready.postMessage({ ...message, id } as ToJobWorker)
        })
      }
    }
    return started
  }

  async close(): Promise<void> {
    this.closed = true
    const current = this.current
    this.current = null
    if (current) await (await current.worker.catch(() => null))?.terminate()
  }
}
