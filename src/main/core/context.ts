import type { AuditActor } from '../../shared/contract/audit'
import type { Role, SupportScopeName } from '../../shared/permissions'
import type { ConnectionMeta } from './host'

/** A signed-in principal on one connection, as the core keeps it in memory. */
export interface ActiveSession {
  sessionId: string
  kind: 'member' | 'support'
  /** The person, or for a support session the support agent's id. */
  personId: string
  /** Null for a support session: agents are never members. */
  membershipId: string | null
  accountId: string
  startedAt: number
  lastSeenAt: number
}

interface PrincipalBase {
  personId: string
  accountId: string
  accountName: string
  plan: 'trial' | 'paid'
  idleTimeoutMinutes: number
  name: string
  email: string
}

/** A member of the account, as re-read from the store on every call (so a role change applies at once). */
export interface MemberPrincipal extends PrincipalBase {
  kind: 'member'
  membershipId: string
  role: Role
  status: 'active' | 'invited' | 'deactivated'
  scope: null
  /** The agent custom permission "Export data" is stored (1) or not (0); it grants 'reports:export' to Agents only. */
  agentExportData?: number
}

/**
 * A vendor support agent inside an account (Support Team Access): no membership, no role, no seat;
 * `personId` is the agent's id. Re-read on every call against the stored grant, so a narrower
 * scope, a disable or an expiry applies at once.
 */
export interface SupportPrincipal extends PrincipalBase {
  kind: 'support'
  membershipId: null
  role: null
  status: 'active'
  scope: SupportScopeName
  /** The grant's end (null: no end date). */
  grantEndsAt: number | null
}

export type ResolvedPrincipal = MemberPrincipal | SupportPrincipal

export interface CallContext {
  connectionId: string
  meta: ConnectionMeta
  now: number
  session: ActiveSession | null
  principal: ResolvedPrincipal | null
}

export function actorOf(principal: ResolvedPrincipal): AuditActor {
  if (principal.kind === 'support') return { kind: 'support', id: principal.personId, name: principal.name, email: principal.email, role: null }
  return { kind: 'member', id: principal.personId, name: principal.name, email: principal.email, role: principal.role }
}

export const SYSTEM_ACTOR: AuditActor = { kind: 'system', id: null, name: 'Gatehouse', email: null, role: null }
