import type { JSX } from 'react'
import type { Permission } from '../../../shared/permissions'
import type { MessageKey } from '../i18n/i18n'
import { AuditIcon, LoginHistoryIcon, SettingsIcon, TeamsIcon, UsersIcon } from '../components/icons'
import { UsersScreen } from '../features/users/users-screen'
import { AuditScreen } from '../features/audit/audit-screen'
import { LoginHistoryScreen } from '../features/login-history/login-history-screen'
import { TeamsScreen } from '../features/teams/teams-screen'
import { EmailSettingsScreen, PersonalSettingsScreen } from '../features/settings/settings-screen'
import { SupportAccessScreen } from '../features/support-access/support-access-screen'
import { SupportAccessIcon } from '../features/support-access/support-access-icon'
import { AccountPlanScreen } from '../features/settings/account-plan'
import { AccountIcon } from '../features/settings/account-icon'
import { SecurityScreen } from '../features/security/security-screen'
import { SecurityIcon } from '../features/security/security-icon'
import { SsoScreen } from '../features/sso/sso-screen'
import { SsoAttention } from '../features/sso/sso-attention'

/** The groups of the Settings hub, in its order. */
export const SETTINGS_SECTIONS = ['account', 'security', 'access-control', 'personal'] as const
export type SettingsSection = (typeof SETTINGS_SECTIONS)[number]

export interface ScreenEntry {
  path: string
  label: MessageKey
  /** The session must hold this for the entry to appear; the core refuses the calls regardless. */
  permission: Permission
  icon: () => JSX.Element
  element: () => JSX.Element
  /** A settings page: reached from the Settings hub (its group there), not from the sidebar. */
  settings?: { section: SettingsSection; description: MessageKey }
  /** A mark beside the entry's link (and the Settings link above it) when the page needs attention; renders nothing otherwise. */
  attention?: () => JSX.Element | null
}

/** Screens that exist, in navigation order. A feature adds its entry here when it ships. */
export const SCREENS: readonly ScreenEntry[] = [
  { path: 'users', label: 'screen.users', permission: 'users:read', icon: UsersIcon, element: UsersScreen },
  { path: 'teams', label: 'screen.teams', permission: 'users:read', icon: TeamsIcon, element: TeamsScreen },
  { path: 'login-history', label: 'screen.loginHistory', permission: 'audit:read', icon: LoginHistoryIcon, element: LoginHistoryScreen },
  { path: 'audit', label: 'screen.audit', permission: 'audit:read', icon: AuditIcon, element: AuditScreen },
  // Settings → Account (plan; the Owner converts a trial here). settings:account needs users:read.
  {
    path: 'settings/account',
    label: 'screen.account',
    permission: 'users:read',
    icon: AccountIcon,
    element: AccountPlanScreen,
    settings: { section: 'account', description: 'screen.accountDescription' }
  },
  // Settings → Account → Email delivery (SMTP for invitations).
  {
    path: 'settings/email',
    label: 'screen.email',
    permission: 'users:manage',
    icon: SettingsIcon,
    element: EmailSettingsScreen,
    settings: { section: 'account', description: 'screen.emailDescription' }
  },
  // Settings → Security: the store, its key and the recovery key; the Owner's (account:owner).
  {
    path: 'settings/security',
    label: 'screen.security',
    permission: 'account:owner',
    icon: SecurityIcon,
    element: SecurityScreen,
    settings: { section: 'security', description: 'screen.securityDescription' }
  },
  // Settings → Access Control → Single sign-on: Owner, Admin and Viewer see it (users:read); sso:manage configures.
  {
    path: 'settings/access-control/sso',
    label: 'screen.sso',
    permission: 'users:read',
    icon: SecurityIcon,
    element: SsoScreen,
    settings: { section: 'access-control', description: 'screen.ssoDescription' },
    attention: SsoAttention
  },
  // Settings → Access Control → Support Team Access: the Owner's alone (support-access:manage).
  {
    path: 'settings/access-control/support-access',
    label: 'screen.supportAccess',
    permission: 'support-access:manage',
    icon: SupportAccessIcon,
    element: SupportAccessScreen,
    settings: { section: 'access-control', description: 'screen.supportAccessDescription' }
  },
  // Settings → Personal: everyone, for themselves.
  {
    path: 'settings/personal',
    label: 'screen.personal',
    permission: 'profile:self',
    icon: SettingsIcon,
    element: PersonalSettingsScreen,
    settings: { section: 'personal', description: 'screen.personalDescription' }
  }
]
