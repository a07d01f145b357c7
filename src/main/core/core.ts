import { randomUUID } from 'node:crypto'
import { channels, fail, ok, type ChannelName, type Result, AppError } from '../../shared/contract'
import type { EventName, EventPayload, SessionEndReason } from '../../shared/contract/events'
import type { Topic } from '../../shared/contract/topics'
import { parseCall } from '../../shared/contract/validate'
import type { Clock } from './clock'
import type { ActiveSession, CallContext, ResolvedPrincipal } from './context'
import type { ConnectionMeta, CoreEvent } from './host'
import { HeadKeeper } from './audit/head-keeper'
import { Ledger, type AuditEntry } from './audit/ledger'
import { SYSTEM_ACTOR } from './context'
import type { Executor, Store } from './store/port'
import { FEATURES } from './features'
import { runJob } from './jobs/catalog'
import { HeavyJobs, JobRunner } from './jobs/jobs'
import type { JobKind, JobTypes } from './jobs/protocol'
import type { Handler, Kernel, LiveSession, PrincipalResolver, Sessions } from './kernel/kernel'
import { hasPermission, supportMayMutate } from './kernel/permissions'
import { closeLeftOpenSessions, insertSession, recordSessionEnd } from './kernel/sessions-repository'

interface Connection {
  meta: ConnectionMeta
  session: ActiveSession | null
}

const END_MESSAGES: Record<SessionEndReason, (minutes: number) => string> = {
  'signed-out': () => 'You signed out.',
  'idle-timeout': (m) => `You were signed out after ${m} minutes without activity.`,
  deactivated: () => 'Your access to this account was deactivated.',
  'role-removed': () => 'Your membership of this account was removed.',
  'password-changed': () => 'Your password was changed in another session; sign in again.',
  'support-access-disabled': () => 'Support access was turned off by the account owner.',
  'support-access-expired': () => 'Support access expired.',
  'core-stopped': () => 'Gatehouse stopped; sign in again.',
  'signed-out-everywhere': () => 'An administrator signed you out on every device; sign in again.'
}

export interface CoreDeps {
  store: Store
  dataDir: string
  clock: Clock
  /** How often the core sweeps idle sessions and signs the daily tree head; 0 disables the timer. */
  tickMs?: number
  /** Check every handler's output against the channel's output schema (tests turn it on). */
  checkOutputs?: boolean
}

/**
 * The composition root of the domain: implements the kernel the features register on, holds the
 * live sessions, and is the one entry (`dispatch`). Knows nothing of Electron, windows or sockets
 * (a connection is an opaque id given by the transport) and nothing of any feature but the list.
 */
export class Core implements Kernel {
  readonly store: Store
  readonly ledger: Ledger
  readonly clock: Clock
  readonly dataDir: string
  readonly sessions: Sessions
  private readonly connections = new Map<string, Connection>()
  private readonly listeners = new Set<(event: CoreEvent) => void>()
  private readonly handlers = new Map<ChannelName, Handler<ChannelName>>()
  private readonly resolvers = new Map<ActiveSession['kind'], PrincipalResolver>()
  private readonly startHooks: Array<(now: number) => Promise<void>> = []
  private readonly committedHooks: Array<(entries: readonly AuditEntry[]) => void> = []
  private readonly tickHooks: Array<(now: number) => Promise<void>> = []
  private readonly closeHooks: Array<() => void> = []
  private readonly checkOutputs: boolean
  private readonly headKeeper: HeadKeeper | null
  /** The global limit on heavy channels, and the worker their heavy reads run on. */
  private readonly heavy = new HeavyJobs()
  private readonly jobs: JobRunner | null
  private timer: NodeJS.Timeout | null = null
  private closing = false
  private readonly inFlight = new Set<Promise<Result<unknown>>>()
  private ticking: Promise<void> | null = null
  private closed = false

  /** Open the core on an opened store: register every feature, settle what changed while closed. */
  static async open(deps: CoreDeps): Promise<Core> {
    const core = new Core(deps)
    const loss = core.store.ledgerLoss
    if (loss) {
      // The person chose to go on without the lost events: that choice is itself on the record.
      await core.tx((t) =>
        core.ledger.append(t, {
          accountId: null,
          actor: SYSTEM_ACTOR,
          action: 'store.loss-accepted',
          summary: `The store was opened after its loss was accepted: ${loss.message}`,
          target: { type: 'store', id: null, name: null },
          before: { events: loss.recordedSize, recordedAt: loss.recordedAt },
          after: { events: loss.presentSize, kind: loss.kind },
          ip: null,
          device: null
        })
      )
    }
    await core.headKeeper?.flush()
    await closeLeftOpenSessions(core.store.db)
    for (const hook of core.startHooks) await hook(core.clock.now())
    if (deps.tickMs) {
      // A failed sweep (a store hiccup) is logged; the next tick tries again.
      core.timer = setInterval(() => core.tick().catch((error: unknown) => console.error('[core] the timer sweep failed:', error)), deps.tickMs)
      core.timer.unref()
    }
    return core
  }

  private constructor(deps: CoreDeps) {
    this.store = deps.store
    this.clock = deps.clock
    this.dataDir = deps.dataDir
    this.checkOutputs = deps.checkOutputs ?? false
    this.ledger = new Ledger(this.store, this.clock)
    this.headKeeper = this.store.headDir ? new HeadKeeper(this.store.headDir, this.ledger) : null
    this.jobs = this.store.readerSpec ? new JobRunner(this.store.readerSpec) : null
    this.sessions = this.sessionApi()
    for (const register of FEATURES) register(this)
    const missing = (Object.keys(channels) as ChannelName[]).filter((c) => !this.handlers.has(c))
    if (missing.length > 0) throw new Error(`Channels without a handler: ${missing.join(', ')}`)
  }

  // --- the kernel -------------------------------------------------------------------------

  handle<C extends ChannelName>(channel: C, handler: Handler<C>): void {
    if (this.handlers.has(channel)) throw new Error(`Two handlers for ${channel}`)
    this.handlers.set(channel, handler as unknown as Handler<ChannelName>)
  }

  offload<K extends JobKind>(kind: K, input: JobTypes[K]['input']): Promise<JobTypes[K]['output']> {
    return this.jobs ? this.jobs.run(kind, input) : runJob(this.store.db, kind, input)
  }

  async tx<T>(fn: (t: Executor) => Promise<T>): Promise<T> {
    const appended: AuditEntry[] = []
    const result = await this.store.tx((t) => {
      this.ledger.track(t, appended)
      return fn(t)
    })
    this.headKeeper?.committed()
    if (appended.length > 0) for (const hook of this.committedHooks) hook(appended)
    return result
  }

  onCommitted(fn: (entries: readonly AuditEntry[]) => void): void {
    this.committedHooks.push(fn)
  }

  registerPrincipals(kind: ActiveSession['kind'], resolver: PrincipalResolver): void {
    this.resolvers.set(kind, resolver)
  }

  onStart(fn: (now: number) => Promise<void>): void {
    this.startHooks.push(fn)
  }

  onTick(fn: (now: number) => Promise<void>): void {
    this.tickHooks.push(fn)
  }

  onClose(fn: () => void): void {
    this.closeHooks.push(fn)
  }

  emit<E extends EventName>(connectionId: string, event: E, payload: EventPayload<E>): void {
    for (const listener of this.listeners) listener({ connectionId, event, payload })
  }

  publish(accountId: string, topics: readonly Topic[], except?: string): void {
    if (topics.length === 0) return
    for (const [id, connection] of this.connections) {
      if (id !== except && connection.session?.accountId === accountId) this.emit(id, 'data:changed', { topics: [...topics] })
    }
  }

  private sessionApi(): Sessions {
    const live = (filter: (session: ActiveSession) => boolean): LiveSession[] => {
      const out: LiveSession[] = []
      for (const [connectionId, connection] of this.connections) {
        if (connection.session && filter(connection.session)) out.push({ connectionId, session: connection.session })
      }
      return out
    }
    return {
      start: (connectionId, principal, q) => this.startSession(connectionId, principal, q),
      end: (connectionId, reason, options) => this.endSession(connectionId, reason, options),
      of: (personId) => live((s) => s.personId === personId),
      live,
      isLive: (session) => live((s) => s === session).length > 0,
      principalOf: (session, q) => this.principalOf(session, q)
    }
  }

  // --- connections and events -------------------------------------------------------------

  connect(meta: ConnectionMeta): string {
    const id = randomUUID()
    this.connections.set(id, { meta, session: null })
    return id
  }

  async disconnect(connectionId: string): Promise<void> {
    const connection = this.connections.get(connectionId)
    if (!connection) return
    const now = this.clock.now()
    // A session that already ended (idle, expired support grant) is recorded as such, not as signed out now.
    if (connection.session && !this.closed) await this.refresh(connectionId, connection, now)
    if (connection.session) await this.endSession(connectionId, 'signed-out', { notify: false })
    this.connections.delete(connectionId)
  }

  onEvent(listener: (event: CoreEvent) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  liveSessionCount(): number {
    let n = 0
    for (const connection of this.connections.values()) if (connection.session) n += 1
    return n
  }

  // --- sessions ---------------------------------------------------------------------------

  private async startSession(connectionId: string, principal: ResolvedPrincipal, q?: Executor): Promise<ActiveSession> {
    const connection = this.connections.get(connectionId)
    if (!connection) throw new AppError('UNAUTHENTICATED', 'This connection is closed.')
    const now = this.clock.now()
    if (connection.session) await this.endSession(connectionId, 'signed-out', { notify: false, q })
    const session: ActiveSession = {
      sessionId: randomUUID(),
      kind: principal.kind,
      personId: principal.personId,
      membershipId: principal.membershipId,
      accountId: principal.accountId,
      startedAt: now,
      lastSeenAt: now
    }
    await insertSession(q ?? this.store.db, session, connection.meta)
    connection.session = session
    return session
  }

  /** End the session on a connection; its window is told at once unless it asked for it. */
  private async endSession(connectionId: string, reason: SessionEndReason, options: { notify?: boolean; at?: number; q?: Executor } = {}): Promise<void> {
    const connection = this.connections.get(connectionId)
    if (!connection?.session) return
    const session = connection.session
    connection.session = null
    const q = options.q ?? this.store.db
    await recordSessionEnd(q, session, reason, options.at ?? this.clock.now())
    if (options.notify ?? true) {
      const minutes = (await this.principalOf(session, q))?.idleTimeoutMinutes ?? 30
      this.emit(connectionId, 'session:ended', { reason, message: END_MESSAGES[reason](minutes) })
    }
  }

  private resolverOf(session: ActiveSession): PrincipalResolver {
    const resolver = this.resolvers.get(session.kind)
    if (!resolver) throw new Error(`No principal resolver for ${session.kind} sessions`)
    return resolver
  }

  private principalOf(session: ActiveSession, q: Executor = this.store.db): Promise<ResolvedPrincipal | null> {
    return this.resolverOf(session).load(q, session, this.clock.now())
  }

  /** Bring a connection's session up to date before a call (the kind's resolver ends it if it may no longer act). */
  private async refresh(connectionId: string, connection: Connection, now: number): Promise<ResolvedPrincipal | null> {
    const session = connection.session
    if (!session) return null
    return this.resolverOf(session).refresh(connectionId, session, now)
  }

  /** Fired by the timer (and by tests): expiry hooks, idle sessions, the daily tree head. */
  tick(): Promise<void> {
    // One sweep at a time: a slow sweep is never overlapped by the next timer tick.
    this.ticking ??= this.sweep().finally(() => (this.ticking = null))
    return this.ticking
  }

  private async sweep(): Promise<void> {
    if (this.closed) return
    const now = this.clock.now()
    for (const hook of this.tickHooks) await hook(now)
    for (const [id, connection] of [...this.connections]) {
      if (connection.session) await this.refresh(id, connection, now)
    }
    const head = await this.ledger.latestHead()
    const size = await this.ledger.size()
    if (size > 0 && (!head || (now - head.signedAt >= 24 * 3_600_000 && size > head.treeSize))) await this.ledger.signHead('daily')
  }

  // --- dispatch ---------------------------------------------------------------------------

  async dispatch(connectionId: string, channelName: unknown, rawInput: unknown): Promise<Result<unknown>> {
    if (this.closed || this.closing) return fail('INTERNAL', 'Gatehouse is shutting down.')
    const call = this.run(connectionId, channelName, rawInput)
    this.inFlight.add(call)
    try {
      return await call
    } finally {
      this.inFlight.delete(call)
    }
  }

  private async run(connectionId: string, channelName: unknown, rawInput: unknown): Promise<Result<unknown>> {
    const parsed = parseCall(channelName, rawInput)
    if (!parsed.ok) return parsed
    const { channel, input } = parsed.value
    const connection = this.connections.get(connectionId)
    if (!connection) return fail('UNAUTHENTICATED', 'This connection is closed; reconnect to Gatehouse.')
    const now = this.clock.now()
    const def = channels[channel]
    try {
      const principal = await this.refresh(connectionId, connection, now)
      if (def.access !== 'public') {
        if (!principal) return fail('UNAUTHENTICATED', 'Sign in to continue.')
        if (def.access !== 'session' && !hasPermission(principal, def.access)) {
          return fail('FORBIDDEN', 'Your role does not allow this.')
        }
        if (principal.kind === 'support' && def.mutates && !supportMayMutate(principal.scope, channel, def.access)) {
          return fail('FORBIDDEN', principal.scope === 'read-only' ? 'Support access to this account is read-only.' : 'Support agents cannot do this.')
        }
      }
      if (connection.session) connection.session.lastSeenAt = now
      const ctx: CallContext = { connectionId, meta: connection.meta, now, session: connection.session, principal }
      const handler = this.handlers.get(channel)!
      const value = 'heavy' in def && def.heavy ? await this.heavy.run(connectionId, async () => handler(ctx, input as never)) : await handler(ctx, input as never)
      if (this.checkOutputs) {
        const checked = def.output.safeParse(value)
        if (!checked.success) throw new Error(`${channel} returned what its contract does not allow: ${checked.error.message}`)
      }
      // Effects declared by the channel, published once the change has committed.
      const accountId = principal?.accountId ?? connection.session?.accountId
      if (def.mutates && accountId && 'invalidates' in def && def.invalidates) {
        this.publish(accountId, def.invalidates, 'exceptCaller' in def && def.exceptCaller ? connectionId : undefined)
      }
      return ok(value)
    } catch (error) {
      if (error instanceof AppError) return fail(error.code, error.message, error.details)
      console.error(`[core] ${channel} failed:`, error)
      return fail('INTERNAL', 'Something went wrong inside Gatehouse; nothing was changed.')
    }
  }

  async close(): Promise<void> {
    if (this.closed || this.closing) return
    // From here no new call or connection is taken; calls already running finish first.
    this.closing = true
    if (this.timer) clearInterval(this.timer)
    for (const fn of this.closeHooks) fn()
    await Promise.allSettled([...this.inFlight])
    // Record what already ended (idle, expired grants) at its real time before stopping the rest.
    try {
      await this.tick()
    } catch (error) {
      console.error('[core] the final sweep failed; sessions are recorded as stopped:', error)
    }
    for (const id of [...this.connections.keys()]) {
      await this.endSession(id, 'core-stopped')
      this.connections.delete(id)
    }
    this.closed = true
    await this.jobs?.close()
    await this.headKeeper?.flush()
    await this.store.close()
  }
}
