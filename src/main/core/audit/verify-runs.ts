import { randomUUID } from 'node:crypto'
import type { VerifyMode, VerifyRunDto } from '../../../shared/contract/audit'
import { AppError } from '../../../shared/contract/result'
import type { CallContext } from '../context'
import { accountOf } from '../kernel/call'
import type { Kernel } from '../kernel/kernel'
import { verifyAppended, verifyLedger, type VerifyCheckpoint } from './verify'
import { insertVerifyRun, latestCheckpoint, latestVerifyRun, type VerifyRunRow } from './verify-runs-repository'

/** Progress events at most this often (a million events take a few seconds). */
const PROGRESS_EVERY_MS = 100

export function verifyRunToDto(r: VerifyRunRow): VerifyRunDto {
  return {
    mode: r.mode,
    outcome: r.outcome,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    events: r.events,
    message: r.message,
    badSeq: r.bad_seq,
    head: r.outcome === 'passed' && r.checkpoint_size !== null && r.checkpoint_root ? { size: r.checkpoint_size, root: r.checkpoint_root.toString('hex') } : null,
    by: r.by_name
  }
}

/**
 * "Verify integrity" from the screen, one at a time per window (the channel is heavy): full on the
 * store's worker threads, or incremental from the newest pass. Each run is recorded, passed,
 * failed or cancelled; progress goes to the caller's window as `job:progress`.
 */
export class VerifyRuns {
  private readonly running = new Map<string, AbortController>()

  constructor(private readonly kernel: Kernel) {}

  cancel(connectionId: string): boolean {
    const controller = this.running.get(connectionId)
    controller?.abort()
    return controller !== undefined
  }

  async run(ctx: CallContext, mode: VerifyMode): Promise<VerifyRunDto> {
    const { kernel } = this
    const startedAt = kernel.clock.now()
    const runId = randomUUID()
    const base = {
      run_id: runId,
      account_id: accountOf(ctx),
      mode,
      started_at: startedAt,
      by_person: ctx.principal!.kind === 'member' ? ctx.principal!.personId : null,
      by_name: ctx.principal!.name
    }
    let since: VerifyCheckpoint | null = null
    if (mode === 'incremental') {
      const from = await latestCheckpoint(kernel.store.db)
      if (!from) throw new AppError('CONFLICT', 'No verify has passed yet, so there is nothing to continue from: run a full verify first.')
      since = { size: from.checkpoint_size!, root: from.checkpoint_root!, frontier: from.checkpoint_frontier!, signedAt: from.checkpoint_signed_at! }
    }
    const controller = new AbortController()
    this.running.set(ctx.connectionId, controller)
    let lastProgress = 0
    const progress = (done: number, total: number) => {
      const now = Date.now()
      if (now - lastProgress < PROGRESS_EVERY_MS && done < total) return
      lastProgress = now
      kernel.emit(ctx.connectionId, 'job:progress', { jobId: runId, done, total, label: 'verify' })
    }
    let row: VerifyRunRow
    try {
      if (since) {
        const result = await verifyAppended(kernel.store.db, since)
        row = result.ok
          ? { ...base, finished_at: kernel.clock.now(), outcome: 'passed', events: result.checked, message: null, bad_seq: null, ...checkpointColumns(result.checkpoint) }
          : { ...base, finished_at: kernel.clock.now(), outcome: 'failed', events: null, message: result.message, bad_seq: result.seq ?? result.range?.[0] ?? null, ...checkpointColumns(null) }
      } else {
        const result = await verifyLedger(kernel.store.db, { reader: kernel.store.readerSpec, onProgress: progress, signal: controller.signal })
        row = result.ok
          ? { ...base, finished_at: kernel.clock.now(), outcome: 'passed', events: result.count, message: null, bad_seq: null, ...checkpointColumns(result.checkpoint) }
          : { ...base, finished_at: kernel.clock.now(), outcome: 'failed', events: null, message: result.message, bad_seq: result.seq ?? result.range?.[0] ?? null, ...checkpointColumns(null) }
      }
    } catch (error) {
      if ((error as Error).name !== 'AbortError') throw error
      row = { ...base, finished_at: kernel.clock.now(), outcome: 'cancelled', events: null, message: 'Cancelled before it finished.', bad_seq: null, ...checkpointColumns(null) }
    } finally {
      this.running.delete(ctx.connectionId)
    }
    await kernel.tx((t) => insertVerifyRun(t, row))
    return verifyRunToDto(row)
  }

  async status(ctx: CallContext): Promise<{ last: VerifyRunDto | null; lastFull: VerifyRunDto | null; lastIncremental: VerifyRunDto | null }> {
    const q = this.kernel.store.db
    const account = accountOf(ctx)
    const [last, lastFull, lastIncremental] = await Promise.all([
      latestVerifyRun(q, account),
      latestVerifyRun(q, account, { mode: 'full', outcome: 'passed' }),
      latestVerifyRun(q, account, { mode: 'incremental', outcome: 'passed' })
    ])
    const dto = (r: VerifyRunRow | null) => (r ? verifyRunToDto(r) : null)
    return { last: dto(last), lastFull: dto(lastFull), lastIncremental: dto(lastIncremental) }
  }
}

function checkpointColumns(c: VerifyCheckpoint | null): Pick<VerifyRunRow, 'checkpoint_size' | 'checkpoint_root' | 'checkpoint_frontier' | 'checkpoint_signed_at'> {
  return c
    ? { checkpoint_size: c.size, checkpoint_root: c.root, checkpoint_frontier: c.frontier, checkpoint_signed_at: c.signedAt }
    : { checkpoint_size: null, checkpoint_root: null, checkpoint_frontier: null, checkpoint_signed_at: null }
}
