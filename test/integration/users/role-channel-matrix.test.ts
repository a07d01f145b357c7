import { randomUUID } from 'node:crypto'
import { afterAll, describe, expect, it } from 'vitest'
import { CHANNEL_NAMES, type ChannelName } from '../../../src/shared/contract'
import type { Role } from '../../../src/shared/permissions'
import type { Core } from '../../../src/main/core/core'
import { OWNER, openTestCore, rowCounts, setupAccount, testDb, type TestCore } from '../../support/core'
import { accountIdOf, expectOk, quickMember, sessionOf, tokenOf } from '../../support/users'

/**
 * Every role × every channel, against SPEC.md's table written out here independently of the
 * contract's `access` fields: a call is allowed exactly when the table says so, and a refused call
 * is FORBIDDEN and writes nothing.
 */
const ROLES: Role[] = ['owner', 'admin', 'agent', 'viewer']
const ALL: Role[] = ROLES
const SPEC = {
  public: ALL,
  signedIn: ALL,
  seeUsersTeams: ['owner', 'admin', 'viewer'],
  manageUsers: ['owner', 'admin'],
  manageTeams: ['owner', 'admin'],
  configureSso: ['owner', 'admin'],
  auditLog: ['owner', 'admin', 'viewer'],
  exportReports: ['owner', 'admin'],
  ownerOnly: ['owner'],
  supportAccess: ['owner'],
  ownProfile: ALL
} satisfies Record<string, Role[]>

interface Fixture {
  core: Core
  actor: { membershipId: string; email: string; password: string }
  /** A fresh active agent to act on (a new one per call). */
  target: () => Promise<string>
  team: () => Promise<string>
  inviteToken: () => Promise<string>
  /** A password reset link's token, issued by the Owner for a fresh active agent. */
  resetToken: () => Promise<string>
  join: (teamId: string, membershipId: string) => Promise<void>
}

interface Row {
  spec: keyof typeof SPEC
  input: (fx: Fixture) => unknown | Promise<unknown>
  /** For allowed calls whose valid input still meets a business rule (e.g. setup twice). */
  allowedResult?: 'ok' | 'CONFLICT' | 'UNAUTHENTICATED' | 'NOT_FOUND' | 'VALIDATION'
  after?: (fx: Fixture) => void
}

const CSV = (email: string) => `email,name,role,teams\r\n${email},Matrix Person,viewer,\r\n`
const NEW_PASSWORD = 'copper-lighthouse-orchard-58'

const MATRIX: Partial<Record<ChannelName, Row>> = {
  'auth:status': { spec: 'public', input: () => ({}) },
  'auth:setup': {
    spec: 'public',
    input: () => ({ accountName: 'X', plan: 'paid', seats: 5, ownerName: 'X', ownerEmail: 'x@example.com', ownerPassword: NEW_PASSWORD }),
    allowedResult: 'CONFLICT'
  },
  'auth:sign-in': { spec: 'public', input: (fx) => ({ email: fx.actor.email, password: fx.actor.password }) },
  'auth:sign-out': { spec: 'signedIn', input: () => ({}) },
  'auth:support-sign-in': {
    spec: 'public',
    input: async (fx) => ({ email: 'nobody-support@vendor.example', password: NEW_PASSWORD, account: await accountIdOf(fx.core) }),
    allowedResult: 'UNAUTHENTICATED'
  },
  'users:list': { spec: 'seeUsersTeams', input: () => ({ limit: 5 }) },
  'users:get': { spec: 'seeUsersTeams', input: async (fx) => ({ membershipId: await fx.target() }) },
  'users:seats': { spec: 'seeUsersTeams', input: () => ({}) },
  'users:list-ids': { spec: 'manageUsers', input: () => ({ status: 'active' }) },
  'users:invite': { spec: 'manageUsers', input: () => ({ emails: [`inv-${randomUUID().slice(0, 8)}@example.com`], role: 'agent' }) },
  'users:resend-invitation': {
    spec: 'manageUsers',
    input: async (fx) => ({ membershipId: (await quickMember(fx.core, { role: 'viewer', status: 'invited' })).membershipId })
  },
  'users:bulk-resend-invitations': {
    spec: 'manageUsers',
    input: async (fx) => ({
      membershipIds: [(await quickMember(fx.core, { role: 'viewer', status: 'invited' })).membershipId, (await quickMember(fx.core, { role: 'agent', status: 'invited' })).membershipId]
    })
  },
  'users:revoke-invitation': {
    spec: 'manageUsers',
    input: async (fx) => ({ membershipId: (await quickMember(fx.core, { role: 'viewer', status: 'invited' })).membershipId })
  },
  'users:login-history': { spec: 'auditLog', input: async (fx) => ({ membershipId: await fx.target(), bounds: [Date.now() - 86_400_000, Date.now()] }) },
  'users:unlock': { spec: 'manageUsers', input: async (fx) => ({ membershipId: await fx.target() }) },
  'users:sign-out-everywhere': { spec: 'manageUsers', input: async (fx) => ({ membershipId: await fx.target() }) },
  'users:reset-password': { spec: 'manageUsers', input: async (fx) => ({ membershipId: await fx.target() }) },
  'users:update': { spec: 'manageUsers', input: async (fx) => ({ membershipId: await fx.target(), role: 'viewer', name: 'Renamed Person' }) },
  'users:deactivate': { spec: 'manageUsers', input: async (fx) => ({ membershipId: await fx.target() }) },
  'users:reactivate': {
    spec: 'manageUsers',
    input: async (fx) => ({ membershipId: (await quickMember(fx.core, { role: 'agent', status: 'deactivated' })).membershipId })
  },
  'users:bulk-set-role': { spec: 'manageUsers', input: async (fx) => ({ membershipIds: [await fx.target(), await fx.target()], role: 'viewer' }) },
  'users:bulk-add-team': { spec: 'manageUsers', input: async (fx) => ({ membershipIds: [await fx.target()], teamId: await fx.team() }) },
  'users:bulk-remove-team': {
    spec: 'manageUsers',
    input: async (fx) => {
      const membershipId = await fx.target()
      const teamId = await fx.team()
      await fx.join(teamId, membershipId)
      return { membershipIds: [membershipId], teamId }
    }
  },
  'users:bulk-deactivate': { spec: 'manageUsers', input: async (fx) => ({ membershipIds: [await fx.target(), await fx.target()] }) },
  'users:bulk-reactivate': {
    spec: 'manageUsers',
    input: async (fx) => ({ membershipIds: [(await quickMember(fx.core, { role: 'agent', status: 'deactivated' })).membershipId] })
  },
  'users:import-preview': { spec: 'manageUsers', input: () => ({ csv: CSV(`csv-${randomUUID().slice(0, 8)}@example.com`) }) },
  'users:import-commit': { spec: 'manageUsers', input: () => ({ csv: CSV(`csv-${randomUUID().slice(0, 8)}@example.com`) }) },
  'users:export': { spec: 'exportReports', input: () => ({}) },
  'teams:list': { spec: 'seeUsersTeams', input: () => ({}) },
  'teams:create': { spec: 'manageTeams', input: async (fx) => ({ name: `Team ${randomUUID().slice(0, 8)}`, membershipIds: [await fx.target()] }) },
  'teams:update': { spec: 'manageTeams', input: async (fx) => ({ teamId: await fx.team(), description: 'Changed' }) },
  'teams:delete': { spec: 'manageTeams', input: async (fx) => ({ teamId: await fx.team() }) },
  'teams:add-members': { spec: 'manageTeams', input: async (fx) => ({ teamId: await fx.team(), membershipIds: [await fx.target()] }) },
  'teams:remove-members': {
    spec: 'manageTeams',
    input: async (fx) => {
      const membershipId = await fx.target()
      const teamId = await fx.team()
      await fx.join(teamId, membershipId)
      return { teamId, membershipIds: [membershipId] }
    }
  },
  'invitations:inspect': { spec: 'public', input: async (fx) => ({ token: await fx.inviteToken() }) },
  'invitations:accept': { spec: 'public', input: async (fx) => ({ token: await fx.inviteToken(), name: 'Accepting Person', password: NEW_PASSWORD }) },
  'password-reset:inspect': { spec: 'public', input: async (fx) => ({ token: await fx.resetToken() }) },
  'password-reset:complete': { spec: 'public', input: async (fx) => ({ token: await fx.resetToken(), password: NEW_PASSWORD }) },
  'profile:get': { spec: 'ownProfile', input: () => ({}) },
  'profile:update': { spec: 'ownProfile', input: () => ({ theme: 'dark', name: 'Me Myself' }) },
  'profile:change-password': {
    spec: 'ownProfile',
    input: (fx) => ({ current: fx.actor.password, next: NEW_PASSWORD }),
    after: (fx) => {
      fx.actor.password = NEW_PASSWORD
    }
  },
  'settings:account': { spec: 'seeUsersTeams', input: () => ({}) },
  'settings:account-update': { spec: 'ownerOnly', input: () => ({ idleTimeoutMinutes: 45 }) },
  'settings:smtp-get': { spec: 'manageUsers', input: () => ({}) },
  'settings:smtp-set': { spec: 'manageUsers', input: () => ({ smtp: { host: '127.0.0.1', port: 2525, tls: 'none', from: 'it@example.com' } }) },
  'settings:smtp-test': {
    spec: 'manageUsers',
    // No server listens on port 1: the call itself is allowed and reports the failure.
    input: async (fx) => {
      await testDb(fx.core).run(
        "INSERT INTO smtp_settings (account_id, host, port, tls, from_address, updated_at) VALUES (?, '127.0.0.1', 1, 'none', 'it@example.com', 0) ON CONFLICT (account_id) DO UPDATE SET host = excluded.host, port = excluded.port, tls = excluded.tls, from_address = excluded.from_address, updated_at = excluded.updated_at",
        await accountIdOf(fx.core)
      )
      return {}
    }
  },
  'account:transfer-ownership': {
    spec: 'ownerOnly',
    input: async (fx) => ({ toMembershipId: (await quickMember(fx.core, { role: 'admin' })).membershipId, password: fx.actor.password })
  },
  'account:convert-to-paid': { spec: 'ownerOnly', input: () => ({}), allowedResult: 'CONFLICT' },
  'security:status': { spec: 'ownerOnly', input: () => ({}) },
  'sso:status': { spec: 'seeUsersTeams', input: () => ({}) },
  // Allowed calls meet a rule before any network: Google needs its client secret.
  'sso:save-oidc': {
    spec: 'configureSso',
    input: () => ({ preset: 'google', issuer: 'https://accounts.google.com', clientId: 'matrix-client', clientSecret: '', allowedDomains: ['example.com'] }),
    allowedResult: 'VALIDATION'
  },
  'sso:save-saml': { spec: 'configureSso', input: () => ({ metadataXml: '<not-metadata/>', allowedDomains: ['example.com'] }), allowedResult: 'VALIDATION' },
  'sso:test-start': { spec: 'configureSso', input: () => ({}), allowedResult: 'NOT_FOUND' },
  'sso:refresh-metadata': { spec: 'configureSso', input: () => ({ slot: 'draft' }), allowedResult: 'NOT_FOUND' },
  'sso:test-result': { spec: 'configureSso', input: () => ({ testId: 'no-such-test' }), allowedResult: 'NOT_FOUND' },
  'sso:enable': { spec: 'configureSso', input: () => ({ mode: 'offered', provisioning: 'jit' }), allowedResult: 'NOT_FOUND' },
  'sso:disable': { spec: 'configureSso', input: () => ({}), allowedResult: 'CONFLICT' },
  'sso:sign-in-start': { spec: 'public', input: () => ({ email: 'someone@nowhere.example' }), allowedResult: 'VALIDATION' },
  'sso:sign-in-result': { spec: 'public', input: () => ({ flowId: 'no-such-flow' }), allowedResult: 'NOT_FOUND' },
  'sso:provider-answer': { spec: 'public', input: () => ({ url: 'http://127.0.0.1:9/sso/callback?code=x&state=no-such-flow' }), allowedResult: 'NOT_FOUND' },
  'notifications:get': { spec: 'ownProfile', input: () => ({}) },
  'notifications:set': { spec: 'ownProfile', input: () => ({ kind: 'security', enabled: false }) },
  'security:replace-recovery-key': { spec: 'ownerOnly', input: (fx) => ({ password: fx.actor.password }) },
  'audit:list': { spec: 'auditLog', input: () => ({ limit: 5 }) },
  'audit:count': { spec: 'auditLog', input: () => ({ filter: { search: 'signed' } }) },
  'audit:verify': { spec: 'auditLog', input: () => ({ mode: 'full' }) },
  'audit:verify-cancel': { spec: 'auditLog', input: () => ({}) },
  'audit:verify-status': { spec: 'auditLog', input: () => ({}) },
  'audit:export-start': { spec: 'exportReports', input: () => ({ filter: {}, format: 'csv' }) },
  'audit:export-page': { spec: 'exportReports', input: () => ({ filter: {}, format: 'jsonl', limit: 5 }) },
  'audit:retention': { spec: 'auditLog', input: () => ({}) },
  'audit:retention-set': { spec: 'manageUsers', input: () => ({ retention: 'forever' }) },
  'audit:purge': { spec: 'manageUsers', input: () => ({ expected: { events: 0, loginEvents: 0 } }), allowedResult: 'CONFLICT' },
  'login-history:list': { spec: 'auditLog', input: () => ({ filter: { result: 'failure' }, limit: 5 }) },
  'login-history:dormant': { spec: 'auditLog', input: () => ({ period: '30' }) },
  'login-history:export-start': { spec: 'exportReports', input: () => ({ filter: {}, format: 'csv' }) },
  'login-history:export-page': { spec: 'exportReports', input: () => ({ filter: {}, format: 'jsonl', limit: 5 }) },
  'audit:series': { spec: 'auditLog', input: () => ({ filter: {}, bounds: [Date.now() - 86_400_000, Date.now()] }) },
  'support-access:status': { spec: 'supportAccess', input: () => ({}) },
  'support-access:extend': { spec: 'supportAccess', input: () => ({ duration: 'week', scope: 'read-only', reason: 'Ticket 42' }) },
  'support-access:change': { spec: 'supportAccess', input: () => ({ duration: 'month', scope: 'full' }) },
  'support-access:disable': { spec: 'supportAccess', input: () => ({}) },
  'support-access:log': { spec: 'supportAccess', input: () => ({ limit: 5 }) },
  'support-access:export-log': { spec: 'supportAccess', input: () => ({}) },
  'support-access:logins': { spec: 'supportAccess', input: () => ({ limit: 5 }) },
  'support-access:export-logins': { spec: 'supportAccess', input: () => ({}) }
}

/** Channels that change who the actor is run last (ownership transfer demotes the Owner). */
const LAST: ChannelName[] = ['account:transfer-ownership']
const ORDER = [...CHANNEL_NAMES.filter((c) => !LAST.includes(c)), ...LAST.filter((c) => CHANNEL_NAMES.includes(c))]

describe('role × channel matrix (SPEC.md "Roles and permissions")', () => {
  const cores: TestCore[] = []
  afterAll(async () => {
    for (const c of cores) await c.dispose()
  })

  it('has a row for every channel of the contract', () => {
    expect(CHANNEL_NAMES.filter((c) => !MATRIX[c])).toEqual([])
  })

  const tally = { allowed: 0, forbidden: 0 }
  for (const role of ROLES) {
    it(`${role}: allowed exactly where the table says; FORBIDDEN (and nothing written) elsewhere`, async () => {
      const test = await openTestCore()
      cores.push(test)
      const { core } = test
      await setupAccount(core, { seats: 500 })
      const ownerId = (await testDb(core).get<{ id: string }>("SELECT membership_id AS id FROM memberships WHERE role = 'owner'"))!.id
      const actor =
        role === 'owner'
          ? { membershipId: ownerId, email: OWNER.email, password: OWNER.password }
          : await (async () => {
              const m = await quickMember(core, { role })
              return { membershipId: m.membershipId, email: m.email, password: m.password }
            })()
      const ownerConnection = await sessionOf(core, ownerId)
      const fx: Fixture = {
        core,
        actor,
        target: async () => (await quickMember(core, { role: 'agent' })).membershipId,
        team: async () => {
          const teamId = randomUUID()
          await testDb(core).run('INSERT INTO teams (team_id, account_id, name, created_at) VALUES (?, ?, ?, 0)', teamId, await accountIdOf(core), `T ${teamId.slice(0, 8)}`)
          return teamId
        },
        join: async (teamId, membershipId) => {
          await testDb(core).run(
            'INSERT INTO team_members (account_id, team_id, membership_id, person_id, added_at) SELECT account_id, ?, membership_id, person_id, 0 FROM memberships WHERE membership_id = ?',
            teamId,
            membershipId
          )
        },
        inviteToken: async () => {
          const r = expectOk<{ invited: Array<{ link: string }> }>(
            await core.dispatch(ownerConnection, 'users:invite', { emails: [`tok-${randomUUID().slice(0, 8)}@example.com`], role: 'agent' })
          )
          return tokenOf(r.invited[0]!.link)
        },
        resetToken: async () => {
          const agent = (await quickMember(core, { role: 'agent' })).membershipId
          return tokenOf(expectOk<{ link: string }>(await core.dispatch(ownerConnection, 'users:reset-password', { membershipId: agent })).link, 'reset')
        }
      }
      const outcomes: string[] = []
      for (const channel of ORDER) {
        const row = MATRIX[channel]!
        const allowed = (SPEC[row.spec] as Role[]).includes(role)
        const input = await row.input(fx)
        // A fresh window per call: sign-out, password change and the like touch only that one.
        const connectionId = await sessionOf(core, actor.membershipId)
        const before = await rowCounts(core)
        const result = await core.dispatch(connectionId, channel, input)
        const code = result.ok ? 'ok' : result.error.code
        if (allowed) {
          tally.allowed += 1
          outcomes.push(`${channel}: ${code === (row.allowedResult ?? 'ok') ? 'as expected' : `UNEXPECTED ${code}${result.ok ? '' : ` ${result.error.message}`}`}`)
          if (result.ok) row.after?.(fx)
        } else {
          tally.forbidden += 1
          const unchanged = JSON.stringify(await rowCounts(core)) === JSON.stringify(before)
          outcomes.push(`${channel}: ${code === 'FORBIDDEN' && unchanged ? 'as expected' : `UNEXPECTED ${code}${unchanged ? '' : ' (wrote rows)'}`}`)
        }
        await core.disconnect(connectionId)
      }
      expect(outcomes.filter((o) => o.includes('UNEXPECTED'))).toEqual([])
      expect(outcomes).toHaveLength(CHANNEL_NAMES.length)
    })
  }

  it('covered every pair', () => {
    expect(tally.allowed + tally.forbidden).toBe(ROLES.length * CHANNEL_NAMES.length)
    console.info(`role × channel matrix: ${ROLES.length} roles × ${CHANNEL_NAMES.length} channels = ${tally.allowed + tally.forbidden} pairs; ${tally.allowed} allowed, ${tally.forbidden} FORBIDDEN`)
  })
})
