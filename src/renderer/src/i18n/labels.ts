import type { Role } from '../../../shared/permissions'
import type { AgentPermission } from '../../../shared/contract/users'
import type { MessageKey } from './i18n'

/** The translate function of a component (useT) or of the current language (t). */
type Words = (key: MessageKey) => string

/** The words for the contract's enums, in the renderer's language (the core keeps its English labels for audit and exports). */
const ROLE_KEYS: Readonly<Record<Role, MessageKey>> = { owner: 'role.owner', admin: 'role.admin', agent: 'role.agent', viewer: 'role.viewer' }

export function roleLabel(t: Words, role: Role): string {
  return t(ROLE_KEYS[role])
}

export function permissionLabel(t: Words, permission: AgentPermission): string {
  return t(`permission.${permission}`)
}

/** "View all tickets, Export data". */
export function permissionList(t: Words, permissions: readonly AgentPermission[]): string {
  return permissions.map((p) => permissionLabel(t, p)).join(', ')
}
