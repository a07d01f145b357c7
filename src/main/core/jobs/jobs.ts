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
  private worker: Promise<Worker> | null = null
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>()
  private nextId = 1
  private closed = false

  constructor(private readonly spec: ReaderSpec) {}

  async run<K extends JobKind>(kind: K, input: JobTypes[K]['input']): Promise<JobTypes[K]['output']> {
    if (this.closed) throw new AppError('INTERNAL', 'Gatehouse is shutting down.')
    const worker = await (this.worker ??= this.start())
    const id = this.nextId++
    return new Promise<JobTypes[K]['output']>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject })
      worker.postMessage({ id, kind, input } satisfies ToJobWorker)
    })
  }

  private start(): Promise<Worker> {
    const worker = new Worker(workerEntry(new URL(import.meta.url.endsWith('.ts') ? './job-worker.ts' : './job-worker.js', import.meta.url)), {
      workerData: this.spec
    })
    return new Promise<Worker>((resolve, reject) => {
      const failAll = (message: string) => {
        this.worker = null
        for (const p of this.pending.values()) p.reject(new AppError('INTERNAL', message))
        this.pending.clear()
      }
      worker.on('message', (message: FromJobWorker) => {
        if (message.type === 'ready') resolve(worker)
        else if (message.type === 'open-error') reject(new AppError('INTERNAL', `The job worker could not open the store: ${message.message}`))
        else {
          const p = this.pending.get(message.id)
          this.pending.delete(message.id)
          if (message.type === 'done') p?.resolve(message.value)
          else p?.reject(new AppError(message.error.code, message.error.message, message.error.details))
        }
      })
      worker.on('error', (error) => {
        reject(new AppError('INTERNAL', `The job worker failed: ${error.message}`))
        failAll(`The job worker failed: ${error.message}`)
      })
      worker.on('exit', () => failAll('The job worker stopped before finishing; nothing was changed. Try again.'))
    }).catch((error: unknown) => {
      this.worker = null
      throw error
    })
  }

  async close(): Promise<void> {
    this.closed = true
    const worker = this.worker
    this.worker = null
    if (worker) await (await worker.catch(() => null))?.terminate()
  }
}
