import { randomUUID } from 'node:crypto'
import { channels, fail, ok, type ChannelName, type Result, AppError } from '../../shared/contract'
import type { EventName, EventPayload, SessionEndReason } from '../../shared/contract/events'
import { parseCall } from '../../shared/contract/validate'
import { ROLE_PERMISSIONS, SUPPORT_SCOPE_PERMISSIONS, type Permission } from '../../shared/permissions'
import type { Clock } from './clock'
import type { ActiveSession, CallContext, MemberPrincipal, ResolvedPrincipal } from './context'
import type { ConnectionMeta, CoreEvent } from './host'
import { Ledger } from './audit/ledger'
import type { Db, OpenedStore } from './store/connection'
import { registerAuth } from './auth/handlers'
import { registerUsers } from './users/handlers'
import { registerAudit } from './audit/handlers'
import { registerUserManagement } from './users/manage-handlers'
import { registerUsersImport } from './users/import'
import { registerTeams } from './teams/handlers'
import { registerInvitations } from './invitations/handlers'
import { registerProfile } from './profile/handlers'
import { registerSettings } from './settings/handlers'
import { registerSupportAccess, type SupportAccess } from './support-access/handlers'

export type Handler = (ctx: CallContext, input: never) => unknown | Promise<unknown>

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
  'core-stopped': () => 'Gatehouse stopped; sign in again.'
}

export interface CoreDeps {
  store: OpenedStore
  dataDir: string
  clock: Clock
  /** How often the core sweeps idle sessions and signs the daily tree head; 0 disables the timer. */
  tickMs?: number
}

/**
 * The domain: every rule and every query. One entry (`dispatch`) and one event stream. Knows
 * nothing of Electron, windows or sockets: a connection is an opaque id given by the transport.
 */
export class Core {
  readonly db: Db
  readonly ledger: Ledger
  readonly clock: Clock
  readonly dataDir: string
  readonly storeKey: Buffer
  private readonly connections = new Map<string, Connection>()
  private readonly listeners = new Set<(event: CoreEvent) => void>()
  private readonly handlers = new Map<ChannelName, Handler>()
  private readonly loadPrincipal
  /** Support Team Access: grants, expiry and support sessions (issue 4). */
  readonly supportAccess: SupportAccess
  private timer: NodeJS.Timeout | null = null
  private closed = false

  constructor(deps: CoreDeps) {
    this.db = deps.store.db
    this.storeKey = deps.store.key
    this.clock = deps.clock
    this.dataDir = deps.dataDir
    this.ledger = new Ledger(this.db, this.clock)
    this.loadPrincipal = this.db.prepare(`
      SELECT 'member' AS kind, NULL AS scope, m.membership_id AS membershipId, m.account_id AS accountId, m.role, m.status,
             p.person_id AS personId, p.name, p.email,
             a.name AS accountName, a.plan, a.idle_timeout_minutes AS idleTimeoutMinutes,
             EXISTS (SELECT 1 FROM member_permissions mp WHERE mp.membership_id = m.membership_id AND mp.permission = 'export-data') AS agentExportData
      FROM memberships m JOIN persons p ON p.person_id = m.person_id JOIN accounts a ON a.account_id = m.account_id
      WHERE m.membership_id = ?`)
    // Sessions cannot outlive the process that held them: close what a previous run left open.
    this.db
      .prepare("UPDATE sessions SET ended_at = last_seen_at, end_reason = 'core-stopped' WHERE ended_at IS NULL")
      .run()
    registerAuth(this)
    registerUsers(this)
    registerAudit(this)
    registerUserManagement(this)
    registerUsersImport(this)
    registerTeams(this)
    registerInvitations(this)
    registerProfile(this)
    registerSettings(this)
    this.supportAccess = registerSupportAccess(this)
    // A grant that ran out while Gatehouse was closed is expired (and logged) before anyone calls.
    this.supportAccess.settleAll(this.clock.now())
    const missing = (Object.keys(channels) as ChannelName[]).filter((c) => !this.handlers.has(c))
    if (missing.length > 0) throw new Error(`Channels without a handler: ${missing.join(', ')}`)
    if (deps.tickMs) {
      this.timer = setInterval(() => this.tick(), deps.tickMs)
      this.timer.unref()
    }
  }

  handle<C extends ChannelName>(channel: C, handler: (ctx: CallContext, input: import('../../shared/contract').ParsedInputOf<C>) => unknown): void {
    this.handlers.set(channel, handler as Handler)
  }

  /** Run `fn` in one write transaction; audit events appended inside commit with the change. */
  tx<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate()
  }

  // --- connections and events -------------------------------------------------------------

  connect(meta: ConnectionMeta): string {
    const id = randomUUID()
    this.connections.set(id, { meta, session: null })
    return id
  }

  disconnect(connectionId: string): void {
    const connection = this.connections.get(connectionId)
    if (!connection) return
    const now = this.clock.now()
    // A session that already ended (idle, expired support grant) is recorded as such, not as signed out now.
    if (connection.session && !this.closed) this.refresh(connectionId, connection, now)
    if (connection.session) this.recordSessionEnd(connection.session, 'signed-out', now, false)
    this.connections.delete(connectionId)
  }

  onEvent(listener: (event: CoreEvent) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  emit<E extends EventName>(connectionId: string, event: E, payload: EventPayload<E>): void {
    for (const listener of this.listeners) listener({ connectionId, event, payload })
  }

  /** Tell every signed-in connection of an account that some topics changed. */
  broadcast(accountId: string, topics: string[], except?: string): void {
    for (const [id, connection] of this.connections) {
      if (id !== except && connection.session?.accountId === accountId) this.emit(id, 'data:changed', { topics })
    }
  }

  /** Every live session of a person (for "role changed" pushes and forced sign-outs). */
  sessionsOf(personId: string): Array<{ connectionId: string; session: ActiveSession }> {
    const out: Array<{ connectionId: string; session: ActiveSession }> = []
    for (const [connectionId, connection] of this.connections) {
      if (connection.session?.personId === personId) out.push({ connectionId, session: connection.session })
    }
    return out
  }

  /** Live sessions matching `filter` (support sessions of one account, for instance). */
  liveSessions(filter: (session: ActiveSession) => boolean): Array<{ connectionId: string; session: ActiveSession }> {
    const out: Array<{ connectionId: string; session: ActiveSession }> = []
    for (const [connectionId, connection] of this.connections) {
      if (connection.session && filter(connection.session)) out.push({ connectionId, session: connection.session })
    }
    return out
  }

  liveSessionCount(): number {
    let n = 0
    for (const connection of this.connections.values()) if (connection.session) n += 1
    return n
  }

  // --- sessions ---------------------------------------------------------------------------

  startSession(connectionId: string, principal: ResolvedPrincipal): ActiveSession {
    const connection = this.requireConnection(connectionId)
    const now = this.clock.now()
    if (connection.session) this.endSession(connectionId, 'signed-out', { notify: false })
    const session: ActiveSession = {
      sessionId: randomUUID(),
      kind: principal.kind,
      personId: principal.personId,
      membershipId: principal.membershipId,
      accountId: principal.accountId,
      startedAt: now,
      lastSeenAt: now
    }
    this.db
      .prepare(
        `INSERT INTO sessions (session_id, account_id, principal_kind, person_id, started_at, last_seen_at, ip, device)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`
      )
      .run(session.sessionId, session.accountId, session.kind, session.personId, now, now, connection.meta.ip, connection.meta.device)
    connection.session = session
    return session
  }

  /** End the session on a connection; its window is told at once unless it asked for it. */
  endSession(connectionId: string, reason: SessionEndReason, options: { notify?: boolean; at?: number } = {}): void {
    const connection = this.connections.get(connectionId)
    if (!connection?.session) return
    const session = connection.session
    connection.session = null
    this.recordSessionEnd(session, reason, options.at ?? this.clock.now(), options.notify ?? true, connectionId)
  }

  private recordSessionEnd(session: ActiveSession, reason: SessionEndReason, at: number, notify: boolean, connectionId?: string): void {
    this.db
      .prepare('UPDATE sessions SET ended_at = ?, last_seen_at = ?, end_reason = ? WHERE session_id = ? AND ended_at IS NULL')
      .run(at, session.lastSeenAt, reason, session.sessionId)
    if (notify && connectionId) {
      const minutes = this.principalOf(session)?.idleTimeoutMinutes ?? 30
      this.emit(connectionId, 'session:ended', { reason, message: END_MESSAGES[reason](minutes) })
    }
  }

  principalOf(session: ActiveSession): ResolvedPrincipal | null {
    if (session.kind === 'support') return this.supportAccess.principalOf(session, this.clock.now())
    return (this.loadPrincipal.get(session.membershipId) as MemberPrincipal | undefined) ?? null
  }

  principalByMembership(membershipId: string): MemberPrincipal | null {
    return (this.loadPrincipal.get(membershipId) as MemberPrincipal | undefined) ?? null
  }

  /**
   * Bring a connection's session up to date before a call: end it if idle too long or if the
   * member is no longer active; otherwise return the principal as stored now.
   */
  private refresh(connectionId: string, connection: Connection, now: number): ResolvedPrincipal | null {
    const session = connection.session
    if (!session) return null
    // Support sessions answer to the stored grant and the agent record (expiry, disable, removal).
    if (session.kind === 'support') return this.supportAccess.refresh(connectionId, session, now)
    const principal = this.principalOf(session)
    if (!principal || principal.status !== 'active') {
      this.endSession(connectionId, principal ? 'deactivated' : 'role-removed')
      return null
    }
    const idleMs = principal.idleTimeoutMinutes * 60_000
    if (now - session.lastSeenAt >= idleMs) {
      // The session ended when the idle period ran out, not when it was noticed.
      this.endSession(connectionId, 'idle-timeout', { at: session.lastSeenAt + idleMs })
      return null
    }
    return principal
  }

  /** Fired by the timer (and by tests): ends idle sessions and signs the daily tree head. */
  tick(): void {
    if (this.closed) return
    const now = this.clock.now()
    // Grants past their end expire here even when no support session is open (the log shows it).
    this.supportAccess.settleAll(now)
    for (const [id, connection] of this.connections) {
      if (connection.session) this.refresh(id, connection, now)
    }
    const head = this.ledger.latestHead()
    if (!head || (now - head.signedAt >= 24 * 3_600_000 && this.ledger.size() > head.treeSize)) {
      if (this.ledger.size() > 0) this.ledger.signHead('daily')
    }
  }

  // --- dispatch ---------------------------------------------------------------------------

  async dispatch(connectionId: string, channelName: unknown, rawInput: unknown): Promise<Result<unknown>> {
    if (this.closed) return fail('INTERNAL', 'Gatehouse is shutting down.')
    const parsed = parseCall(channelName, rawInput)
    if (!parsed.ok) return parsed
    const { channel, input } = parsed.value
    const connection = this.connections.get(connectionId)
    if (!connection) return fail('UNAUTHENTICATED', 'This connection is closed; reconnect to Gatehouse.')
    const now = this.clock.now()
    const principal = this.refresh(connectionId, connection, now)
    const def = channels[channel]
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
    try {
      const value = await this.handlers.get(channel)!(ctx, input as never)
      return ok(value)
    } catch (error) {
      if (error instanceof AppError) return fail(error.code, error.message, error.details)
      console.error(`[core] ${channel} failed:`, error)
      return fail('INTERNAL', 'Something went wrong inside Gatehouse; nothing was changed.')
    }
  }

  private requireConnection(connectionId: string): Connection {
    const connection = this.connections.get(connectionId)
    if (!connection) throw new AppError('UNAUTHENTICATED', 'This connection is closed.')
    return connection
  }

  close(): void {
    if (this.closed) return
    if (this.timer) clearInterval(this.timer)
    // Record what already ended (idle, expired grants) at its real time before stopping the rest.
    try {
      this.tick()
    } catch (error) {
      console.error('[core] the final sweep failed; sessions are recorded as stopped:', error)
    }
    for (const id of [...this.connections.keys()]) {
      this.endSession(id, 'core-stopped')
      this.connections.delete(id)
    }
    this.closed = true
    // Keep the planner's statistics fresh (cheap: analysis is sampled), then fold the WAL back.
    this.db.pragma('optimize')
    this.db.pragma('wal_checkpoint(TRUNCATE)')
    this.db.close()
  }
}

export function hasPermission(principal: ResolvedPrincipal, permission: Permission): boolean {
  return permissionsOf(principal).includes(permission)
}

export function permissionsOf(principal: ResolvedPrincipal): Permission[] {
  if (principal.kind === 'support') return [...SUPPORT_SCOPE_PERMISSIONS[principal.scope]]
  const permissions = [...ROLE_PERMISSIONS[principal.role]]
  // An agent's "Export data" custom permission (read from the store with the principal on every call).
  if (principal.role === 'agent' && principal.agentExportData) permissions.push('reports:export')
  return permissions
}

/**
 * A support session may change nothing in read-only scope, and never what belongs to a member
 * ('session'-level writes such as a profile); signing out is always allowed.
 */
export function supportMayMutate(scope: 'read-only' | 'full', channel: ChannelName, access: string): boolean {
  if (channel === 'auth:sign-out') return true
  return scope === 'full' && access !== 'session'
}
