import fc from 'fast-check'
import { afterAll, describe, expect, it } from 'vitest'
import { verifyLedger } from '../../src/main/core/audit/verify'
import type { CoreEvent } from '../../src/main/core/host'
import { addDuration } from '../../src/main/core/support-access/time'
import type { SupportAccessStatus, SupportDuration, SupportScope } from '../../src/shared/contract/support-access'
import { SUPPORT_DURATIONS } from '../../src/shared/contract/support-access'
import type { Result } from '../../src/shared/contract/result'
import { call, META, OWNER, testDb, TEST_STORE } from '../support/core'
import {
  accountIdOf,
  DAY,
  freshStore,
  HOUR,
  insertAgent,
  insertMember,
  logRows,
  MINUTE,
  removeTemplates,
  supportSessionRows,
  type KeyedCore,
  type TestAgent
} from './support-access-fixtures'

/*
 * Support Team Access, shown to hold under any order of events (issue 4, item 8).
 *
 * Random interleavings of Owner actions (extend, change, disable, convert to paid, status), support
 * agents' actions (sign in, a read, a write, a forbidden call, sign out), other roles' attempts,
 * clock jumps (targeted at idle and expiry boundaries), timer ticks and restarts of the core run
 * against the real core over a real encrypted store, and against a small model. After every step:
 *   - every call's outcome is what the model says (a support session works only while access is on
 *     and not past its end, and only inside the granted scope; only the Owner's support-access calls
 *     succeed);
 *   - the support-access log equals the model's, row for row and field for field, each row tied to
 *     its audit event (so every change of state wrote exactly one entry);
 *   - the support sessions recorded in the store equal the model's (start, end, how it ended), the
 *     sessions held in memory are exactly the model's, and the windows were told exactly when the
 *     model ended a session;
 *   - independently of the model, no recorded support session lies outside an "on" period read
 *     back from the log;
 *   - the audit ledger verifies.
 */

const IDLE_MS = 30 * MINUTE
const ROLES = ['admin', 'agent', 'viewer'] as const
const OWNER_CHANNELS: Array<[string, unknown]> = [
  ['support-access:status', {}],
  ['support-access:extend', { duration: 'day', scope: 'full' }],
  ['support-access:change', { duration: 'week', scope: 'read-only' }],
  ['support-access:disable', {}],
  ['support-access:log', {}],
  ['support-access:logins', {}],
  ['support-access:export-log', {}],
  ['support-access:export-logins', {}],
  ['account:convert-to-paid', {}]
]
/** Three agent windows: two agents, the first with two windows. */
const SLOT_AGENTS = [0, 1, 0]

type Action = 'extend' | 'change' | 'disable' | 'expire' | 'trial-converted'
type EndReason = 'signed-out' | 'idle-timeout' | 'support-access-disabled' | 'support-access-expired' | 'core-stopped'

interface ModelLog {
  time: number
  action: Action
  actorKind: 'member' | 'system'
  duration: SupportDuration
  scope: SupportScope
  endsAt: number | null
  reason: string | null
  sessionsEnded: number
}

interface ModelSession {
  agent: number
  slot: number
  startedAt: number
  endedAt: number | null
  reason: EndReason | null
}

interface Model {
  now: number
  plan: 'trial' | 'paid'
  startPlan: 'trial' | 'paid'
  grant: { on: boolean; scope: SupportScope; duration: SupportDuration; startedAt: number; endsAt: number | null } | null
  log: ModelLog[]
  sessions: ModelSession[]
  /** Per agent window: the model session held in memory (ended or not, until the core looks), and its last activity. */
  slots: Array<{ session: number | null; lastSeen: number }>
  /** Sessions this step ended with a push to their window: [slot, reason]. */
  pushed: Array<[number, EndReason]>
}

interface Real {
  t: KeyedCore
  account: string
  owner: string
  members: Array<{ role: (typeof ROLES)[number]; email: string; password: string; conn: string }>
  agents: TestAgent[]
  slotConns: string[]
  /** Every agent window's connection id ever (they change at a restart) → its slot. */
  slotOf: Map<string, number>
  events: CoreEvent[]
  teams: number
}

// --- the model's rules ------------------------------------------------------------------------

const isOpen = (m: Model) => m.plan === 'trial' || (m.grant !== null && m.grant.on && (m.grant.endsAt === null || m.now < m.grant.endsAt))
const scopeOf = (m: Model): SupportScope => (m.plan === 'trial' ? 'full' : m.grant!.scope)

function endSlot(m: Model, slot: number, reason: EndReason, at: number, pushed: boolean): void {
  const s = m.slots[slot]!
  const session = m.sessions[s.session!]!
  session.endedAt = at
  session.reason = reason
  s.session = null
  if (pushed) m.pushed.push([slot, reason])
}

/** The grant's end has passed: sessions end at the end time (or earlier, as idle), one Expire entry. */
function settle(m: Model): void {
  const g = m.grant
  if (m.plan !== 'paid' || !g || !g.on || g.endsAt === null || g.endsAt > m.now) return
  let counted = 0
  m.slots.forEach((s, i) => {
    if (s.session === null) return
    const deadline = s.lastSeen + IDLE_MS
    if (deadline <= g.endsAt!) endSlot(m, i, 'idle-timeout', deadline, true)
    else {
      endSlot(m, i, 'support-access-expired', g.endsAt!, true)
      counted += 1
    }
  })
  g.on = false
  m.log.push({ time: g.endsAt, action: 'expire', actorKind: 'system', duration: g.duration, scope: g.scope, endsAt: g.endsAt, reason: null, sessionsEnded: counted })
}

function reapIdle(m: Model, slot: number): void {
  const s = m.slots[slot]!
  if (s.session !== null && s.lastSeen + IDLE_MS <= m.now) endSlot(m, slot, 'idle-timeout', s.lastSeen + IDLE_MS, true)
}

/** What the core does before a support session's call: expiry, then this session's idle timeout. */
function refreshSlot(m: Model, slot: number): void {
  if (m.slots[slot]!.session === null) return
  settle(m)
  reapIdle(m, slot)
}

/** What the Owner's support-access calls, ticks and shutdown do first: expiry, then every idle session. */
function sweep(m: Model): void {
  settle(m)
  m.slots.forEach((_, i) => reapIdle(m, i))
}

/** End every live support session now (disable, conversion); returns how many. */
function endAllNow(m: Model, reason: EndReason): number {
  let n = 0
  m.slots.forEach((s, i) => {
    if (s.session !== null) {
      endSlot(m, i, reason, m.now, true)
      n += 1
    }
  })
  return n
}

// --- the real side --------------------------------------------------------------------------

let steps = 0
let runs = 0
const outcomes: Record<string, number> = {}
const tally = (what: string) => (outcomes[what] = (outcomes[what] ?? 0) + 1)

const codeOf = (r: Result<unknown>) => (r.ok ? 'OK' : r.error.code)

async function ownerDispatch(r: Real, channel: string, input: unknown): Promise<Result<unknown>> {
  const first = await r.t.core.dispatch(r.owner, channel, input)
  if (first.ok || first.error.code !== 'UNAUTHENTICATED') return first
  await call(r.t.core, r.owner, 'auth:sign-in', { email: OWNER.email, password: OWNER.password })
  return r.t.core.dispatch(r.owner, channel, input)
}

function connectAll(r: Real): void {
  r.owner = r.t.core.connect(META)
  for (const m of r.members) m.conn = r.t.core.connect(META)
  r.slotConns = SLOT_AGENTS.map(() => r.t.core.connect({ transport: 'web', ip: '192.0.2.44', device: 'Support desk browser' }))
  r.slotConns.forEach((conn, i) => r.slotOf.set(conn, i))
  r.t.core.onEvent((e) => r.events.push(e))
}

const ACTION_AUDIT: Record<Action, string> = {
  extend: 'support-access.extended',
  change: 'support-access.changed',
  disable: 'support-access.disabled',
  expire: 'support-access.expired',
  'trial-converted': 'support-access.trial-converted'
}

/** After every step: the store, the memory and the pushes agree with the model; the ledger verifies. */
async function checkInvariants(m: Model, r: Real, eventsBefore: number): Promise<void> {
  const core = r.t.core
  // The log, row for row, each with its audit event.
  const rows = await logRows(core)
  expect(
    rows.map((row) => ({
      time: row.time,
      action: row.action,
      actorKind: row.actor_kind,
      duration: row.duration,
      scope: row.scope,
      endsAt: row.ends_at,
      reason: row.reason,
      sessionsEnded: row.sessions_ended
    }))
  ).toEqual(m.log)
  for (const row of rows) {
    expect(row.owner_name.length).toBeGreaterThan(0)
    expect(row.owner_email).toBe(row.actor_kind === 'system' ? null : OWNER.email)
    const audit = await testDb(core).get('SELECT action, account_id, actor_kind FROM audit_events WHERE seq = ?', row.audit_seq)
    expect(audit).toEqual({ action: ACTION_AUDIT[row.action as Action], account_id: r.account, actor_kind: row.actor_kind })
  }
  // The support sessions as recorded, and as held in memory.
  // PostgreSQL has no insertion order for sessions that start in the same instant: compare in a canonical order there.
  const canonical = <T extends { agent: number; startedAt: number; endedAt: number | null; reason: string | null }>(list: T[]): T[] =>
    TEST_STORE === 'sqlite' ? list : [...list].sort((a, b) => a.startedAt - b.startedAt || JSON.stringify(a).localeCompare(JSON.stringify(b)))
  expect(
    canonical(
      (await supportSessionRows(core)).map((s) => ({ agent: r.agents.findIndex((a) => a.id === s.person_id), startedAt: s.started_at, endedAt: s.ended_at, reason: s.end_reason }))
    )
  ).toEqual(canonical(m.sessions.map(({ agent, startedAt, endedAt, reason }) => ({ agent, startedAt, endedAt, reason }))))
  const inMemory = new Set(core.sessions.live((s) => s.kind === 'support').map((l) => l.connectionId))
  expect(inMemory).toEqual(new Set(r.slotConns.filter((_, i) => m.slots[i]!.session !== null)))
  // Every window was told exactly when its session ended (sign-out and replacement are not pushed).
  const pushed = r.events
    .slice(eventsBefore)
    .filter((e) => e.event === 'session:ended' && r.slotOf.has(e.connectionId))
    .map((e) => [r.slotOf.get(e.connectionId), (e.payload as { reason: string }).reason])
  expect(pushed.sort()).toEqual([...m.pushed].sort())
  // Independently of the model: no support session lies outside an "on" period of the log.
  const periods: Array<{ from: number; to: number }> = []
  let openFrom: number | null = m.startPlan === 'trial' ? 0 : null
  for (const row of rows) {
    if (row.action === 'extend') openFrom = row.time
    else if (row.action === 'disable' || row.action === 'expire' || row.action === 'trial-converted') {
      expect(openFrom).not.toBeNull()
      periods.push({ from: openFrom!, to: row.time })
      openFrom = null
    }
  }
  if (openFrom !== null) periods.push({ from: openFrom, to: Number.POSITIVE_INFINITY })
  for (const s of await supportSessionRows(core)) {
    // A session may start and end in the same instant as the period's end (sign in, then disable at once).
    const inside = periods.some((p) => p.from <= s.started_at && s.started_at <= p.to && (s.ended_at ?? s.started_at) <= p.to)
    expect(inside, `support session ${s.session_id} (${s.started_at}–${s.ended_at}) outside every "on" period`).toBe(true)
  }
  const verified = await verifyLedger(core.store.db)
  expect(verified.ok, verified.ok ? '' : verified.message).toBe(true)
}

// --- commands -------------------------------------------------------------------------------

abstract class Step implements fc.AsyncCommand<Model, Real> {
  check(): boolean {
    return true
  }
  async run(m: Model, r: Real): Promise<void> {
    steps += 1
    m.pushed = []
    const before = r.events.length
    await this.apply(m, r)
    await checkInvariants(m, r, before)
  }
  abstract apply(m: Model, r: Real): Promise<void>
  abstract toString(): string
}

class Extend extends Step {
  constructor(
    readonly duration: SupportDuration,
    readonly scope: SupportScope,
    readonly reason: string | null
  ) {
    super()
  }
  async apply(m: Model, r: Real) {
    sweep(m)
    let expected = 'OK'
    if (m.plan === 'trial' || m.grant?.on) expected = 'CONFLICT'
    else {
      m.grant = { on: true, scope: this.scope, duration: this.duration, startedAt: m.now, endsAt: addDuration(m.now, this.duration) }
      m.log.push({ time: m.now, action: 'extend', actorKind: 'member', duration: this.duration, scope: this.scope, endsAt: m.grant.endsAt, reason: this.reason, sessionsEnded: 0 })
    }
    const result = await ownerDispatch(r, 'support-access:extend', { duration: this.duration, scope: this.scope, ...(this.reason ? { reason: this.reason } : {}) })
    expect(codeOf(result), this.toString()).toBe(expected)
    tally(`extend ${expected}`)
  }
  toString() {
    return `extend(${this.duration}, ${this.scope}, ${this.reason})`
  }
}

class Change extends Step {
  constructor(
    readonly duration: SupportDuration,
    readonly scope: SupportScope
  ) {
    super()
  }
  async apply(m: Model, r: Real) {
    sweep(m)
    let expected = 'OK'
    const g = m.grant
    if (m.plan === 'trial' || !g || !g.on) expected = 'CONFLICT'
    else {
      const endsAt = addDuration(g.startedAt, this.duration)
      if (endsAt !== null && endsAt <= m.now) expected = 'CONFLICT'
      else {
        Object.assign(g, { scope: this.scope, duration: this.duration, endsAt })
        m.log.push({ time: m.now, action: 'change', actorKind: 'member', duration: this.duration, scope: this.scope, endsAt, reason: null, sessionsEnded: 0 })
      }
    }
    const result = await ownerDispatch(r, 'support-access:change', { duration: this.duration, scope: this.scope })
    expect(codeOf(result), this.toString()).toBe(expected)
    tally(`change ${expected}`)
  }
  toString() {
    return `change(${this.duration}, ${this.scope})`
  }
}

class Disable extends Step {
  async apply(m: Model, r: Real) {
    sweep(m)
    let expected = 'OK'
    const g = m.grant
    if (m.plan === 'trial' || !g || !g.on) expected = 'CONFLICT'
    else {
      const ended = endAllNow(m, 'support-access-disabled')
      g.on = false
      m.log.push({ time: m.now, action: 'disable', actorKind: 'member', duration: g.duration, scope: g.scope, endsAt: m.now, reason: null, sessionsEnded: ended })
    }
    expect(codeOf(await ownerDispatch(r, 'support-access:disable', {})), 'disable').toBe(expected)
    tally(`disable ${expected}`)
  }
  toString() {
    return 'disable'
  }
}

class ConvertToPaid extends Step {
  async apply(m: Model, r: Real) {
    sweep(m)
    let expected = 'OK'
    if (m.plan === 'paid') expected = 'CONFLICT'
    else {
      const ended = endAllNow(m, 'support-access-disabled')
      m.plan = 'paid'
      m.grant = { on: false, scope: 'full', duration: 'indefinite', startedAt: 0, endsAt: null }
      m.log.push({ time: m.now, action: 'trial-converted', actorKind: 'member', duration: 'indefinite', scope: 'full', endsAt: m.now, reason: null, sessionsEnded: ended })
    }
    expect(codeOf(await ownerDispatch(r, 'account:convert-to-paid', {})), 'convert').toBe(expected)
    tally(`convert ${expected}`)
  }
  toString() {
    return 'convert-to-paid'
  }
}

class Status extends Step {
  async apply(m: Model, r: Real) {
    sweep(m)
    const result = await ownerDispatch(r, 'support-access:status', { timeZone: 'UTC' })
    expect(result.ok).toBe(true)
    const s = (result as { value: SupportAccessStatus }).value
    const on = isOpen(m)
    expect({ plan: s.plan, state: s.state, scope: s.scope, endsAt: s.endsAt, live: s.liveSessions }).toEqual({
      plan: m.plan,
      state: on ? 'on' : 'off',
      scope: on ? scopeOf(m) : null,
      endsAt: on && m.plan === 'paid' ? m.grant!.endsAt : null,
      live: m.slots.filter((x) => x.session !== null).length
    })
    expect(s.line.startsWith(on ? 'On — ' : 'Off')).toBe(true)
    tally('status')
  }
  toString() {
    return 'status'
  }
}

class AgentSignIn extends Step {
  constructor(readonly slot: number) {
    super()
  }
  async apply(m: Model, r: Real) {
    refreshSlot(m, this.slot)
    sweep(m)
    const agent = r.agents[SLOT_AGENTS[this.slot]!]!
    let expected = 'FORBIDDEN'
    if (isOpen(m)) {
      expected = 'OK'
      const s = m.slots[this.slot]!
      if (s.session !== null) endSlot(m, this.slot, 'signed-out', m.now, false)
      s.session = m.sessions.push({ agent: SLOT_AGENTS[this.slot]!, slot: this.slot, startedAt: m.now, endedAt: null, reason: null }) - 1
      s.lastSeen = m.now
    }
    const result = await r.t.core.dispatch(r.slotConns[this.slot]!, 'auth:support-sign-in', { email: agent.email, password: agent.password, account: r.account })
    expect(codeOf(result), this.toString()).toBe(expected)
    if (result.ok) expect((result.value as { permissions: string[] }).permissions.includes('teams:manage')).toBe(scopeOf(m) === 'full')
    tally(`sign-in ${expected}`)
  }
  toString() {
    return `agent-sign-in(${this.slot})`
  }
}

type AgentCall = 'read' | 'write' | 'owner-only' | 'sign-out'

class AgentAct extends Step {
  private slot: number
  constructor(
    readonly pick: number,
    readonly preferLive: boolean,
    readonly what: AgentCall
  ) {
    super()
    this.slot = pick
  }
  async apply(m: Model, r: Real) {
    // Mostly act in a window that has a session (if any), so calls inside a grant are common.
    const usable = m.slots.flatMap((x, i) => (x.session !== null && x.lastSeen + IDLE_MS > m.now && isOpen(m) ? [i] : []))
    this.slot = this.preferLive && usable.length > 0 ? usable[this.pick % usable.length]! : this.pick
    refreshSlot(m, this.slot)
    const s = m.slots[this.slot]!
    const live = s.session !== null
    let expected = live ? 'OK' : 'UNAUTHENTICATED'
    if (live) {
      if (this.what === 'owner-only' || (this.what === 'write' && scopeOf(m) === 'read-only')) expected = 'FORBIDDEN'
      else if (this.what === 'sign-out') endSlot(m, this.slot, 'signed-out', m.now, false)
      else s.lastSeen = m.now
    }
    const conn = r.slotConns[this.slot]!
    const result =
      this.what === 'read'
        ? await r.t.core.dispatch(conn, 'users:list', { limit: 5 })
        : this.what === 'write'
          ? await r.t.core.dispatch(conn, 'teams:create', { name: `Model team ${++r.teams}` })
          : this.what === 'owner-only'
            ? await r.t.core.dispatch(conn, 'support-access:status', {})
            : await r.t.core.dispatch(conn, 'auth:sign-out', {})
    expect(codeOf(result), this.toString()).toBe(expected)
    if (this.what === 'write' && result.ok) {
      const agent = r.agents[SLOT_AGENTS[this.slot]!]!
      const audit = await testDb(r.t.core).get("SELECT actor_kind, actor_id, actor_email FROM audit_events WHERE action = 'team.created' ORDER BY seq DESC LIMIT 1")
      expect(audit).toEqual({ actor_kind: 'support', actor_id: agent.id, actor_email: agent.email })
    }
    tally(`agent ${this.what} ${expected}`)
  }
  toString() {
    return `agent-${this.what}(${this.pick}${this.preferLive ? ', prefer live' : ''})`
  }
}

class OtherRoleTries extends Step {
  constructor(
    readonly role: number,
    readonly channel: number
  ) {
    super()
  }
  async apply(_m: Model, r: Real) {
    const member = r.members[this.role]!
    await call(r.t.core, member.conn, 'auth:sign-in', { email: member.email, password: member.password })
    const [channel, input] = OWNER_CHANNELS[this.channel]!
    const result = await r.t.core.dispatch(member.conn, channel, input)
    expect(codeOf(result), `${member.role} → ${channel}`).toBe('FORBIDDEN')
    tally(`${member.role} FORBIDDEN`)
  }
  toString() {
    return `${ROLES[this.role]}-tries(${OWNER_CHANNELS[this.channel]![0]})`
  }
}

type Jump = { kind: 'by'; ms: number } | { kind: 'around-end'; offset: number } | { kind: 'around-idle'; slot: number; offset: number }

class MoveClock extends Step {
  constructor(readonly jump: Jump) {
    super()
  }
  async apply(m: Model, r: Real) {
    let target = m.now
    const j = this.jump
    if (j.kind === 'by') target = m.now + j.ms
    else if (j.kind === 'around-end' && m.grant?.on && m.grant.endsAt !== null) target = m.grant.endsAt + j.offset
    else if (j.kind === 'around-idle' && m.slots[j.slot]!.session !== null) target = m.slots[j.slot]!.lastSeen + IDLE_MS + j.offset
    // Time never runs backwards; a target already past is "no jump".
    m.now = Math.max(m.now, target)
    r.t.clock.set(m.now)
    tally('clock')
  }
  toString() {
    const j = this.jump
    return j.kind === 'by' ? `clock+${j.ms / MINUTE}min` : j.kind === 'around-end' ? `clock→end${j.offset >= 0 ? '+' : ''}${j.offset / 1000}s` : `clock→idle(${j.slot})${j.offset / 1000}s`
  }
}

class Tick extends Step {
  async apply(m: Model, r: Real) {
    sweep(m)
    await r.t.core.tick()
    tally('tick')
  }
  toString() {
    return 'tick'
  }
}

class Restart extends Step {
  async apply(m: Model, r: Real) {
    sweep(m)
    m.slots.forEach((s, i) => {
      if (s.session !== null) endSlot(m, i, 'core-stopped', m.now, true)
    })
    r.t = await r.t.reopen()
    connectAll(r)
    tally('restart')
  }
  toString() {
    return 'restart'
  }
}

// --- arbitraries ----------------------------------------------------------------------------

const duration = fc.constantFrom(...SUPPORT_DURATIONS)
const scope = fc.constantFrom<SupportScope>('read-only', 'full')
const slot = fc.integer({ min: 0, max: SLOT_AGENTS.length - 1 })
/** True three times in four. */
const mostly = fc.integer({ min: 0, max: 3 }).map((n) => n > 0)
const offset = fc.constantFrom(-2 * MINUTE, -1000, -1, 0, 1, 1000, 2 * MINUTE)
const jump: fc.Arbitrary<Jump> = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: 1, max: 20 }).map((n) => ({ kind: 'by' as const, ms: n * MINUTE })) },
  { weight: 1, arbitrary: fc.integer({ min: 25, max: 40 }).map((n) => ({ kind: 'by' as const, ms: n * MINUTE })) },
  { weight: 1, arbitrary: fc.constantFrom(HOUR, 6 * HOUR, DAY, 3 * DAY, 8 * DAY, 32 * DAY, 370 * DAY).map((ms) => ({ kind: 'by' as const, ms })) },
  { weight: 2, arbitrary: offset.map((o) => ({ kind: 'around-end' as const, offset: o })) },
  { weight: 1, arbitrary: fc.tuple(slot, offset).map(([s, o]) => ({ kind: 'around-idle' as const, slot: s, offset: o })) }
)

/** fc.commands picks among its arbitraries uniformly: listing one n times weighs it n. */
const weighted = <T>(n: number, arb: fc.Arbitrary<T>): Array<fc.Arbitrary<T>> => Array.from({ length: n }, () => arb)

const commands: Array<fc.Arbitrary<Step>> = [
  ...weighted(4, fc.tuple(duration, scope, fc.option(fc.constantFrom('TICKET-4411', '=cmd|calc', 'looking at SSO'), { nil: null })).map(([d, s, why]) => new Extend(d, s, why))),
  ...weighted(3, fc.tuple(duration, scope).map(([d, s]) => new Change(d, s))),
  ...weighted(2, fc.constant(new Disable())),
  ...weighted(1, fc.constant(new ConvertToPaid())),
  ...weighted(1, fc.constant(new Status())),
  ...weighted(7, slot.map((s) => new AgentSignIn(s))),
  ...weighted(10, fc.tuple(slot, mostly, fc.constantFrom<AgentCall>('read', 'write')).map(([s, live, w]) => new AgentAct(s, live, w))),
  ...weighted(2, fc.tuple(slot, mostly, fc.constantFrom<AgentCall>('owner-only', 'sign-out')).map(([s, live, w]) => new AgentAct(s, live, w))),
  ...weighted(1, fc.tuple(fc.integer({ min: 0, max: ROLES.length - 1 }), fc.integer({ min: 0, max: OWNER_CHANNELS.length - 1 })).map(([who, c]) => new OtherRoleTries(who, c))),
  ...weighted(6, jump.map((j) => new MoveClock(j))),
  ...weighted(2, fc.constant(new Tick())),
  ...weighted(1, fc.constant(new Restart()))
]

// --- the property ---------------------------------------------------------------------------

async function setup(plan: 'trial' | 'paid'): Promise<{ model: Model; real: Real; dispose: () => Promise<void> }> {
  const t = await freshStore(plan, { durable: false })
  const now = Date.UTC(2026, 10, 23, 14, 2, 0)
  t.clock.set(now)
  const core = t.core
  const account = await accountIdOf(core)
  const members = ROLES.map((role) => ({ role, email: `${role}@example.com`, password: `${role}-correct-horse-42`, conn: '' }))
  for (const m of members) await insertMember(core, { ...m, name: `${m.role} person` })
  const agents = [await insertAgent(core, { email: 'sam@vendor.example', name: 'Sam Support' }), await insertAgent(core, { email: 'ada@vendor.example', name: 'Ada Helpdesk' })]
  const real: Real = { t, account, owner: '', members, agents, slotConns: [], slotOf: new Map(), events: [], teams: 0 }
  connectAll(real)
  const model: Model = {
    now,
    plan,
    startPlan: plan,
    grant: null,
    log: [],
    sessions: [],
    slots: SLOT_AGENTS.map(() => ({ session: null, lastSeen: 0 })),
    pushed: []
  }
  return { model, real, dispose: () => real.t.dispose() }
}

describe('Support Team Access under random interleavings (model-based)', () => {
  afterAll(async () => {
    await removeTemplates()
    console.log(`support-access model test: ${runs} runs, ${steps} steps checked`)
    console.log(`outcomes: ${JSON.stringify(outcomes)}`)
  })

  it('holds every rule after every step of random extend/change/disable/convert, agent sign-ins and calls, clock jumps, ticks and restarts', async () => {
    // PostgreSQL: a database copied per run and a passphrase KDF per open (restarts) cost far more than the
    // SQLite file copy, so fewer runs fit in the timeout there; each run checks the same invariants.
    const numRuns = Number(process.env.SUPPORT_MODEL_RUNS ?? (TEST_STORE === 'postgres' ? 20 : 50))
    await fc.assert(
      fc.asyncProperty(fc.constantFrom<'trial' | 'paid'>('paid', 'paid', 'paid', 'trial'), fc.commands(commands, { maxCommands: 100, size: 'max' }), async (plan, cmds) => {
        runs += 1
        const { model, real, dispose } = await setup(plan)
        try {
          await fc.asyncModelRun(() => ({ model, real }), cmds)
        } finally {
          await dispose()
        }
      }),
      { numRuns, seed: process.env.SUPPORT_MODEL_SEED ? Number(process.env.SUPPORT_MODEL_SEED) : undefined }
    )
    expect(steps).toBeGreaterThan(numRuns)
  }, 300_000)
})
