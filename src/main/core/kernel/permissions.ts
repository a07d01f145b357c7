import type { ChannelName } from '../../../shared/contract'
import { ROLE_PERMISSIONS, SUPPORT_SCOPE_PERMISSIONS, type Permission } from '../../../shared/permissions'
import type { ResolvedPrincipal } from '../context'

/** The one place that says what a principal may do: the SPEC's table plus an agent's "Export data". */
export function permissionsOf(principal: ResolvedPrincipal): Permission[] {
  if (principal.kind === 'support') return [...SUPPORT_SCOPE_PERMISSIONS[principal.scope]]
  const permissions = [...ROLE_PERMISSIONS[principal.role]]
  // An agent's "Export data" custom permission (read from the store with the principal on every call).
  if (principal.role === 'agent' && principal.agentExportData) permissions.push('reports:export')
  return permissions
}

export function hasPermission(principal: ResolvedPrincipal, permission: Permission): boolean {
  return permissionsOf(principal).includes(permission)
}

/**
 * A support session may change nothing in read-only scope, and never what belongs to a member
 * ('session'-level writes such as a profile); signing out is always allowed.
 */
export function supportMayMutate(scope: 'read-only' | 'full', channel: ChannelName, access: string): boolean {
  if (channel === 'auth:sign-out') return true
  return scope === 'full' && access !== 'session'
}
