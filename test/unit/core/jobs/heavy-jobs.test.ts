import { describe, expect, it } from 'vitest'
import { AppError } from '../../../../src/shared/contract/result'
import { HeavyJobs } from '../../../../src/main/core/jobs/jobs'
import { call, openTestCore, setupAccount } from '../../../support/core'
import { makeUsersCsv } from '../../../../src/main/cli/users-bench'

/** A job that finishes when told to. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void
  const promise = new Promise<void>((resolve) => (open = resolve))
  return { promise, open }
}

describe('the limit on heavy work', () => {
  it('runs two at once, lines up the next ones in order, and refuses beyond the line in words', async () => {
    const heavy = new HeavyJobs(2, 2)
    const gates = [gate(), gate(), gate(), gate()]
    const order: number[] = []
    const jobs = gates.map((g, i) =>
      heavy.run(`c${i}`, async () => {
        order.push(i)
        await g.promise
        return i
      })
    )
    await Promise.resolve()
    expect(heavy.load).toEqual({ running: 2, waiting: 2 })
    expect(order).toEqual([0, 1])
    const refused = heavy.run('c9', async () => 9)
    await expect(refused).rejects.toThrow(AppError)
    await expect(refused).rejects.toThrow('Gatehouse is already running 4 imports and exports; try again when one has finished.')
    gates[1]!.open()
    await jobs[1]
    await new Promise((resolve) => setImmediate(resolve))
    expect(order).toEqual([0, 1, 2])
    for (const g of gates) g.open()
    expect(await Promise.all(jobs)).toEqual([0, 1, 2, 3])
    expect(heavy.load).toEqual({ running: 0, waiting: 0 })
  })

  it('lets one connection run one heavy job at a time, and gives the turn back when a job fails', async () => {
    const heavy = new HeavyJobs(2, 8)
    const g = gate()
    const first = heavy.run('c1', () => g.promise)
    await expect(heavy.run('c1', async () => 1)).rejects.toThrow('This window is already running an import or an export; wait until it has finished.')
    g.open()
    await first
    await expect(heavy.run('c1', async () => Promise.reject(new Error('broken file')))).rejects.toThrow('broken file')
    expect(heavy.load).toEqual({ running: 0, waiting: 0 })
    expect(await heavy.run('c1', async () => 'again')).toBe('again')
  })
})

describe('heavy reads off the core', () => {
  it('previews an import on the job worker while the core answers other calls', async () => {
    const t = await openTestCore()
    try {
      const { connectionId } = await setupAccount(t.core)
      const other = t.core.connect({ transport: 'cli', ip: '127.0.0.1', device: 'test' })
      let previewDone = false
      const preview = call(t.core, connectionId, 'users:import-preview', { csv: makeUsersCsv(20_000, { tag: 'offload' }) }).then((r) => {
        previewDone = true
        return r
      })
      // The core's thread is free: a call on another connection is answered while the preview runs.
      const status = await call(t.core, other, 'auth:status', {})
      expect(status).toMatchObject({ initialized: true })
      expect(previewDone).toBe(false)
      const report = (await preview) as { okCount: number; errorCount: number; rows: unknown[] }
      expect(report.rows).toHaveLength(20_000)
      expect(report.okCount + report.errorCount).toBe(20_000)
      // Its refusals read like the core's: a file over the limits is refused in words, from the worker.
      const tooMany = await t.core.dispatch(connectionId, 'users:import-preview', { csv: makeUsersCsv(50_001) })
      expect(tooMany).toMatchObject({ ok: false, error: { code: 'LIMIT', message: expect.stringMatching(/^The file has 50,001 rows; at most 50,000/) } })
    } finally {
      await t.dispose()
    }
  })
})
