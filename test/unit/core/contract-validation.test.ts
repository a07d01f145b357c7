import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CHANNEL_NAMES, channels, type ChannelName } from '../../../src/shared/contract'
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
      ['an offset', { offset: 100 }]
    ],
    'audit:list': [
      ['before 0', { before: 0 }],
      ['a negative before', { before: -5 }],
      ['a fractional before', { before: 1.5 }],
      ['before as a string', { before: '10' }],
      ['an action of 81 characters', { action: 'a'.repeat(81) }],
      ['a huge action', { action: HUGE }],
      ['an empty actor id', { actorId: '' }],
      ['a huge actor id', { actorId: HUGE }],
      ['limit 0', { limit: 0 }],
      ['limit Infinity', { limit: Number.POSITIVE_INFINITY }],
      ['an account id (accounts come from the session)', { accountId: 'other-account' }]
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

  /** Dispatch, expect a VALIDATION envelope, and prove nothing was written anywhere. */
  const expectRefused = async (connectionId: string, channel: unknown, input: unknown, label: string) => {
    const rows = await rowCounts(t.core)
    const files = fileDigests(t.dir)['keys.json']
    const result = await t.core.dispatch(connectionId, channel, input)
    expect(result.ok, label).toBe(false)
    expect(!result.ok && result.error.code, label).toBe('VALIDATION')
    expect(!result.ok && typeof result.error.message, label).toBe('string')
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
    await ok('audit:list', { before: 1, action: 'account.created', actorId: 'x', limit: 1 })
  })
})
