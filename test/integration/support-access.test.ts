import Papa from 'papaparse'
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { WRITER_LOCK_FILE } from '../../src/main/core/store/writer-lock'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { verifyLedger } from '../../src/main/core/audit/verify'
import type { Result } from '../../src/shared/contract/result'
import { addSupportAgent, listSupportAgents, removeSupportAgent } from '../../src/main/core/support-access/agents'
import { TRIAL_EXPLANATION } from '../../src/main/core/support-access/handlers'
import type { SessionInfo } from '../../src/shared/contract/auth'
import type { CsvExport, SupportAccessStatus, SupportLogRow, SupportLoginRow } from '../../src/shared/contract/support-access'
import { addMember, call, META, OWNER, TEST_STORE, testDb } from '../support/core'
import {
  accountIdOf,
  freshStore,
  openKeyedCore,
  removeTemplates,
  type KeyedCore,
  DAY,
  HOUR,
  insertAgent,
  logRows,
  MINUTE,
  signInAgent,
  supportSessionRows,
  supportSignIn,
  type TestAgent
} from './support-access-fixtures'

const SUPPORT_CHANNELS: Array<[string, unknown]> = [
  ['support-access:status', {}],
  ['support-access:extend', { duration: 'day', scope: 'full' }],
  ['support-access:change', { duration: 'week', scope: 'full' }],
  ['support-access:disable', {}],
  ['support-access:log', {}],
  ['support-access:export-log', {}],
  ['support-access:logins', {}],
  ['support-access:export-logins', {}],
  ['account:convert-to-paid', {}]
]

interface World {
  t: KeyedCore
  owner: string
  account: string
  sam: TestAgent
  ada: TestAgent
}

let open: KeyedCore[] = []
afterEach(async () => {
  // Newest first: a restarted core closes before its store is deleted.
  for (const t of open.reverse()) await t.dispose()
  open = []
})
afterAll(() => removeTemplates())

async function world(plan: 'trial' | 'paid' = 'paid'): Promise<World> {
  const t = await freshStore(plan)
  open.push(t)
  // 14:02 UTC on Mon 23 Nov 2026, so a week ends "Mon 30 Nov 2026, 14:02".
  t.clock.set(Date.UTC(2026, 10, 23, 14, 2, 0))
  const owner = t.core.connect(META)
  await call(t.core, owner, 'auth:sign-in', { email: OWNER.email, password: OWNER.password })
  return {
    t,
    owner,
    account: await accountIdOf(t.core),
    sam: await insertAgent(t.core, { email: 'sam@vendor.example', name: 'Sam Support' }),
    ada: await insertAgent(t.core, { email: 'ada@vendor.example', name: 'Ada Helpdesk' })
  }
}

/** The Owner's call; after a clock jump their session may have idled out, so they sign in again first. */
async function ownerDispatch(w: World, channel: string, input: unknown): Promise<Result<unknown>> {
  const first = await w.t.core.dispatch(w.owner, channel, input)
  if (first.ok || first.error.code !== 'UNAUTHENTICATED') return first
  await call(w.t.core, w.owner, 'auth:sign-in', { email: OWNER.email, password: OWNER.password })
  return w.t.core.dispatch(w.owner, channel, input)
}
async function ownerCall<T = unknown>(w: World, channel: string, input: unknown = {}): Promise<T> {
  const result = await ownerDispatch(w, channel, input)
  if (!result.ok) throw new Error(`${channel} failed: ${result.error.code} ${result.error.message}`)
  return result.value as T
}
const status = (w: World) => ownerCall<SupportAccessStatus>(w, 'support-access:status', { timeZone: 'UTC' })
const extend = (w: World, duration: string, scope: string, reason?: string) =>
  ownerCall<{ status: SupportAccessStatus; entry: SupportLogRow }>(w, 'support-access:extend', { duration, scope, ...(reason ? { reason } : {}) })
const pushesTo = (t: KeyedCore, connectionId: string, event: string) => t.events.filter((e) => e.connectionId === connectionId && e.event === event)
const lastAudit = async (t: KeyedCore) =>
  (await testDb(t.core).get('SELECT seq, action, actor_kind, actor_id, actor_name, actor_email, actor_role, summary FROM audit_events ORDER BY seq DESC LIMIT 1')) as Record<
    string,
    unknown
  >

describe('Support Team Access: only the Owner', () => {
  it('refuses every support-access channel to Admins, Agents, Viewers and support agents with FORBIDDEN, and writes nothing', async () => {
    const w = await world()
    await extend(w, 'week', 'full')
    const before = (await logRows(w.t.core)).length
    const callers: Array<[string, string]> = []
    for (const role of ['admin', 'agent', 'viewer'] as const) {
      const m = await addMember(w.t.core, { name: `A ${role}`, email: `${role}@example.com`, role })
      const conn = w.t.core.connect(META)
      const info = await call<SessionInfo>(w.t.core, conn, 'auth:sign-in', { email: m.email, password: m.password })
      expect(info.permissions).not.toContain('support-access:manage')
      callers.push([role, conn])
    }
    const agentConn = await signInAgent(w.t.core, w.sam, w.account)
    callers.push(['support agent (full scope)', agentConn])
    for (const [who, conn] of callers) {
      for (const [channel, input] of SUPPORT_CHANNELS) {
        const result = await w.t.core.dispatch(conn, channel, input)
        expect(result, `${who} → ${channel}`).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } })
      }
    }
    expect(await logRows(w.t.core)).toHaveLength(before)
    expect((await status(w)).state).toBe('on')
  })

  it('gives the Owner the permission in the session info, and the status of a fresh paid account is "Off"', async () => {
    const w = await world()
    const info = await ownerCall<{ session: SessionInfo }>(w, 'auth:status', {})
    expect(info.session?.permissions).toContain('support-access:manage')
    const s = await status(w)
    expect(s).toMatchObject({ plan: 'paid', trial: false, state: 'off', scope: null, endsAt: null, line: 'Off', liveSessions: 0, changeOptions: [] })
    expect(s.agents.map((a) => a.email)).toEqual(['ada@vendor.example', 'sam@vendor.example'])
  })
})

describe('Support Team Access: extend, change, disable', () => {
  it('says what holds in one line: "On — read-only — ends in 6 days 23 hours (Mon 30 Nov 2026, 14:02)"', async () => {
    const w = await world()
    await extend(w, 'week', 'read-only', 'TICKET-4411')
    w.t.clock.advance(MINUTE)
    const s = await status(w)
    expect(s.line).toBe('On — read-only — ends in 6 days 23 hours (Mon 30 Nov 2026, 14:02)')
    expect(s).toMatchObject({
      state: 'on',
      scope: 'read-only',
      duration: 'week',
      reason: 'TICKET-4411',
      endsAt: Date.UTC(2026, 10, 30, 14, 2),
      remainingMs: 7 * DAY - MINUTE,
      lineParts: { state: 'On', scope: 'read-only', remaining: '6 days 23 hours', endsAtText: 'Mon 30 Nov 2026, 14:02', timeZone: 'UTC' },
      changedBy: { name: 'Olivia Owner', email: 'olivia@example.com', kind: 'member' }
    })
    const berlin = await ownerCall<SupportAccessStatus>(w, 'support-access:status', { timeZone: 'Europe/Berlin' })
    expect(berlin.line).toBe('On — read-only — ends in 6 days 23 hours (Mon 30 Nov 2026, 15:02)')
    expect(await ownerDispatch(w, 'support-access:status', { timeZone: 'Nowhere/Else' })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } })
  })

  it('writes exactly one log row with every field and one audit event per change, in the same transaction', async () => {
    const w = await world()
    const t0 = w.t.clock.now()
    const { entry: extended } = await extend(w, 'day', 'read-only', 'TICKET-1')
    w.t.clock.advance(2 * HOUR)
    const { entry: changed } = await ownerCall<{ entry: SupportLogRow }>(w, 'support-access:change', { duration: 'indefinite', scope: 'full' })
    w.t.clock.advance(HOUR)
    const { entry: disabled } = await ownerCall<{ entry: SupportLogRow }>(w, 'support-access:disable', { reason: 'fixed' })
    const owner = { actor_kind: 'member', owner_name: 'Olivia Owner', owner_email: 'olivia@example.com' }
    expect(await logRows(w.t.core)).toMatchObject([
      { ...owner, action: 'extend', time: t0, duration: 'day', scope: 'read-only', ends_at: t0 + DAY, reason: 'TICKET-1', sessions_ended: 0 },
      { ...owner, action: 'change', time: t0 + 2 * HOUR, duration: 'indefinite', scope: 'full', ends_at: null, reason: null, sessions_ended: 0 },
      { ...owner, action: 'disable', time: t0 + 3 * HOUR, duration: 'indefinite', scope: 'full', ends_at: t0 + 3 * HOUR, reason: 'fixed', sessions_ended: 0 }
    ])
    const audit = (seq: number) => testDb(w.t.core).get('SELECT action, actor_kind, actor_email, time FROM audit_events WHERE seq = ?', seq)
    expect(await audit(extended.auditSeq)).toEqual({ action: 'support-access.extended', actor_kind: 'member', actor_email: 'olivia@example.com', time: t0 })
    expect(await audit(changed.auditSeq)).toMatchObject({ action: 'support-access.changed', time: t0 + 2 * HOUR })
    expect(await audit(disabled.auditSeq)).toMatchObject({ action: 'support-access.disabled', time: t0 + 3 * HOUR })
    const page = await ownerCall<{ rows: SupportLogRow[]; next: number | null }>(w, 'support-access:log', { limit: 2 })
    expect(page.rows.map((r) => r.action)).toEqual(['disable', 'change'])
    const rest = await ownerCall<{ rows: SupportLogRow[]; next: number | null }>(w, 'support-access:log', { limit: 2, before: page.next! })
    expect(rest).toEqual({ rows: [extended], next: null })
    expect((await verifyLedger(w.t.core.store.db)).ok).toBe(true)
  })

  it('refuses what does not fit the state with CONFLICT and writes nothing', async () => {
    const w = await world()
    const code = async (channel: string, input: unknown) => {
      const r = await ownerDispatch(w, channel, input)
      return r.ok ? 'OK' : r.error.code
    }
    expect(await code('support-access:change', { duration: 'week', scope: 'full' })).toBe('CONFLICT')
    expect(await code('support-access:disable', {})).toBe('CONFLICT')
    expect(await code('account:convert-to-paid', {})).toBe('CONFLICT')
    await extend(w, 'week', 'full')
    expect(await code('support-access:extend', { duration: 'day', scope: 'read-only' })).toBe('CONFLICT')
    expect(await logRows(w.t.core)).toHaveLength(1)
  })

  it('counts a Change from when access was turned on: it can shorten, but an end already past is refused', async () => {
    const w = await world()
    const t0 = w.t.clock.now()
    await extend(w, 'week', 'read-only')
    w.t.clock.advance(2 * DAY)
    const s = await status(w)
    expect(s.startedAt).toBe(t0)
    expect(s.changeOptions).toEqual([
      { duration: 'day', endsAt: t0 + DAY, allowed: false },
      { duration: 'week', endsAt: t0 + 7 * DAY, allowed: true },
      { duration: 'month', endsAt: Date.UTC(2026, 11, 23, 14, 2), allowed: true },
      { duration: 'year', endsAt: Date.UTC(2027, 10, 23, 14, 2), allowed: true },
      { duration: 'indefinite', endsAt: null, allowed: true }
    ])
    const refused = await ownerDispatch(w, 'support-access:change', { duration: 'day', scope: 'read-only' })
    expect(refused).toMatchObject({ ok: false, error: { code: 'CONFLICT', message: expect.stringContaining('already passed') } })
    const { status: after } = await ownerCall<{ status: SupportAccessStatus }>(w, 'support-access:change', { duration: 'month', scope: 'full' })
    expect(after).toMatchObject({ state: 'on', scope: 'full', endsAt: Date.UTC(2026, 11, 23, 14, 2), startedAt: t0 })
    expect((await logRows(w.t.core)).map((r) => r.action)).toEqual(['extend', 'change'])
  })

  it('shows "On — full — no end date" for an indefinite grant', async () => {
    const w = await world()
    const { status: s } = await extend(w, 'indefinite', 'full')
    expect(s).toMatchObject({ line: 'On — full — no end date', endsAt: null, remainingMs: null })
  })

  it('keeps racing changes consistent: an Extend or Change never undoes a Disable that committed between its check and its write, and each success writes one log row', async () => {
    type Step = [string, unknown]
    const CHANGE: Step = ['support-access:change', { duration: 'month', scope: 'full' }]
    const EXTEND: Step = ['support-access:extend', { duration: 'day', scope: 'full' }]
    const DISABLE: Step = ['support-access:disable', {}]
    const races: Array<{ on: boolean; steps: [Step, Step] }> = [
      { on: true, steps: [CHANGE, DISABLE] },
      { on: true, steps: [DISABLE, CHANGE] },
      { on: true, steps: [DISABLE, EXTEND] },
      { on: true, steps: [EXTEND, DISABLE] },
      { on: false, steps: [EXTEND, EXTEND] },
      { on: false, steps: [EXTEND, CHANGE] }
    ]
    for (const race of races) {
      const w = await world()
      if (race.on) await extend(w, 'week', 'read-only')
      const second = w.t.core.connect(META)
      await call(w.t.core, second, 'auth:sign-in', { email: OWNER.email, password: OWNER.password })
      const before = (await logRows(w.t.core)).length
      // Both start before either is awaited: their checks and writes interleave.
      const results = await Promise.all([w.t.core.dispatch(w.owner, ...race.steps[0]), w.t.core.dispatch(second, ...race.steps[1])])
      const label = race.steps.map((s) => s[0]).join(' ∥ ')
      for (const r of results) if (!r.ok) expect(r.error.code, label).toBe('CONFLICT')
      const added = (await logRows(w.t.core)).slice(before)
      expect(added, label).toHaveLength(results.filter((r) => r.ok).length)
      // The log is the commit order: every change fits the state the one before it left.
      let on = race.on
      for (const row of added) {
        if (row.action === 'disable' || row.action === 'change') expect(on, `${label}: ${row.action} while off`).toBe(true)
        if (row.action === 'extend') expect(on, `${label}: extend while on`).toBe(false)
        on = row.action !== 'disable'
      }
      const grant = await testDb(w.t.core).get<{ state: string }>('SELECT state FROM support_access WHERE account_id = ?', w.account)
      expect(grant?.state ?? 'off', label).toBe(on ? 'on' : 'off')
      expect((await status(w)).state, label).toBe(on ? 'on' : 'off')
      expect((await verifyLedger(w.t.core.store.db)).ok).toBe(true)
    }
  })
})

describe('Support Team Access: support agents inside the account', () => {
  it('refuses sign-in while off with a clear reason, accepts it while on, with exactly the granted scope', async () => {
    const w = await world()
    const conn = w.t.core.connect({ transport: 'web', ip: '203.0.113.9', device: 'Chrome 140 on macOS' })
    const refused = await supportSignIn(w.t.core, conn, w.sam, w.account)
    expect(refused).toEqual({
      ok: false,
      error: { code: 'FORBIDDEN', message: 'Support access to Acme Support is off: only the account owner can turn it on.', details: { reason: 'support-access-off' } }
    })
    await extend(w, 'day', 'read-only')
    const signedIn = await supportSignIn(w.t.core, conn, w.sam, w.account)
    expect(signedIn).toMatchObject({
      ok: true,
      value: {
        principal: { kind: 'support', personId: w.sam.id, name: 'Sam Support', email: 'sam@vendor.example', role: null, accountId: w.account, accountName: 'Acme Support' },
        permissions: ['users:read', 'audit:read']
      }
    })
    const statusInfo = await call<{ session: SessionInfo }>(w.t.core, conn, 'auth:status', {})
    expect(statusInfo.session?.principal).toMatchObject({ kind: 'support', role: null, accountId: w.account })
    const logins = await testDb(w.t.core).all(
      "SELECT principal_kind, method, result, reason, person_id, account_id, ip FROM login_events WHERE email_tried = 'sam@vendor.example' ORDER BY login_event_id"
    )
    expect(logins).toEqual([
      { principal_kind: 'support', method: 'support', result: 'failure', reason: 'support access off', person_id: w.sam.id, account_id: w.account, ip: '203.0.113.9' },
      { principal_kind: 'support', method: 'support', result: 'success', reason: null, person_id: w.sam.id, account_id: w.account, ip: '203.0.113.9' }
    ])
    // Agents use no seat and are never members.
    expect(await testDb(w.t.core).get("SELECT count(*) AS n FROM persons WHERE email = 'sam@vendor.example'")).toEqual({ n: 0 })
  })

  it('lets a read-only agent browse but refuses every write; after a switch to full the next write succeeds and is audited as support', async () => {
    const w = await world()
    await extend(w, 'day', 'read-only')
    const conn = await signInAgent(w.t.core, w.sam, w.account)
    expect(await w.t.core.dispatch(conn, 'users:list', {})).toMatchObject({ ok: true })
    expect(await w.t.core.dispatch(conn, 'audit:list', {})).toMatchObject({ ok: true })
    expect(await w.t.core.dispatch(conn, 'teams:create', { name: 'Escalations' })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN', message: 'Your role does not allow this.' }
    })
    await ownerCall(w, 'support-access:change', { duration: 'day', scope: 'full' })
    expect(pushesTo(w.t, conn, 'session:changed')).toHaveLength(1)
    const created = await w.t.core.dispatch(conn, 'teams:create', { name: 'Escalations' })
    expect(created).toMatchObject({ ok: true })
    expect(await lastAudit(w.t)).toMatchObject({ action: 'team.created', actor_kind: 'support', actor_id: w.sam.id, actor_name: 'Sam Support', actor_email: 'sam@vendor.example', actor_role: null })
    // Full scope is an Admin's without exports, ownership, delegated access, this screen or a profile.
    for (const [channel, input] of [
      ['users:export', {}],
      ['profile:get', {}],
      ['profile:update', { name: 'Hacker' }],
      ['account:transfer-ownership', { toMembershipId: 'x', password: 'whatever-long-password' }],
      ['support-access:status', {}]
    ] as const) {
      expect(await w.t.core.dispatch(conn, channel, input), channel).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } })
    }
    expect(await w.t.core.dispatch(conn, 'auth:sign-out', {})).toMatchObject({ ok: true })
    // A support agent's sign-out reveals a support session: the Owner-only code of the audit catalog (issue 7).
    expect(await lastAudit(w.t)).toMatchObject({ action: 'support.signed-out', actor_kind: 'support', actor_email: 'sam@vendor.example' })
    expect(await supportSessionRows(w.t.core)).toMatchObject([{ person_id: w.sam.id, end_reason: 'signed-out', ended_at: w.t.clock.now() }])
    expect((await verifyLedger(w.t.core.store.db)).ok).toBe(true)
  })

  it('refuses an unknown account and keeps wrong credentials vague', async () => {
    const w = await world()
    await extend(w, 'day', 'full')
    const conn = w.t.core.connect(META)
    expect(await supportSignIn(w.t.core, conn, w.sam, 'no-such-account')).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } })
    expect(await supportSignIn(w.t.core, conn, { ...w.sam, password: 'not-the-password-at-all' }, w.account)).toEqual({
      ok: false,
      error: { code: 'UNAUTHENTICATED', message: 'Wrong email or password.' }
    })
    expect(await supportSignIn(w.t.core, conn, { ...w.sam, email: 'ghost@vendor.example' }, w.account)).toEqual({
      ok: false,
      error: { code: 'UNAUTHENTICATED', message: 'Wrong email or password.' }
    })
    // A member's password does not open the support door, nor the other way round.
    expect(await w.t.core.dispatch(conn, 'auth:sign-in', { email: w.sam.email, password: w.sam.password })).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } })
  })

  it('locks an agent after five failures in 15 minutes, even for the right password, while refusals for access off never count', async () => {
    const w = await world()
    const conn = w.t.core.connect(META)
    for (let i = 0; i < 6; i++) expect(await supportSignIn(w.t.core, conn, w.sam, w.account)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } })
    await extend(w, 'day', 'full')
    expect(await supportSignIn(w.t.core, conn, w.sam, w.account)).toMatchObject({ ok: true })
    const wrong = { ...w.sam, password: 'wrong-password-for-sam' }
    const codes: string[] = []
    for (let i = 0; i < 5; i++) {
      w.t.clock.advance(MINUTE)
      const r = await supportSignIn(w.t.core, w.t.core.connect(META), wrong, w.account)
      codes.push(r.ok ? 'OK' : r.error.code)
    }
    expect(codes).toEqual(['UNAUTHENTICATED', 'UNAUTHENTICATED', 'UNAUTHENTICATED', 'UNAUTHENTICATED', 'LOCKED'])
    expect(await supportSignIn(w.t.core, w.t.core.connect(META), w.sam, w.account)).toMatchObject({ ok: false, error: { code: 'LOCKED' } })
    expect(await lastAudit(w.t)).toMatchObject({ action: 'support.locked', actor_kind: 'system' })
    // The lock of a support agent reveals a support session: its code is the Owner-only 'support.locked' (issue 7, audit catalog).
    // A member with the same email is a different identity: not locked by the agent's failures.
    const twin = await addMember(w.t.core, { name: 'Sam Twin', email: 'sam@vendor.example', role: 'viewer' })
    expect(await w.t.core.dispatch(w.t.core.connect(META), 'auth:sign-in', { email: twin.email, password: twin.password })).toMatchObject({ ok: true })
    w.t.clock.advance(15 * MINUTE)
    expect(await supportSignIn(w.t.core, w.t.core.connect(META), w.sam, w.account)).toMatchObject({ ok: true })
    const results = (
      await testDb(w.t.core).all("SELECT result FROM login_events WHERE email_tried = 'sam@vendor.example' AND principal_kind = 'support' ORDER BY login_event_id")
    ).map((r) => (r as { result: string }).result)
    expect(results).toEqual([...Array(6).fill('failure'), 'success', ...Array(5).fill('failure'), 'locked', 'success'])
  })

  it('never lets a removed agent back in, and ends their live sessions', async () => {
    const w = await world()
    await extend(w, 'week', 'full')
    const conn = await signInAgent(w.t.core, w.sam, w.account)
    const { sessionsEnded } = await removeSupportAgent(w.t.core, 'SAM@vendor.example')
    expect(sessionsEnded).toBe(1)
    expect(pushesTo(w.t, conn, 'session:ended').map((e) => e.payload)).toEqual([{ reason: 'deactivated', message: 'Your access to this account was deactivated.' }])
    expect(await w.t.core.dispatch(conn, 'users:list', {})).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } })
    expect(await supportSignIn(w.t.core, w.t.core.connect(META), w.sam, w.account)).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } })
    expect((await listSupportAgents(w.t.core)).map((a) => a.email)).toEqual(['ada@vendor.example'])
    expect(await lastAudit(w.t)).toMatchObject({ action: 'support-agent.removed', actor_kind: 'system' })
  })

  it('refuses, on its next call, the session of an agent removed by another process (the CLI)', async () => {
    const w = await world()
    await extend(w, 'week', 'full')
    const conn = await signInAgent(w.t.core, w.ada, w.account)
    // A second writing core on the same store is now refused (issue 7 part 3), so the other process's
    // change is written straight into the store, as the CLI's removeSupportAgent writes it.
    await testDb(w.t.core).run('UPDATE support_agents SET removed_at = ? WHERE agent_id = ? AND removed_at IS NULL', w.t.clock.now(), w.ada.id)
    expect(await w.t.core.dispatch(conn, 'users:list', {})).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } })
    expect(pushesTo(w.t, conn, 'session:ended').map((e) => (e.payload as { reason: string }).reason)).toEqual(['deactivated'])
  })

  it('adds agents with the password policy and refuses a duplicate email', async () => {
    const w = await world()
    await expect(addSupportAgent(w.t.core, { email: 'new@vendor.example', name: 'New Agent', password: 'short' })).rejects.toMatchObject({ code: 'VALIDATION' })
    await expect(addSupportAgent(w.t.core, { email: 'Sam@Vendor.example', name: 'Sam Again', password: 'long-enough-password-1' })).rejects.toMatchObject({
      code: 'CONFLICT'
    })
    const added = await addSupportAgent(w.t.core, { email: 'new@vendor.example', name: 'New Agent', password: 'long-enough-password-1' })
    expect((await listSupportAgents(w.t.core)).map((a) => a.id)).toContain(added.id)
    expect(await lastAudit(w.t)).toMatchObject({ action: 'support-agent.added', actor_kind: 'system' })
  })
})

describe('Support Team Access: disable and expiry end sessions', () => {
  it('ends every live support session at once when the Owner turns access off, telling each window why', async () => {
    const w = await world()
    await extend(w, 'week', 'full')
    const conns = [await signInAgent(w.t.core, w.sam, w.account), await signInAgent(w.t.core, w.sam, w.account), await signInAgent(w.t.core, w.ada, w.account)]
    expect((await status(w)).liveSessions).toBe(3)
    w.t.clock.advance(10 * MINUTE)
    const { entry, status: after } = await ownerCall<{ entry: SupportLogRow; status: SupportAccessStatus }>(w, 'support-access:disable', {})
    expect(entry).toMatchObject({ action: 'disable', sessionsEnded: 3, endsAt: w.t.clock.now() })
    expect(after).toMatchObject({ state: 'off', line: 'Off', liveSessions: 0 })
    for (const conn of conns) {
      expect(pushesTo(w.t, conn, 'session:ended').map((e) => e.payload)).toEqual([
        { reason: 'support-access-disabled', message: 'Support access was turned off by the account owner.' }
      ])
      expect(await w.t.core.dispatch(conn, 'users:list', {})).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } })
    }
    expect((await supportSessionRows(w.t.core)).map((r) => [r.end_reason, r.ended_at])).toEqual(Array(3).fill(['support-access-disabled', w.t.clock.now()]))
    expect(await supportSignIn(w.t.core, w.t.core.connect(META), w.sam, w.account)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } })
  })

  it('expires by itself from the timer at the end time, with the actor "system" and the end time as logout time', async () => {
    const w = await world()
    const t0 = w.t.clock.now()
    await extend(w, 'day', 'read-only')
    w.t.clock.set(t0 + DAY - 20 * MINUTE)
    const conns = [await signInAgent(w.t.core, w.sam, w.account), await signInAgent(w.t.core, w.ada, w.account)]
    // Both keep working until shortly before the end.
    w.t.clock.set(t0 + DAY - 10 * MINUTE)
    for (const conn of conns) await call(w.t.core, conn, 'users:list', {})
    w.t.clock.set(t0 + DAY + 7 * MINUTE)
    await w.t.core.tick()
    for (const conn of conns) {
      expect(pushesTo(w.t, conn, 'session:ended').map((e) => e.payload)).toEqual([{ reason: 'support-access-expired', message: 'Support access expired.' }])
    }
    expect((await supportSessionRows(w.t.core)).map((r) => [r.end_reason, r.ended_at])).toEqual([
      ['support-access-expired', t0 + DAY],
      ['support-access-expired', t0 + DAY]
    ])
    expect((await logRows(w.t.core)).at(-1)).toMatchObject({
      action: 'expire',
      actor_kind: 'system',
      owner_name: 'Gatehouse',
      owner_email: null,
      time: t0 + DAY,
      ends_at: t0 + DAY,
      duration: 'day',
      scope: 'read-only',
      sessions_ended: 2
    })
    expect(await lastAudit(w.t)).toMatchObject({ action: 'support-access.expired', actor_kind: 'system' })
    const refused = await supportSignIn(w.t.core, w.t.core.connect(META), w.sam, w.account)
    expect(refused).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', message: expect.stringContaining('expired at 2026-11-24 14:02 UTC') } })
    // The timer firing again writes nothing more.
    await w.t.core.tick()
    expect((await logRows(w.t.core)).filter((r) => r.action === 'expire')).toHaveLength(1)
  })

  it('ends a session that went idle before the end time as idle, not as expired, and does not count it', async () => {
    const w = await world()
    const t0 = w.t.clock.now()
    await extend(w, 'day', 'full')
    const idle = await signInAgent(w.t.core, w.sam, w.account)
    w.t.clock.set(t0 + DAY - 5 * MINUTE)
    const busy = await signInAgent(w.t.core, w.ada, w.account)
    w.t.clock.set(t0 + DAY + HOUR)
    await w.t.core.tick()
    expect(pushesTo(w.t, idle, 'session:ended').map((e) => (e.payload as { reason: string }).reason)).toEqual(['idle-timeout'])
    expect(pushesTo(w.t, busy, 'session:ended').map((e) => (e.payload as { reason: string }).reason)).toEqual(['support-access-expired'])
    expect((await supportSessionRows(w.t.core)).map((r) => [r.end_reason, r.ended_at])).toEqual([
      ['idle-timeout', t0 + 30 * MINUTE],
      ['support-access-expired', t0 + DAY]
    ])
    expect((await logRows(w.t.core)).at(-1)).toMatchObject({ action: 'expire', sessions_ended: 1 })
  })

  it('enforces the stored end time on the next call even without the timer', async () => {
    const w = await world()
    const t0 = w.t.clock.now()
    await extend(w, 'day', 'full')
    w.t.clock.set(t0 + DAY - 5 * MINUTE)
    const conn = await signInAgent(w.t.core, w.sam, w.account)
    w.t.clock.set(t0 + DAY - MINUTE)
    await call(w.t.core, conn, 'users:list', {})
    w.t.clock.set(t0 + DAY)
    expect(await w.t.core.dispatch(conn, 'users:list', {})).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } })
    expect(await supportSessionRows(w.t.core)).toMatchObject([{ end_reason: 'support-access-expired', ended_at: t0 + DAY }])
    expect((await logRows(w.t.core)).at(-1)).toMatchObject({ action: 'expire', time: t0 + DAY, sessions_ended: 1 })
  })

  it('after a restart past the end time: no session outlived the grant, the expiry is logged at the end time, and sign-in is refused', async () => {
    const w = await world()
    const t0 = w.t.clock.now()
    await extend(w, 'day', 'full')
    w.t.clock.set(t0 + DAY - 25 * MINUTE)
    const conn = await signInAgent(w.t.core, w.sam, w.account)
    w.t.clock.set(t0 + DAY - 20 * MINUTE)
    await call(w.t.core, conn, 'users:list', {})
    // The app stays open past the end without the timer firing, then quits.
    w.t.clock.set(t0 + DAY + 3 * HOUR)
    const t2 = await w.t.reopen()
    open.push(t2)
    expect(await supportSessionRows(t2.core)).toMatchObject([{ end_reason: 'support-access-expired', ended_at: t0 + DAY }])
    expect((await logRows(t2.core)).map((r) => [r.action, r.time, r.sessions_ended])).toEqual([
      ['extend', t0, 0],
      ['expire', t0 + DAY, 1]
    ])
    expect(await supportSignIn(t2.core, t2.core.connect(META), w.sam, w.account)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } })
    expect((await verifyLedger(t2.core.store.db)).ok).toBe(true)
  })

  it('after a restart when the app was closed before the end: the expiry is recorded at start-up, before any call', async () => {
    const w = await world()
    const t0 = w.t.clock.now()
    await extend(w, 'day', 'read-only')
    w.t.clock.set(t0 + 2 * HOUR - 5 * MINUTE)
    await signInAgent(w.t.core, w.sam, w.account)
    w.t.clock.set(t0 + 2 * HOUR)
    await w.t.close()
    w.t.clock.set(t0 + 3 * DAY)
    const t2 = await openKeyedCore(w.t.dir, w.t.key, w.t.clock, { store: w.t.store })
    open.push(t2)
    expect(await supportSessionRows(t2.core)).toMatchObject([{ end_reason: 'core-stopped', ended_at: t0 + 2 * HOUR }])
    expect((await logRows(t2.core)).at(-1)).toMatchObject({ action: 'expire', actor_kind: 'system', time: t0 + DAY, sessions_ended: 0 })
    const owner = t2.core.connect(META)
    await call(t2.core, owner, 'auth:sign-in', { email: OWNER.email, password: OWNER.password })
    expect(await call<SupportAccessStatus>(t2.core, owner, 'support-access:status', {})).toMatchObject({ state: 'off', line: 'Off' })
  })

  // SQLite only: on PostgreSQL the writer lock is a session-level advisory lock that the first core (alive in
  // this process) holds until its connection ends; a crash ends it, which one process cannot stage here.
  it.skipIf(TEST_STORE !== 'sqlite')('after a crash (no clean shutdown) past the end time: the new core closes the open session and expires the grant', async () => {
    const w = await world()
    const t0 = w.t.clock.now()
    await extend(w, 'day', 'full')
    await signInAgent(w.t.core, w.sam, w.account)
    w.t.clock.set(t0 + 2 * DAY)
    // A second core over the same files while the first never shut down, as after a crash. A crashed
    // writer leaves its lock file behind for a process that is gone, which the next core takes over;
    // here the first core's process lives on (it is this one), so its lock is removed as if it had died.
    rmSync(join(w.t.dir, WRITER_LOCK_FILE), { force: true })
    const t2 = await openKeyedCore(w.t.dir, w.t.key, w.t.clock, { store: w.t.store })
    open.push(t2)
    const [row] = await supportSessionRows(t2.core)
    expect(row).toMatchObject({ end_reason: 'core-stopped' })
    expect(row!.ended_at).toBeLessThanOrEqual(t0 + DAY)
    expect((await logRows(t2.core)).at(-1)).toMatchObject({ action: 'expire', time: t0 + DAY })
    expect(await supportSignIn(t2.core, t2.core.connect(META), w.sam, w.account)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } })
  })
})

describe('Support Team Access: trial accounts', () => {
  it('is always on with full scope and no toggle on a trial, and converting to paid turns it off and ends sessions', async () => {
    const w = await world('trial')
    const s = await status(w)
    expect(s).toMatchObject({
      plan: 'trial',
      trial: true,
      state: 'on',
      scope: 'full',
      endsAt: null,
      line: 'On — full — always on during the trial',
      trialExplanation: TRIAL_EXPLANATION,
      changeOptions: []
    })
    for (const [channel, input] of [
      ['support-access:extend', { duration: 'day', scope: 'full' }],
      ['support-access:change', { duration: 'day', scope: 'full' }],
      ['support-access:disable', {}]
    ] as const) {
      expect(await ownerDispatch(w, channel, input)).toEqual({ ok: false, error: { code: 'CONFLICT', message: TRIAL_EXPLANATION } })
    }
    const conn = await signInAgent(w.t.core, w.sam, w.account)
    expect(await w.t.core.dispatch(conn, 'teams:create', { name: 'Trial team' })).toMatchObject({ ok: true })
    const admin = await addMember(w.t.core, { name: 'Adam Admin', email: 'adam@example.com', role: 'admin' })
    const adminConn = w.t.core.connect(META)
    await call(w.t.core, adminConn, 'auth:sign-in', { email: admin.email, password: admin.password })
    expect(await w.t.core.dispatch(adminConn, 'account:convert-to-paid', {})).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } })
    w.t.clock.advance(10 * MINUTE)
    expect(await ownerCall(w, 'account:convert-to-paid', {})).toEqual({ plan: 'paid', sessionsEnded: 1 })
    expect(pushesTo(w.t, conn, 'session:ended').map((e) => e.payload)).toEqual([
      { reason: 'support-access-disabled', message: 'Support access was turned off by the account owner.' }
    ])
    expect(pushesTo(w.t, adminConn, 'session:changed')).toHaveLength(1)
    expect(await logRows(w.t.core)).toMatchObject([
      { action: 'trial-converted', actor_kind: 'member', owner_email: 'olivia@example.com', duration: 'indefinite', scope: 'full', ends_at: w.t.clock.now(), sessions_ended: 1 }
    ])
    const actions = (await testDb(w.t.core).all<{ action: string }>('SELECT action FROM audit_events ORDER BY seq DESC LIMIT 2')).map((r) => r.action)
    expect(actions).toEqual(['support-access.trial-converted', 'account.converted-to-paid'])
    expect(await status(w)).toMatchObject({ plan: 'paid', trial: false, state: 'off', line: 'Off' })
    expect(await supportSignIn(w.t.core, w.t.core.connect(META), w.sam, w.account)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } })
    expect(await ownerDispatch(w, 'account:convert-to-paid', {})).toMatchObject({ ok: false, error: { code: 'CONFLICT' } })
    // Now the Owner chooses: the toggle works like any paid account's.
    await extend(w, 'day', 'read-only')
    expect(await supportSignIn(w.t.core, w.t.core.connect(META), w.sam, w.account)).toMatchObject({ ok: true })
    expect((await verifyLedger(w.t.core.store.db)).ok).toBe(true)
  })
})

describe('Support Team Access: its log and the support login history', () => {
  /** Read the file back with an independent RFC 4180 parser; it must be UTF-8 with a BOM and CRLF rows. */
  const parseCsv = (text: string): string[][] => {
    expect(text.startsWith('\uFEFF')).toBe(true)
    expect(text.endsWith('\r\n')).toBe(true)
    const parsed = Papa.parse<string[]>(text.slice(1), { delimiter: ',', newline: '\r\n', skipEmptyLines: true })
    expect(parsed.errors).toEqual([])
    return parsed.data
  }

  it('exports the log as CSV with every field, neutralising cells that would run as formulas', async () => {
    const w = await world()
    await extend(w, 'week', 'read-only', '=HYPERLINK("http://evil.example","click")')
    w.t.clock.advance(HOUR)
    await ownerCall(w, 'support-access:disable', { reason: '@SUM(1+1), "quoted"' })
    const csv = await ownerCall<CsvExport>(w, 'support-access:export-log', {})
    expect(csv).toMatchObject({ mimeType: 'text/csv', rows: 2, filename: 'support-access-log-20261123-150200.csv' })
    expect(parseCsv(csv.content)).toEqual([
      ['Date and time (UTC)', 'Action', 'Owner name', 'Owner email', 'Duration', 'Scope', 'End time (UTC)', 'Reason', 'Sessions ended'],
      ['2026-11-23T15:02:00Z', 'Disable', 'Olivia Owner', 'olivia@example.com', 'One week', 'read-only', '2026-11-23T15:02:00Z', `'@SUM(1+1), "quoted"`, '0'],
      ['2026-11-23T14:02:00Z', 'Extend', 'Olivia Owner', 'olivia@example.com', 'One week', 'read-only', '2026-11-30T14:02:00Z', `'=HYPERLINK("http://evil.example","click")`, '0']
    ])
  })

  it('lists and exports support sessions with filters by agent and period, keyset paged', async () => {
    const w = await world()
    const evil = await insertAgent(w.t.core, { email: 'evil@vendor.example', name: '+cmd|calc' })
    const t0 = w.t.clock.now()
    await extend(w, 'month', 'full')
    const meta = { transport: 'web' as const, ip: '198.51.100.7', device: '-Firefox 145 on Linux' }
    const samConn = await signInAgent(w.t.core, w.sam, w.account, meta)
    w.t.clock.advance(25 * MINUTE)
    await call(w.t.core, samConn, 'auth:sign-out', {})
    w.t.clock.advance(HOUR)
    const adaConn = await signInAgent(w.t.core, w.ada, w.account, meta)
    w.t.clock.advance(2 * HOUR)
    await signInAgent(w.t.core, evil, w.account, meta)
    await w.t.core.tick() // Ada has been idle for 2 hours: her session ended 30 minutes after her last call.
    expect(pushesTo(w.t, adaConn, 'session:ended')).toHaveLength(1)
    const all = await ownerCall<{ rows: SupportLoginRow[] }>(w, 'support-access:logins', {})
    expect(all.rows).toMatchObject([
      { agentEmail: 'evil@vendor.example', loginAt: t0 + 25 * MINUTE + 3 * HOUR, logoutAt: null, durationMs: null, endReason: null },
      { agentEmail: 'ada@vendor.example', loginAt: t0 + 85 * MINUTE, logoutAt: t0 + 115 * MINUTE, durationMs: 30 * MINUTE, endReason: 'idle-timeout' },
      { agentEmail: 'sam@vendor.example', agentName: 'Sam Support', loginAt: t0, logoutAt: t0 + 25 * MINUTE, durationMs: 25 * MINUTE, endReason: 'signed-out', ip: '198.51.100.7' }
    ])
    const onlyAda = await ownerCall<{ rows: SupportLoginRow[] }>(w, 'support-access:logins', { agentId: w.ada.id })
    expect(onlyAda.rows.map((r) => r.agentEmail)).toEqual(['ada@vendor.example'])
    const period = await ownerCall<{ rows: SupportLoginRow[] }>(w, 'support-access:logins', { from: t0 + MINUTE, to: t0 + 3 * HOUR })
    expect(period.rows.map((r) => r.agentEmail)).toEqual(['ada@vendor.example'])
    const first = await ownerCall<{ rows: SupportLoginRow[]; next: { loginAt: number; id: string } | null }>(w, 'support-access:logins', { limit: 2 })
    const second = await ownerCall<{ rows: SupportLoginRow[]; next: unknown }>(w, 'support-access:logins', { limit: 2, after: first.next! })
    expect([...first.rows, ...second.rows].map((r) => r.id)).toEqual(all.rows.map((r) => r.id))
    expect(second.next).toBeNull()
    const csv = await ownerCall<CsvExport>(w, 'support-access:export-logins', { agentId: evil.id })
    expect(parseCsv(csv.content)).toEqual([
      ['Agent name', 'Agent email', 'Login time (UTC)', 'Logout time (UTC)', 'Duration (h:mm:ss)', 'How it ended', 'IP address', 'Device'],
      ["'+cmd|calc", 'evil@vendor.example', '2026-11-23T17:27:00Z', '', '', 'Still signed in', '198.51.100.7', "'-Firefox 145 on Linux"]
    ])
    const full = parseCsv((await ownerCall<CsvExport>(w, 'support-access:export-logins', {})).content)
    expect(full.slice(1).map((r) => [r[1], r[4], r[5]])).toEqual([
      ['evil@vendor.example', '', 'Still signed in'],
      ['ada@vendor.example', '0:30:00', 'Idle timeout'],
      ['sam@vendor.example', '0:25:00', 'Signed out']
    ])
  })
})
