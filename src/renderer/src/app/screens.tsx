import type { JSX } from 'react'
import type { Permission } from '../../../shared/permissions'
import { AuditIcon, UsersIcon } from '../components/icons'
import { UsersScreen } from '../features/users/users-screen'
import { AuditScreen } from '../features/audit/audit-screen'

export interface ScreenEntry {
  path: string
  label: string
  /** The session must hold this for the entry to appear; the core refuses the calls regardless. */
  permission: Permission
  icon: () => JSX.Element
  element: () => JSX.Element
}

/** Screens that exist, in navigation order. A feature adds its entry here when it ships. */
export const SCREENS: readonly ScreenEntry[] = [
  { path: 'users', label: 'Users', permission: 'users:read', icon: UsersIcon, element: UsersScreen },
  { path: 'audit', label: 'Audit log', permission: 'audit:read', icon: AuditIcon, element: AuditScreen }
]
