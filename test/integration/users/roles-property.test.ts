import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Result } from '../../../src/shared/contract'
import type { Role } from '../../../src/shared/permissions'
import { OWNER, testDb } from '../../support/core'
import { accountTemplate, MEMBER_PASSWORD, quickMember, sessionOf, type FreshCore } from '../../support/users'

/**
 * Random sequences of operations by random actors. After every step: the call was refused with
 * FORBIDDEN exactly when SPEC.md's table denies the actor's current role, and the invariants hold
 * (one Owner, who is active; nobody changed their own role or deactivated themselves; a deactivated
 * person has no live session; active + invited ≤ seats).
 */
const SEATS = 12
const MAY: Record<'manageUsers' | 'manageTeams' | 'seeUsers' | 'ownerOnly' | 'ownProfile', Role[]> = {
  manageUsers: ['owner', 'admin'],
  manageTeams: ['owner', 'admin'],
  seeUsers: ['owner', 'admin', 'viewer'],
  ownerOnly: ['owner'],
  ownProfile: ['owner', 'admin', 'agent', 'viewer']
}
const ASSIGNABLE = ['admin', 'agent', 'viewer'] as const

type Op =
  | { kind: 'set-role'; target: number; role: (typeof ASSIGNABLE)[number] }
  | { kind: 'deactivate'; target: number }
  | { kind: 'reactivate'; target: number }
  | { kind: 'bulk-role'; targets: number[]; role: (typeof ASSIGNABLE)[number] }
  | { kind: 'bulk-deactivate'; targets: number[] }
  | { kind: 'invite'; count: number; role: (typeof ASSIGNABLE)[number] }
  | { kind: 'transfer'; target: number }
  | { kind: 'list' }
  | { kind: 'create-team' }
  | { kind: 'grant-export'; target: number }
  | { kind: 'profile' }

const POOL = 8
const index = fc.integer({ min: 0, max: POOL - 1 })
const role = fc.constantFrom(...ASSIGNABLE)
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('set-role' as const), target: index, role }),
  fc.record({ kind: fc.constant('deactivate' as const), target: index }),
  fc.record({ kind: fc.constant('reactivate' as const), target: index }),
  fc.record({ kind: fc.constant('bulk-role' as const), targets: fc.uniqueArray(index, { minLength: 1, maxLength: 4 }), role }),
  fc.record({ kind: fc.constant('bulk-deactivate' as const), targets: fc.uniqueArray(index, { minLength: 1, maxLength: 3 }) }),
  fc.record({ kind: fc.constant('invite' as const), count: fc.integer({ min: 1, max: 4 }), role }),
  // Mostly towards the pool's admins, so transfers also succeed.
  fc.record({ kind: fc.constant('transfer' as const), target: fc.oneof(fc.constantFrom(1, 2), index) }),
  fc.constant({ kind: 'list' as const }),
  fc.constant({ kind: 'create-team' as const }),
  fc.record({ kind: fc.constant('grant-export' as const), target: index }),
  fc.constant({ kind: 'profile' as const })
)
// The Owner acts more often than any one member, so owner-only paths are exercised.
const step = fc.record({ actor: fc.oneof(fc.constant(0), index), op })

const NEEDS: Record<Op['kind'], keyof typeof MAY> = {
  'set-role': 'manageUsers',
  deactivate: 'manageUsers',
  reactivate: 'manageUsers',
  'bulk-role': 'manageUsers',
  'bulk-deactivate': 'manageUsers',
  invite: 'manageUsers',
  transfer: 'ownerOnly',
  list: 'seeUsers',
  'create-team': 'manageTeams',
  'grant-export': 'manageUsers',
  profile: 'ownProfile'
}

describe('roles and invariants under random operations (fast-check)', () => {
  let template: Awaited<ReturnType<typeof accountTemplate>>
  beforeAll(async () => {
    template = await accountTemplate({ seats: SEATS })
  })
  afterAll(() => template.dispose())

  it('every call is allowed exactly when the table says, and the invariants hold after every step', async () => {
    let runs = 0
    let steps = 0
    const codes = new Map<string, number>()
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 20 }), async (sequence) => {
        runs += 1
        const t: FreshCore = await template.fresh()
        try {
          // The pool: index 0 is the Owner; then admins, agents, viewers, one deactivated and one invited person.
          const pool: Array<{ membershipId: string; personId: string; email: string }> = [
            { membershipId: t.ownerMembershipId, personId: await personOf(t, t.ownerMembershipId), email: OWNER.email }
          ]
          const seeds: Array<{ role: Role; status?: 'active' | 'invited' | 'deactivated' }> = [
            { role: 'admin' },
            { role: 'admin' },
            { role: 'agent' },
            { role: 'agent' },
            { role: 'viewer' },
            { role: 'agent', status: 'deactivated' },
            { role: 'viewer', status: 'invited' }
          ]
          for (const seed of seeds) pool.push(await quickMember(t.core, seed))
          const passwordOf = (membershipId: string) => (membershipId === t.ownerMembershipId ? OWNER.password : MEMBER_PASSWORD)
          let inviteCounter = 0
          for (const { actor: actorIndex, op: operation } of sequence) {
            steps += 1
            const actor = pool[actorIndex]!
            const before = await stateOf(t, actor.membershipId)
            const window = await sessionOf(t.core, actor.membershipId)
            const id = (i: number) => pool[i]!.membershipId
            let result: Result<unknown>
            switch (operation.kind) {
              case 'set-role':
                result = await t.core.dispatch(window, 'users:update', { membershipId: id(operation.target), role: operation.role })
                break
              case 'deactivate':
                result = await t.core.dispatch(window, 'users:deactivate', { membershipId: id(operation.target) })
                break
              case 'reactivate':
                result = await t.core.dispatch(window, 'users:reactivate', { membershipId: id(operation.target) })
                break
              case 'bulk-role':
                result = await t.core.dispatch(window, 'users:bulk-set-role', { membershipIds: operation.targets.map(id), role: operation.role })
                break
              case 'bulk-deactivate':
                result = await t.core.dispatch(window, 'users:bulk-deactivate', { membershipIds: operation.targets.map(id) })
                break
              case 'invite':
                result = await t.core.dispatch(window, 'users:invite', {
                  emails: Array.from({ length: operation.count }, () => `p${(inviteCounter += 1)}@example.com`),
                  role: operation.role
                })
                break
              case 'transfer':
                result = await t.core.dispatch(window, 'account:transfer-ownership', { toMembershipId: id(operation.target), password: passwordOf(actor.membershipId) })
                break
              case 'list':
                result = await t.core.dispatch(window, 'users:list', { limit: 10 })
                break
              case 'create-team':
                result = await t.core.dispatch(window, 'teams:create', { name: `Team ${steps}` })
                break
              case 'grant-export':
                result = await t.core.dispatch(window, 'users:update', { membershipId: id(operation.target), permissions: ['export-data'] })
                break
              case 'profile':
                result = await t.core.dispatch(window, 'profile:get', {})
                break
            }
            const code = result.ok ? 'ok' : result.error.code
            codes.set(`${operation.kind}:${code}`, (codes.get(`${operation.kind}:${code}`) ?? 0) + 1)
            const context = `step ${operation.kind} by ${before.role}/${before.status}: ${code}${result.ok ? '' : ` ${result.error.message}`}`
            if (before.status !== 'active') {
              expect(code, context).toBe('UNAUTHENTICATED')
            } else if (MAY[NEEDS[operation.kind]].includes(before.role)) {
              expect(code, context).not.toBe('FORBIDDEN')
              expect(code, context).not.toBe('INTERNAL')
            } else {
              expect(code, context).toBe('FORBIDDEN')
            }
            // Invariants.
            const owners = await testDb(t.core).all<{ status: string }>("SELECT status FROM memberships WHERE role = 'owner'")
            expect(owners, context).toEqual([{ status: 'active' }])
            const after = await stateOf(t, actor.membershipId)
            const selfTargeted =
              ('target' in operation && pool[operation.target] === actor) || ('targets' in operation && operation.targets.some((i) => pool[i] === actor))
            if (selfTargeted && operation.kind !== 'transfer' && operation.kind !== 'grant-export' && operation.kind !== 'reactivate') {
              expect(after, context).toEqual(before)
            }
            if (operation.kind !== 'transfer') expect(after.role === 'owner', context).toBe(before.role === 'owner')
            const seats = (await testDb(t.core).get<{ used: number }>(
              "SELECT count(*) FILTER (WHERE status = 'active') + count(*) FILTER (WHERE status = 'invited' AND invite_expires_at > ?) AS used FROM memberships",
              t.clock.now()
            ))!
            expect(Number(seats.used), context).toBeLessThanOrEqual(SEATS)
            for (const person of pool) {
              if ((await stateOf(t, person.membershipId)).status === 'deactivated') expect(t.core.sessions.of(person.personId), context).toEqual([])
            }
            await t.core.disconnect(window)
          }
        } finally {
          await t.dispose()
        }
      }),
      { numRuns: 40, seed: Number(process.env.FC_SEED ?? 20261123), endOnFailure: true }
    )
    console.info(`fast-check: ${runs} runs, ${steps} steps; outcomes ${JSON.stringify(Object.fromEntries([...codes].sort()))}`)
    // The runs reached both sides of the table and the business refusals.
    expect([...codes.keys()].some((k) => k.endsWith(':FORBIDDEN'))).toBe(true)
    expect([...codes.keys()].some((k) => k.startsWith('set-role:CONFLICT'))).toBe(true)
    expect([...codes.keys()].some((k) => k === 'transfer:ok')).toBe(true)
    // 40 fresh cores: on PostgreSQL each is a new database copied from the template (about 0.5 s).
  }, 300_000)
})

async function personOf(t: FreshCore, membershipId: string): Promise<string> {
  return (await testDb(t.core).get<{ id: string }>('SELECT person_id AS id FROM memberships WHERE membership_id = ?', membershipId))!.id
}

async function stateOf(t: FreshCore, membershipId: string): Promise<{ role: Role; status: string }> {
  return (await testDb(t.core).get<{ role: Role; status: string }>('SELECT role, status FROM memberships WHERE membership_id = ?', membershipId))!
}
