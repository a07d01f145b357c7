import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { addDuration, formatEndsAt, formatRemaining, isoUtc } from '../../../../src/main/core/support-access/time'

const at = (iso: string) => Date.parse(iso)
const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

describe('support access durations', () => {
  it('counts a day as 24 hours and a week as 7 days, and indefinite as no end', () => {
    const from = at('2026-11-23T14:02:00Z')
    expect(addDuration(from, 'day')).toBe(from + DAY)
    expect(addDuration(from, 'week')).toBe(from + 7 * DAY)
    expect(addDuration(from, 'indefinite')).toBeNull()
  })

  it('steps months and years on the calendar, keeping the clock time and clamping to the month end', () => {
    expect(isoUtc(addDuration(at('2026-11-23T14:02:00Z'), 'month')!)).toBe('2026-12-23T14:02:00Z')
    expect(isoUtc(addDuration(at('2026-12-15T08:00:00Z'), 'month')!)).toBe('2027-01-15T08:00:00Z')
    expect(isoUtc(addDuration(at('2027-01-31T10:00:00Z'), 'month')!)).toBe('2027-02-28T10:00:00Z')
    expect(isoUtc(addDuration(at('2028-01-31T10:00:00Z'), 'month')!)).toBe('2028-02-29T10:00:00Z')
    expect(isoUtc(addDuration(at('2028-02-29T10:00:00Z'), 'year')!)).toBe('2029-02-28T10:00:00Z')
    expect(isoUtc(addDuration(at('2026-11-23T14:02:00Z'), 'year')!)).toBe('2027-11-23T14:02:00Z')
  })

  it('always ends strictly later, a month between 28 and 31 days and a year between 365 and 366', () => {
    fc.assert(
      fc.property(fc.integer({ min: at('2000-01-01T00:00:00Z'), max: at('2100-01-01T00:00:00Z') }), (from) => {
        const month = addDuration(from, 'month')! - from
        const year = addDuration(from, 'year')! - from
        expect(month).toBeGreaterThanOrEqual(28 * DAY)
        expect(month).toBeLessThanOrEqual(31 * DAY)
        expect(year).toBeGreaterThanOrEqual(365 * DAY)
        expect(year).toBeLessThanOrEqual(366 * DAY)
      })
    )
  })
})

describe('the status line pieces', () => {
  it('says what is left, rounded down, in days and hours or hours and minutes', () => {
    expect(formatRemaining(7 * DAY - MINUTE)).toBe('6 days 23 hours')
    expect(formatRemaining(7 * DAY)).toBe('7 days')
    expect(formatRemaining(DAY + 30 * MINUTE)).toBe('1 day')
    expect(formatRemaining(DAY + HOUR)).toBe('1 day 1 hour')
    expect(formatRemaining(3 * HOUR + 12 * MINUTE + 59_000)).toBe('3 hours 12 minutes')
    expect(formatRemaining(HOUR)).toBe('1 hour')
    expect(formatRemaining(12 * MINUTE)).toBe('12 minutes')
    expect(formatRemaining(MINUTE)).toBe('1 minute')
    expect(formatRemaining(59_999)).toBe('less than a minute')
  })

  it('writes the end time as "Mon 30 Nov 2026, 14:02" in the zone asked for', () => {
    const end = at('2026-11-30T14:02:00Z')
    expect(formatEndsAt(end, 'UTC')).toBe('Mon 30 Nov 2026, 14:02')
    expect(formatEndsAt(end, 'Europe/Berlin')).toBe('Mon 30 Nov 2026, 15:02')
    expect(formatEndsAt(end, 'America/Los_Angeles')).toBe('Mon 30 Nov 2026, 06:02')
    // Across midnight the weekday and date follow the zone.
    expect(formatEndsAt(at('2026-11-30T23:30:00Z'), 'Asia/Tokyo')).toBe('Tue 1 Dec 2026, 08:30')
    expect(formatEndsAt(at('2026-01-01T00:00:00Z'), 'UTC')).toBe('Thu 1 Jan 2026, 00:00')
  })

  it('refuses an unknown time zone with VALIDATION', () => {
    expect(() => formatEndsAt(0, 'Mars/Olympus_Mons')).toThrow(expect.objectContaining({ code: 'VALIDATION' }))
  })
})
