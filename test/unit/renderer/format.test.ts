import { describe, expect, it } from 'vitest'
import type { ContractError } from '../../../src/shared/contract'
import type { SessionInfo } from '../../../src/shared/contract/auth'
import { parseCall } from '../../../src/shared/contract/validate'

// The renderer is another TypeScript project (tsconfig.web.json): load its modules at run time, typed here.
interface Format {
  formatDateTime(ms: number, options?: { zone?: boolean; timeZone?: string }): string
  formatCount(n: number): string
}
interface FieldErrorsModule {
  formErrors<F extends string>(error: ContractError, fields: readonly F[], aliases?: Partial<Record<string, F>>): { fields: Partial<Record<F, string>>; banner: string | null; sticky?: boolean }
}
interface Banner {
  supportBannerText(session: SessionInfo, timeZone?: string): string
}
const FORMAT = '../../../src/renderer/src/components/format'
const FIELD_ERRORS = '../../../src/renderer/src/app/field-errors'
const BANNER = '../../../src/renderer/src/features/support-access/support-session-banner'
const { formatDateTime, formatCount } = (await import(/* @vite-ignore */ FORMAT)) as Format
const { formErrors } = (await import(/* @vite-ignore */ FIELD_ERRORS)) as FieldErrorsModule
const { supportBannerText } = (await import(/* @vite-ignore */ BANNER)) as Banner

const at = (y: number, mo: number, d: number, h: number, mi: number) => Date.UTC(y, mo - 1, d, h, mi)

describe('the one date-time format', () => {
  it('"1 Dec 2026, 14:05 CET": day, month name, year, 24-hour clock, and the zone when asked', () => {
    expect(formatDateTime(at(2026, 12, 1, 13, 5), { zone: true, timeZone: 'Europe/Berlin' })).toBe('1 Dec 2026, 14:05 CET')
    expect(formatDateTime(at(2026, 12, 1, 13, 5), { timeZone: 'Europe/Berlin' })).toBe('1 Dec 2026, 14:05')
    expect(formatDateTime(at(2026, 7, 14, 8, 30), { zone: true, timeZone: 'Europe/Berlin' })).toBe('14 Jul 2026, 10:30 CEST')
    expect(formatDateTime(at(2026, 7, 14, 8, 30), { zone: true, timeZone: 'UTC' })).toBe('14 Jul 2026, 08:30 UTC')
  })

  it('midnight is 00:xx, September is "Sep", whatever the locale would say', () => {
    expect(formatDateTime(at(2026, 9, 30, 22, 7), { timeZone: 'Europe/Berlin' })).toBe('1 Oct 2026, 00:07')
    expect(formatDateTime(at(2026, 9, 3, 0, 0), { timeZone: 'UTC' })).toBe('3 Sep 2026, 00:00')
    for (let month = 1; month <= 12; month++) {
      expect(formatDateTime(at(2027, month, 9, 12, 0), { timeZone: 'UTC' })).toMatch(/^9 [A-Z][a-z]{2} 2027, 12:00$/)
    }
  })

  it('another zone shows its own clock and name', () => {
    expect(formatDateTime(at(2026, 12, 1, 13, 5), { zone: true, timeZone: 'Asia/Tokyo' })).toMatch(/^1 Dec 2026, 22:05 (GMT\+9|JST)$/)
    expect(formatDateTime(at(2026, 12, 1, 13, 5), { zone: true, timeZone: 'America/New_York' })).toMatch(/^1 Dec 2026, 08:05 (GMT-5|EST)$/)
  })

  it('without a zone option the machine zone is used, in the same shape', () => {
    expect(formatDateTime(Date.now())).toMatch(/^\d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2}$/)
    expect(formatDateTime(Date.now(), { zone: true })).toMatch(/^\d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2} \S+$/)
  })
})

describe('numbers grouped', () => {
  it('counts group thousands (plurals are the catalog\'s: catalog.test.ts)', () => {
    expect(formatCount(1_234_567)).toMatch(/^1\D234\D567$/)
  })
})

describe('refusals beside their fields', () => {
  const refusal = (channel: string, input: unknown): ContractError => {
    const result = parseCall(channel, input)
    if (result.ok) throw new Error('expected a refusal')
    return result.error
  }

  it('every labelled problem goes beside its field; nothing is left for the banner', () => {
    const error = refusal('auth:sign-in', { email: 'olivia', password: '' })
    expect(formErrors(error, ['email', 'password'] as const)).toEqual({
      fields: { email: 'Enter a valid email address', password: 'Enter a password' },
      banner: null
    })
  })

  it('nested paths reach the form field of the same name (smtp.host → host)', () => {
    const error = refusal('settings:smtp-set', { smtp: { host: 'bad host', port: 70000, tls: 'none', from: 'it@example.com' } })
    expect(formErrors(error, ['host', 'port', 'from'] as const)).toEqual({
      fields: { host: 'Enter a host name or IP address', port: 'Must be at most 65,535' },
      banner: null
    })
  })

  it('a problem the form has no field for goes to the banner, with its label', () => {
    const error = refusal('users:invite', { emails: ['olivia@'], role: 'owner' })
    expect(formErrors(error, ['emails'] as const)).toEqual({
      fields: { emails: '“olivia@” is not valid — enter a valid email address' },
      banner: 'Role: must be “admin”, “agent” or “viewer”'
    })
  })

  it("a rule the core checks itself keeps its own sentence in the banner (it may say more), and aliases apply", () => {
    const error: ContractError = {
      code: 'VALIDATION',
      message: 'Wrong password. 2 more wrong passwords will lock password confirmation and sign-in for 15 minutes.',
      details: { issues: [{ path: 'password', message: 'Wrong password' }] }
    }
    expect(formErrors(error, ['ownerPassword'] as const, { password: 'ownerPassword' })).toEqual({ fields: { ownerPassword: 'Wrong password' }, banner: error.message })
  })

  it('a rule whose whole sentence already sits beside its field is not said twice', () => {
    const message = '26 seats are in use (25 active, 1 invited); the account needs at least 26. Deactivate people or revoke invitations first.'
    const error: ContractError = { code: 'VALIDATION', message, details: { issues: [{ path: 'seats', message }] } }
    expect(formErrors(error, ['name', 'seats'] as const)).toEqual({ fields: { seats: message }, banner: null })
  })

  it('other refusals are the banner; a lock or a lost connection stays until the next call (sticky)', () => {
    expect(formErrors({ code: 'UNAUTHENTICATED', message: 'Wrong email or password.' }, ['email'] as const)).toEqual({ fields: {}, banner: 'Wrong email or password.', sticky: false })
    expect(formErrors({ code: 'LOCKED', message: 'Locked until 14:20.' }, ['email'] as const)).toMatchObject({ banner: 'Locked until 14:20.', sticky: true })
    expect(formErrors({ code: 'INTERNAL', message: 'Connection to Gatehouse lost' }, ['email'] as const)).toMatchObject({ sticky: true })
  })
})

describe("the support agent's banner", () => {
  const session = (over: Partial<SessionInfo>): SessionInfo => ({
    principal: { kind: 'support', personId: 'a1', name: 'Sam Support', email: 'sam@vendor.example', role: null, accountId: 'acc', accountName: 'Acme Support', plan: 'paid' },
    permissions: ['users:read'],
    idleTimeoutMinutes: 30,
    startedAt: 0,
    ...over
  })

  it('says when access ends, in the one format with the zone, or that it has no end', () => {
    expect(supportBannerText(session({ supportAccessEndsAt: at(2026, 12, 1, 13, 5) }), 'Europe/Berlin')).toBe(
      'Support session — Read-only — Acme Support — access ends 1 Dec 2026, 14:05 CET'
    )
    expect(supportBannerText(session({ supportAccessEndsAt: null, permissions: ['users:read', 'users:manage'] }))).toBe('Support session — Full — Acme Support — no end date')
  })

  it('a session that does not carry the end yet shows scope and account only', () => {
    expect(supportBannerText(session({}))).toBe('Support session — Read-only — Acme Support')
  })
})
