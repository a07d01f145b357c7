import type { ChannelName, OutputOf, ParsedInputOf } from '../../../shared/contract'
import type { EventName, EventPayload, SessionEndReason } from '../../../shared/contract/events'
import type { Topic } from '../../../shared/contract/topics'
import type { AuditEntry, Ledger } from '../audit/ledger'
import type { Clock } from '../clock'
import type { JobKind, JobTypes } from '../jobs/protocol'
import type { ActiveSession, CallContext, ResolvedPrincipal } from '../context'
import type { Executor, Store } from '../store/port'

/**
 * The narrow interface every feature depends on (never the core class): register handlers, run
 * transactions, append audit events, read the clock, publish effects, read and end sessions, and
 * plug a kind of principal into session resolution. The composition root (`core.ts`) implements
 * it and reads the feature list (`features.ts`); no feature imports either.
 */
export interface Kernel {
  readonly store: Store
  readonly clock: Clock
  readonly ledger: Ledger
  /** The data folder (the key envelope, exports); on PostgreSQL still the local app-data folder. */
  readonly dataDir: string

  /** Register the handler of a channel; input arrives parsed, the output is checked against the contract. */
  handle<C extends ChannelName>(channel: C, handler: Handler<C>): void

  /**
   * A heavy read (an import's preview) on the job worker: its own thread and read-only
   * connection, so the core's thread and connection stay free for everyone else (on a store that
   * offers no reader, here).
   */
  offload<K extends JobKind>(kind: K, input: JobTypes[K]['input']): Promise<JobTypes[K]['output']>

  /** One write transaction (see `Store.tx`). */
  tx<T>(fn: (t: Executor) => Promise<T>): Promise<T>

  /** Send an event to one connection. */
  emit<E extends EventName>(connectionId: string, event: E, payload: EventPayload<E>): void
  /**
   * Tell the signed-in connections of an account that topics changed. Channels declare their
   * topics in the contract and the core publishes them after commit; this is for effects that no
   * channel causes (a grant expiring on the timer).
   */
  publish(accountId: string, topics: readonly Topic[], except?: string): void

  readonly sessions: Sessions

  /** Plug a kind of principal (members, support agents) into session resolution. */
  registerPrincipals(kind: ActiveSession['kind'], resolver: PrincipalResolver): void
  /** Run when the core opens, before the first call (settle what changed while it was closed). */
  onStart(fn: (now: number) => Promise<void>): void
  /**
   * Run after a transaction of `tx` that appended audit events commits, with those events (a
   * rolled-back one hands on nothing): what follows from a change without being part of it, such
   * as the notification emails. Must not throw; slow work goes on in the background.
   */
  onCommitted(fn: (entries: readonly AuditEntry[]) => void): void
  /** Run on every timer tick (expiry, sweeps). */
  onTick(fn: (now: number) => Promise<void>): void
  /** Run when the core starts closing (a feature's listeners and timers stop). Must not throw. */
  onClose(fn: () => void): void
}

export type Handler<C extends ChannelName> = (ctx: CallContext, input: ParsedInputOf<C>) => Promise<OutputOf<C>> | OutputOf<C>

export interface LiveSession {
  connectionId: string
  session: ActiveSession
}

export interface Sessions {
  /** Start a session on a connection (ending the one it had); records it in the store. */
  start(connectionId: string, principal: ResolvedPrincipal, q?: Executor): Promise<ActiveSession>
  /**
   * End the session on a connection; its window is told at once unless `notify` is false. Pass the
   * transaction handle when ending inside one, so the record commits with the change.
   */
  end(connectionId: string, reason: SessionEndReason, options?: { notify?: boolean; at?: number; q?: Executor }): Promise<void>
  /** Every live session of a person (role-changed pushes, forced sign-outs). */
  of(personId: string): LiveSession[]
  /** Live sessions matching `filter`. */
  live(filter: (session: ActiveSession) => boolean): LiveSession[]
  /** Whether this exact session is still live. */
  isLive(session: ActiveSession): boolean
  /** The principal of a live session as stored now (no idle or status checks). */
  principalOf(session: ActiveSession, q?: Executor): Promise<ResolvedPrincipal | null>
}

/** How the core resolves one kind of session before each call. */
export interface PrincipalResolver {
  /** The principal as stored now, or null when it no longer exists. */
  load(q: Executor, session: ActiveSession, now: number): Promise<ResolvedPrincipal | null>
  /**
   * Bring a live session up to date before a call: end it (through `sessions.end`) when it may no
   * longer act — idle, deactivated, grant ended — and return null; otherwise its principal.
   */
  refresh(connectionId: string, session: ActiveSession, now: number): Promise<ResolvedPrincipal | null>
}

export type { AuditEntry, CallContext, Executor }

/** A feature: one function that registers its handlers and hooks on the kernel. */
export type Feature = (kernel: Kernel) => void
