import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { benchSupportRevocation } from '../../src/main/cli/bench-support-access'

const WORKER = fileURLToPath(new URL('../../src/main/core/worker.ts', import.meta.url))

/** A small run of the revocation benchmark: every live agent connection gets its push, every time. */
describe('support access revocation benchmark', () => {
  it('measures disable → session:ended for every agent connection, in process', async () => {
    const result = await benchSupportRevocation({ runs: 5, agents: 4 })
    expect(result).toMatchObject({ runs: 5, agents: 4, sessionsEnded: 20, pushesReceived: 20, allEnded: true })
    expect(result.samplesMs).toHaveLength(20)
    expect(result.p95Ms).toBeGreaterThanOrEqual(result.p50Ms)
    expect(result.fromSendMs.every((ms) => ms > 0)).toBe(true)
  })

  it('measures the same through the core in its worker thread, as `gatehouse serve` runs it', async () => {
    const result = await benchSupportRevocation({ runs: 3, agents: 3, workerPath: WORKER })
    expect(result).toMatchObject({ sessionsEnded: 9, pushesReceived: 9, allEnded: true })
  })
})
