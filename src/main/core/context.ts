import type { AuditActor } from '../../shared/contract/audit'
import type { Role } from '../../shared/permissions'
import type { ConnectionMeta } from './host'

/** A signed-in principal on one connection, as the core keeps it in memory. */
export interface ActiveSession {
  sessionId: string
  kind: 'member'
  personId: string
  membershipId: string
  accountId: string
  startedAt: number
  lastSeenAt: number
}

/** The principal as re-read from the store on every call (so a role change applies at once). */
export interface ResolvedPrincipal {
  personId: string
  membershipId: string
  accountId: string
  accountName: string
  plan: 'trial' | 'paid'
  idleTimeoutMinutes: number
  name: string
  email: string
  role: Role
  status: 'active' | 'invited' | 'deactivated'
}

export interface CallContext {
  connectionId: string
  meta: ConnectionMeta
  now: number
  session: ActiveSession | null
  principal: ResolvedPrincipal | null
}

export function actorOf(principal: ResolvedPrincipal): AuditActor {
  return { kind: 'member', id: principal.personId, name: principal.name, email: principal.email, role: principal.role }
}

export const SYSTEM_ACTOR: AuditActor = { kind: 'system', id: null, name: 'Gatehouse', email: null, role: null }
