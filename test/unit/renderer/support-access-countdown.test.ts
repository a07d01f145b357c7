import { afterEach, describe, expect, it } from 'vitest'
import { formatRemaining as coreFormatRemaining } from '../../../src/main/core/support-access/time'
import type { SupportAccessStatus } from '../../../src/shared/contract/support-access'
import { call, openTestCore, setupAccount, type TestCore } from '../../support/core'

// The renderer is another TypeScript project (tsconfig.web.json): load its pure module at run time, typed here.
interface Countdown {
  formatRemaining(ms: number): string
  statusLine(status: SupportAccessStatus, remainingMs: number | null): string
}
const COUNTDOWN = '../../../src/renderer/src/features/support-access/countdown'
const { formatRemaining, statusLine } = (await import(/* @vite-ignore */ COUNTDOWN)) as Countdown
interface Format {
  formatDateTime(ms: number, options?: { zone?: boolean; timeZone?: string }): string
}
const FORMAT = '../../../src/renderer/src/components/format'
const { formatDateTime } = (await import(/* @vite-ignore */ FORMAT)) as Format

/** The core's line with its end written in the console's one date-time format (with the zone). */
function inConsoleFormat(status: SupportAccessStatus): string {
  const { endsAtText, timeZone } = status.lineParts
  if (status.endsAt === null || endsAtText === null) return status.line
  return status.line.replace(`(${endsAtText})`, `(${formatDateTime(status.endsAt, { zone: true, timeZone })})`)
}

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

/**
 * The Support Team Access screen counts down locally between status loads. Whatever it shows must be
 * exactly what the core would say at that moment, so the two are compared against a real core.
 */
describe('support access countdown in the renderer', () => {
  // The countdown is the core's wording; the end time is the console's one format (components/format.ts).
  let world: TestCore | null = null
  afterEach(async () => {
    await world?.dispose()
    world = null
  })

  it('words the remaining time as the core does, minute by minute', () => {
    const samples = [0, 59_999, MINUTE, 61 * MINUTE - 1, HOUR, HOUR + MINUTE, DAY - 1, DAY, DAY + HOUR, 7 * DAY - MINUTE, 366 * DAY + 5 * HOUR]
    for (let ms = 0; ms < 3 * DAY; ms += 7 * MINUTE + 13_000) samples.push(ms)
    for (const ms of samples) expect(formatRemaining(ms), String(ms)).toBe(coreFormatRemaining(ms))
  })

  it("a status counted down locally equals the core's own status line at that later time", async () => {
    world = await openTestCore()
    const { core, clock } = world
    const { connectionId } = await setupAccount(core, { plan: 'paid' })
    await call(core, connectionId, 'support-access:extend', { duration: 'week', scope: 'read-only', reason: 'Ticket 7' })
    const first = await call<SupportAccessStatus>(core, connectionId, 'support-access:status', { timeZone: 'Europe/Berlin' })
    expect(first.state).toBe('on')
    expect(statusLine(first, first.remainingMs)).toBe(inConsoleFormat(first))
    expect(statusLine(first, first.remainingMs)).toMatch(/^On — read-only — ends in 7 days \(\d{1,2} \w{3} \d{4}, \d{2}:\d{2} (CET|CEST|GMT\+[12])\)$/)

    // The Owner keeps working (a call at least every 20 minutes), so the idle timeout never ends the session.
    const advance = async (ms: number): Promise<void> => {
      for (let left = ms; left > 0; left -= 20 * MINUTE) {
        clock.advance(Math.min(left, 20 * MINUTE))
        await call(core, connectionId, 'auth:status', {})
      }
    }
    for (const step of [MINUTE, 59 * MINUTE, 23 * HOUR, 5 * DAY, DAY - 2 * MINUTE, MINUTE + 30_000]) {
      await advance(step)
      const later = await call<SupportAccessStatus>(core, connectionId, 'support-access:status', { timeZone: 'Europe/Berlin' })
      const elapsed = later.now - first.now
      expect(statusLine(first, first.remainingMs! - elapsed)).toBe(inConsoleFormat(later))
    }
  })

  it('leaves lines without a countdown alone (off, no end date)', async () => {
    world = await openTestCore()
    const { core } = world
    const { connectionId } = await setupAccount(core, { plan: 'paid' })
    const off = await call<SupportAccessStatus>(core, connectionId, 'support-access:status', {})
    expect(statusLine(off, null)).toBe('Off')
    await call(core, connectionId, 'support-access:extend', { duration: 'indefinite', scope: 'full' })
    const forever = await call<SupportAccessStatus>(core, connectionId, 'support-access:status', {})
    expect(forever.remainingMs).toBeNull()
    expect(statusLine(forever, null)).toBe(forever.line)
    expect(forever.line).toBe('On — full — no end date')
  })
})
