import fc from 'fast-check'
import type { z } from 'zod'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CHANNEL_NAMES, channels, type ChannelName } from '../../../src/shared/contract'
import { listedLabel } from '../../../src/shared/contract/labels'
import type { ValidationDetails } from '../../../src/shared/contract/validate'
import { fileDigests, META, OWNER, openTestCore, rowCounts, setupAccount, type TestCore } from '../../support/core'

const HUGE = 'x'.repeat(1_000_000)

/** Wrong for any channel whose input is a strict object (or an optional one). */
const GENERIC_MALFORMED: Array<[string, unknown]> = [
  ['null', null],
  ['an array', []],
  ['an array of the right object', [{}]],
  ['a number', 42],
  ['NaN', Number.NaN],
  ['a string', 'users'],
  ['a boolean', true],
  ['an unexpected key', { unexpected: 1 }],
  ['a huge unexpected key', { [HUGE.slice(0, 10_000)]: HUGE }],
  ['a __proto__ key', JSON.parse('{"__proto__": {"isAdmin": true}}')],
  ['a constructor key', { constructor: { prototype: {} } }],
  ['a function', () => ({})]
]

/** Malformed inputs written for this channels, beside the generic ones above. */
const SPECIFIC_MALFORMED: Partial<Record<ChannelName, Array<[string, unknown]>>> = (() => {
  const setup = { accountName: 'Acme', plan: 'paid', seats: 5, ownerName: 'Olivia', ownerEmail: 'o@example.com', ownerPassword: 'violet-harbour-lantern-42' }
  const without = <T extends object>(o: T, key: keyof T) => Object.fromEntries(Object.entries(o).filter(([k]) => k !== key))
  const signIn = { email: OWNER.email, password: OWNER.password }
  return {
    'auth:status': [['a session id smuggled in', { sessionId: 'x' }]],
    'auth:sign-out': [['an everywhere flag', { everywhere: true }]],
    'auth:setup': [
      ...Object.keys(setup).map((k): [string, unknown] => [`no ${k}`, without(setup, k as keyof typeof setup)]),
      ['an extra role', { ...setup, role: 'owner' }],
      ['seats as a string', { ...setup, seats: '5' }],
      ['fractional seats', { ...setup, seats: 2.5 }],
      ['negative seats', { ...setup, seats: -1 }],
      ['too many seats', { ...setup, seats: 100_001 }],
      ['an unknown plan', { ...setup, plan: 'enterprise' }],
      ['a huge account name', { ...setup, accountName: HUGE }],
      ['a huge owner name', { ...setup, ownerName: HUGE }],
      ['an owner name with a control character', { ...setup, ownerName: 'Olivia\u0001Stone' }],
      ['an owner name with a bell', { ...setup, ownerName: 'Olivia\u0007' }],
      ['a huge password', { ...setup, ownerPassword: HUGE }],
      ['a huge email', { ...setup, ownerEmail: `${HUGE}@example.com` }],
      ['an email without @', { ...setup, ownerEmail: 'olivia.example.com' }],
      ['an empty password', { ...setup, ownerPassword: '' }],
      ['a null account name', { ...setup, accountName: null }],
      ['a nested object as name', { ...setup, ownerName: { first: 'O' } }]
    ],
    'auth:sign-in': [
      ['no password', without(signIn, 'password')],
      ['no email', without(signIn, 'email')],
      ['an empty password', { ...signIn, password: '' }],
      ['a password of 1025 characters', { ...signIn, password: 'p'.repeat(1025) }],
      ['a huge password', { ...signIn, password: HUGE }],
      ['a not-an-email', { ...signIn, email: 'olivia' }],
      ['an email as an array', { ...signIn, email: [OWNER.email] }],
      ['a password as a number', { ...signIn, password: 123456789012 }],
      ['an extra remember flag', { ...signIn, remember: true }],
      ['a 255-character email', { ...signIn, email: `${'a'.repeat(243)}@example.com` }]
    ],
    'users:list': [
      ['limit 0', { limit: 0 }],
      ['limit 501', { limit: 501 }],
      ['a fractional limit', { limit: 10.5 }],
      ['a string limit', { limit: '50' }],
      ['an unknown sort', { sort: 'password_hash' }],
      ['an SQL sort', { sort: 'name; DROP TABLE persons' }],
      ['an unknown direction', { direction: 'sideways' }],
      ['an unknown status', { status: 'deleted' }],
      ['an unknown role', { role: 'superuser' }],
      ['a search of 201 characters', { search: 's'.repeat(201) }],
      ['a huge search', { search: HUGE }],
      ['a search as a number', { search: 42 }],
      ['a cursor without id', { after: { value: 'Ann' } }],
      ['a cursor with an object value', { after: { value: { $gt: '' }, id: 'x' } }],
      ['a cursor with an empty id', { after: { value: 'Ann', id: '' } }],
      ['a cursor with a huge id', { after: { value: 'Ann', id: HUGE } }],
      // A position exists (the scrollbar's jumps); a malformed one is refused.
      ['a negative offset', { offset: -1 }],
      ['a fractional offset', { offset: 1.5 }],
      ['an offset as a string', { offset: '100' }],
      ['an offset past any list', { offset: 10_000_001 }]
    ],
    'audit:list': [
      ['a cursor seq of 0', { after: { time: 1, seq: 0 } }],
      ['a negative cursor time', { after: { time: -5, seq: 1 } }],
      ['a fractional cursor', { after: { time: 1, seq: 1.5 } }],
      ['a cursor as a number', { after: 10 }],
      ['a cursor with an extra field', { after: { time: 1, seq: 1, id: 'x' } }],
      ['an action of 81 characters', { filter: { actions: ['a'.repeat(81)] } }],
      ['a huge action', { filter: { actions: [HUGE] } }],
      ['an empty action list', { filter: { actions: [] } }],
      ['101 actions', { filter: { actions: Array.from({ length: 101 }, (_, i) => `a.${i}`) } }],
      ['an empty actor id', { filter: { actorId: '' } }],
      ['a huge actor id', { filter: { actorId: HUGE } }],
      ['an unknown actor kind', { filter: { actorKind: 'robot' } }],
      ['a range that ends before it starts', { filter: { from: 10, to: 5 } }],
      ['a fractional time', { filter: { from: 1.5 } }],
      ['a search of 201 characters', { filter: { search: 'x'.repeat(201) } }],
      ['a blank search', { filter: { search: '   ' } }],
      ['an unknown filter field', { filter: { colour: 'red' } }],
      ['the old before field', { before: 10 }],
      ['limit 0', { limit: 0 }],
      ['limit Infinity', { limit: Number.POSITIVE_INFINITY }],
      ['an account id (accounts come from the session)', { accountId: 'other-account' }]
    ],
    'login-history:list': [
      ['an unknown method', { filter: { method: 'magic-link' } }],
      ['an unknown result', { filter: { result: 'maybe' } }],
      ['a range that ends before it starts', { filter: { from: 10, to: 5 } }],
      ['a blank email', { filter: { email: '   ' } }],
      ['a huge email', { filter: { email: HUGE } }],
      ['a huge address', { filter: { ip: HUGE } }],
      ['an empty member', { filter: { membershipId: '' } }],
      ['a person id (members are chosen by membership)', { filter: { personId: 'x' } }],
      ['a cursor id of 0', { after: { time: 1, id: 0 } }],
      ['a cursor with a seq', { after: { time: 1, seq: 1 } }],
      ['limit 501', { limit: 501 }],
      ['an account id (accounts come from the session)', { accountId: 'other-account' }]
    ],
    'audit:retention': [['a period smuggled in', { retention: '1y' }]],
    'audit:retention-set': [
      ['no period', {}],
      ['a period of 2 years', { retention: '2y' }],
      ['a period in days', { retention: 365 }]
    ],
    'audit:purge': [
      ['nothing expected', {}],
      ['a negative count', { expected: { events: -1, loginEvents: 0 } }],
      ['a cutoff of its own', { expected: { events: 0, loginEvents: 0 }, cutoff: 0 }],
      ['an account id', { expected: { events: 0, loginEvents: 0, accountId: 'x' } }]
    ],
    'login-history:dormant': [
      ['no period', {}],
      ['a period of 45 days', { period: '45' }],
      ['a period as a number', { period: 30 }],
      ['a cursor without a person', { period: '30', after: { lastLoginAt: 0 } }],
      ['limit 5001', { period: '30', limit: 5001 }]
    ],
    'login-history:export-start': [
      ['no format', { filter: {} }],
      ['an unknown format', { filter: {}, format: 'xlsx' }],
      ['an unknown filter field', { filter: { colour: 'red' }, format: 'csv' }]
    ],
    'login-history:export-page': [
      ['no format', { filter: {} }],
      ['limit 10001', { filter: {}, format: 'csv', limit: 10_001 }],
      ['a fractional cursor', { filter: {}, format: 'csv', after: { time: 1.5, id: 1 } }]
    ]
  }
})()

describe('contract validation at the core', () => {
  let t: TestCore
  let owner: string
  let anonymous: string

  beforeAll(async () => {
    t = await openTestCore()
    ;({ connectionId: owner } = await setupAccount(t.core))
    anonymous = t.core.connect(META)
  })
  afterAll(async () => t.dispose())

  /** Dispatch, expect a VALIDATION envelope in words, and prove nothing was written anywhere. */
  const expectRefused = async (connectionId: string, channel: unknown, input: unknown, label: string) => {
    const rows = await rowCounts(t.core)
    const files = fileDigests(t.dir)['keys.json']
    const result = await t.core.dispatch(connectionId, channel, input)
    expect(result.ok, label).toBe(false)
    expect(!result.ok && result.error.code, label).toBe('VALIDATION')
    expect(!result.ok && typeof result.error.message, label).toBe('string')
    if (!result.ok && typeof channel === 'string' && (CHANNEL_NAMES as string[]).includes(channel)) expectPlainWords(channel, result.error.message, label)
    expect(await rowCounts(t.core), label).toEqual(rows)
    expect(fileDigests(t.dir)['keys.json'], label).toBe(files)
  }

  it('covers every channel of the contract with malformed payloads', () => {
    expect(CHANNEL_NAMES.length).toBeGreaterThanOrEqual(6)
    for (const name of ['auth:status', 'auth:setup', 'auth:sign-in', 'auth:sign-out', 'users:list', 'audit:list'] as const) {
      expect(CHANNEL_NAMES).toContain(name)
      expect(SPECIFIC_MALFORMED[name]?.length ?? 0, name).toBeGreaterThan(0)
    }
  })

  for (const channel of CHANNEL_NAMES) {
    it(`${channel}: refuses malformed payloads with VALIDATION, signed in or not, and writes nothing`, async () => {
      for (const [label, input] of [...GENERIC_MALFORMED, ...(SPECIFIC_MALFORMED[channel] ?? [])]) {
        await expectRefused(owner, channel, input, `${channel} with ${label} (signed in)`)
        await expectRefused(anonymous, channel, input, `${channel} with ${label} (signed out)`)
      }
    })
  }

  it('refuses unknown channel names with VALIDATION', async () => {
    const names: unknown[] = [
      'nope',
      '__proto__',
      'constructor',
      'toString',
      'hasOwnProperty',
      'valueOf',
      '',
      'AUTH:STATUS',
      'auth:status ',
      ' auth:status',
      'auth:',
      ':status',
      'users:delete-everything',
      HUGE,
      null,
      undefined,
      42,
      {},
      ['auth:status'],
      Symbol('auth:status')
    ]
    for (const name of names) {
      const label = typeof name === 'string' ? JSON.stringify(name.slice(0, 30)) : String(name)
      await expectRefused(owner, name, {}, `channel ${label}`)
      await expectRefused(anonymous, name, undefined, `channel ${label}`)
    }
    const huge = await t.core.dispatch(owner, HUGE, {})
    // The refusal quotes at most 80 characters of what it was given.
    expect(!huge.ok && huge.error.message).toBe(`Unknown channel: ${HUGE.slice(0, 80)}`)
  })

  it('never lets an input that fails its schema reach a handler (fuzzed)', async () => {
    const rows = await rowCounts(t.core)
    for (const channel of CHANNEL_NAMES) {
      const schema = channels[channel].input
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            fc.anything({ withNullPrototype: true, withBigInt: true, withDate: true, withMap: true, withSet: true, withTypedArray: true, withSparseArray: true, withBoxedValues: true }),
            fc.dictionary(fc.constantFrom('email', 'password', 'limit', 'search', 'sort', 'after', 'before', 'seats', 'plan', 'status', 'role', 'id'), fc.anything())
          ),
          fc.boolean(),
          async (input, signedIn) => {
            fc.pre(!schema.safeParse(input).success)
            const result = await t.core.dispatch(signedIn ? owner : anonymous, channel, input)
            return !result.ok && result.error.code === 'VALIDATION'
          }
        ),
        { numRuns: 150 }
      )
    }
    expect(await rowCounts(t.core)).toEqual(rows)
  })

  it('accepts the well-formed inputs (so the refusals above are about the payloads)', async () => {
    const ok = async (channel: string, input: unknown) => {
      const result = await t.core.dispatch(owner, channel, input)
      expect(result.ok, `${channel}: ${!result.ok ? result.error.message : ''}`).toBe(true)
    }
    await ok('auth:status', undefined)
    await ok('auth:status', {})
    await ok('users:list', {})
    await ok('users:list', { search: 'olivia', status: 'active', role: 'owner', sort: 'email', direction: 'desc', limit: 500 })
    await ok('users:list', { after: { value: null, id: 'x' }, limit: 1 })
    await ok('audit:list', { filter: { actions: ['account.created'], actorId: 'x', from: 1, to: 2, search: 'ada' }, after: { time: 1, seq: 1 }, limit: 1 })
    await ok('audit:count', { filter: { actorKind: 'system', targetType: 'member', targetId: 'x' } })
    await ok('audit:series', { filter: {}, bounds: [0, 3_600_000, 7_200_000] })
    await ok('audit:export-start', { filter: { search: 'ada' }, format: 'jsonl' })
    await ok('audit:verify-status', {})
    await ok('audit:export-page', { filter: {}, format: 'csv', after: { time: 1, seq: 1 }, limit: 10 })
    await ok('login-history:list', { filter: { from: 1, to: 2, email: 'a@b.c', method: 'sso', result: 'failure', ip: '10.0.0.1' }, after: { time: 1, id: 1 }, limit: 500 })
    await ok('audit:retention', {})
    await ok('audit:export-page', { filter: {}, format: 'jsonl', exportId: 'x' })
    await ok('login-history:dormant', { period: 'never', after: { lastLoginAt: 0, personId: 'x' }, limit: 5000 })
    await ok('login-history:export-page', { filter: { method: 'invitation' }, format: 'csv', after: { time: 1, id: 1 }, limit: 10 })
  })
})

/** zod's own words and path syntax, none of which may reach a person. */
const INTERNAL_TEXT = [/Invalid input/i, /\bexpected\b.*\breceived\b/i, /Too (small|big)/i, /Unrecognized key/i, /Invalid (option|string|email)/i, /\bnonoptional\b/i]

function expectPlainWords(channel: string, message: string, label: string): void {
  expect(message, label).not.toContain(channel)
  expect(message, label).not.toMatch(/Invalid input for/)
  for (const pattern of INTERNAL_TEXT) expect(message, `${label}: ${message}`).not.toMatch(pattern)
  // No path syntax: "smtp.host", "emails.2", "emails[2]", "after.id".
  expect(message, `${label}: ${message}`).not.toMatch(/\b[a-z][A-Za-z]*\.[A-Za-z0-9]+\b(?![^“]*”)/)
  expect(message, `${label}: ${message}`).not.toMatch(/\[\d+\]/)
}

type AnySchema = z.ZodType & { _zod: { def: { type: string; innerType?: AnySchema; in?: AnySchema; shape?: Record<string, AnySchema> } } }

/** The object shape under optional/nullable/default/pipe wrappers, or null for a non-object. */
function shapeOf(schema: AnySchema): Record<string, AnySchema> | null {
  const def = schema._zod.def
  if (def.type === 'object') return def.shape ?? {}
  if (def.innerType) return shapeOf(def.innerType)
  if (def.type === 'pipe' && def.in) return shapeOf(def.in)
  return null
}

/** Every field path of a channel's input, nested objects included ("smtp", "smtp.host", …). */
function fieldPaths(schema: AnySchema, prefix = ''): string[] {
  const shape = shapeOf(schema)
  if (!shape) return []
  return Object.entries(shape).flatMap(([key, inner]) => [`${prefix}${key}`, ...fieldPaths(inner, `${prefix}${key}.`)])
}

describe('validation messages name fields in words, all at once', () => {
  let t: TestCore
  let owner: string

  beforeAll(async () => {
    t = await openTestCore()
    ;({ connectionId: owner } = await setupAccount(t.core))
  })
  afterAll(async () => t.dispose())

  it('every field of every channel input has a label', () => {
    const missing: string[] = []
    for (const channel of CHANNEL_NAMES) {
      for (const path of fieldPaths(channels[channel].input as AnySchema)) {
        const label = listedLabel(channel, path)
        if (label === null) missing.push(`${channel} ${path}`)
      }
    }
    expect(missing).toEqual([])
  })

  for (const channel of CHANNEL_NAMES) {
    const keys = Object.keys(shapeOf(channels[channel].input as AnySchema) ?? {})
    it(`${channel}: every field wrong at once gives one labelled entry per field and a message in words`, async () => {
      // A value no field accepts: not text, not a number, not a list, not the expected object.
      const input = Object.fromEntries(keys.map((key) => [key, { wrong: [[]] }]))
      const result = await t.core.dispatch(owner, channel, keys.length ? input : 'not an object')
      expect(result.ok).toBe(false)
      if (result.ok) return
      expect(result.error.code).toBe('VALIDATION')
      expectPlainWords(channel, result.error.message, channel)
      const { fields } = result.error.details as ValidationDetails
      // Each field once, and every field of the input among them.
      expect(new Set(fields.map((f) => f.path)).size).toBe(fields.length)
      const heads = new Set(fields.map((f) => f.path.split('.')[0]))
      expect([...heads].sort()).toEqual((keys.length ? keys : ['']).sort())
      for (const field of fields) {
        expect(field.label, `${channel} ${field.path}`).toBe(field.path === '' ? 'Request' : listedLabel(channel, field.path))
        expect(field.message.length, `${channel} ${field.path}`).toBeGreaterThan(0)
        // The summary names each field by its label.
        expect(result.error.message).toContain(`${field.label}: `)
      }
    })
  }

  it('reads as the examples do', async () => {
    const signIn = await t.core.dispatch(owner, 'auth:sign-in', { email: 'olivia', password: '' })
    expect(signIn).toEqual({
      ok: false,
      error: {
        code: 'VALIDATION',
        message: 'Email address: enter a valid email address. Password: enter a password',
        details: {
          fields: [
            { path: 'email', label: 'Email address', message: 'Enter a valid email address' },
            { path: 'password', label: 'Password', message: 'Enter a password' }
          ]
        }
      }
    })
    const missing = await t.core.dispatch(owner, 'auth:sign-in', { email: 'olivia@example.com' })
    expect(!missing.ok && missing.error.message).toBe('Password: required')

    const smtp = await t.core.dispatch(owner, 'settings:smtp-set', { smtp: { host: 'mail server', port: 0, tls: 'ssl', from: 'it@' } })
    expect(!smtp.ok && smtp.error.message).toBe(
      'Mail server: enter a host name or IP address. Port: must be at least 1. Encryption: must be “none”, “starttls” or “tls”. From address: enter a valid email address'
    )
    expect(!smtp.ok && (smtp.error.details as ValidationDetails).fields.map((f) => f.path)).toEqual(['smtp.host', 'smtp.port', 'smtp.tls', 'smtp.from'])

    const team = await t.core.dispatch(owner, 'teams:create', { name: 'Tier 1; Tier 2', description: 'd'.repeat(501) })
    expect(!team.ok && team.error.message).toBe("Team name: a team name cannot contain ';' or '|'. Description: a description has at most 500 characters")

    const setup = await t.core.dispatch(owner, 'auth:setup', { accountName: 'Acme', plan: 'paid', seats: 2.5, ownerName: 'O', ownerEmail: 'o@example.com', ownerPassword: 'p', role: 'owner' })
    expect(!setup.ok && setup.error.message).toBe('Seats: must be a whole number. Request: has an unknown field “role”')

    const page = await t.core.dispatch(owner, 'users:list', { limit: 501, after: { value: 'Ann' } })
    expect(!page.ok && page.error.message).toBe('Page position: required. Page size: must be at most 500')
  })

  it('the invite dialog learns which addresses are wrong, by address', async () => {
    const result = await t.core.dispatch(owner, 'users:invite', {
      emails: ['ada@example.com', 'olivia@', ' bob ', 'grace@example.com', 'olivia@', `${'x'.repeat(250)}@example.com`, 42],
      role: 'agent'
    })
    expect(result.ok).toBe(false)
    if (result.ok) return
    const { fields } = result.error.details as ValidationDetails
    expect(fields).toEqual([
      {
        path: 'emails',
        label: 'Email addresses',
        message:
          '“olivia@” and “bob” are not valid — enter a valid email address; ' +
          `“${'x'.repeat(60)}…” is not valid — an email address has at most 254 characters; ` +
          'entry 7 is not valid — must be text'
      }
    ])
    expect(result.error.message).toBe(`Email addresses: ${fields[0]!.message[0]!.toLowerCase()}${fields[0]!.message.slice(1)}`)
    expect(result.error.message).not.toContain('ada@example.com')
  })
})
