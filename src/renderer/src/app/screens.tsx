import type { JSX } from 'react'
import type { Permission } from '../../../shared/permissions'
import { AuditIcon, SettingsIcon, TeamsIcon, UsersIcon } from '../components/icons'
import { UsersScreen } from '../features/users/users-screen'
import { AuditScreen } from '../features/audit/audit-screen'
import { TeamsScreen } from '../features/teams/teams-screen'
import { EmailSettingsScreen, PersonalSettingsScreen } from '../features/settings/settings-screen'
import { SupportAccessScreen } from '../features/support-access/support-access-screen'
import { SupportAccessIcon } from '../features/support-access/support-access-icon'
import { AccountPlanScreen } from '../features/settings/account-plan'
import { AccountIcon } from '../features/settings/account-icon'
import { SecurityScreen } from '../features/security/security-screen'
import { SecurityIcon } from '../features/security/security-icon'

/** The groups of the Settings hub, in its order. */
export const SETTINGS_SECTIONS = ['Account', 'Security', 'Access Control', 'Personal'] as const
export type SettingsSection = (typeof SETTINGS_SECTIONS)[number]

export interface ScreenEntry {
  path: string
  label: string
  /** The session must hold this for the entry to appear; the core refuses the calls regardless. */
  permission: Permission
  icon: () => JSX.Element
  element: () => JSX.Element
  /** A settings page: reached from the Settings hub (its group there), not from the sidebar. */
  settings?: { section: SettingsSection; description: string }
}

/** Screens that exist, in navigation order. A feature adds its entry here when it ships. */
export const SCREENS: readonly ScreenEntry[] = [
  { path: 'users', label: 'Users', permission: 'users:read', icon: UsersIcon, element: UsersScreen },
  { path: 'teams', label: 'Teams', permission: 'users:read', icon: TeamsIcon, element: TeamsScreen },
  { path: 'audit', label: 'Audit log', permission: 'audit:read', icon: AuditIcon, element: AuditScreen },
  // Settings → Account (plan; the Owner converts a trial here). settings:account needs users:read.
  {
    path: 'settings/account',
    label: 'Account and plan',
    permission: 'users:read',
    icon: AccountIcon,
    element: AccountPlanScreen,
    settings: { section: 'Account', description: 'The account, its plan and seats, and who owns it.' }
  },
  // Settings → Account → Email delivery (SMTP for invitations).
  {
    path: 'settings/email',
    label: 'Email delivery',
    permission: 'users:manage',
    icon: SettingsIcon,
    element: EmailSettingsScreen,
    settings: { section: 'Account', description: 'The mail server that sends invitations; without one, invitations show a link to copy.' }
  },
  // Settings → Security: the store, its key and the recovery key; the Owner's (account:owner).
  {
    path: 'settings/security',
    label: 'Store and keys',
    permission: 'account:owner',
    icon: SecurityIcon,
    element: SecurityScreen,
    settings: { section: 'Security', description: "Where the data is kept, what protects it, the store's key and the recovery key." }
  },
  // Settings → Access Control → Support Team Access: the Owner's alone (support-access:manage).
  {
    path: 'settings/access-control/support-access',
    label: 'Support Team Access',
    permission: 'support-access:manage',
    icon: SupportAccessIcon,
    element: SupportAccessScreen,
    settings: { section: 'Access Control', description: "When the vendor's support team may enter this account, for how long, and its log." }
  },
  // Settings → Personal: everyone, for themselves.
  {
    path: 'settings/personal',
    label: 'Personal settings',
    permission: 'profile:self',
    icon: SettingsIcon,
    element: PersonalSettingsScreen,
    settings: { section: 'Personal', description: 'Your name, picture, theme, email notifications and password.' }
  }
]
