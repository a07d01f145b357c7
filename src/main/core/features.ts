import type { Feature } from './kernel/kernel'
import { auditFeature } from './audit/feature'
import { authFeature } from './auth/feature'
import { invitationsFeature } from './invitations/feature'
import { loginHistoryFeature } from './login-history/feature'
import { notificationsFeature } from './notifications/feature'
import { passwordResetFeature } from './password-reset/feature'
import { profileFeature } from './profile/feature'
import { securityFeature } from './security/feature'
import { settingsFeature } from './settings/feature'
import { ssoFeature } from './sso/feature'
import { supportAccessFeature } from './support-access/feature'
import { teamsFeature } from './teams/feature'
import { usersFeature } from './users/feature'

/** Every feature of the core, registered in this order. Adding a feature adds one line here. */
export const FEATURES: readonly Feature[] = [
  authFeature,
  usersFeature,
  loginHistoryFeature,
  teamsFeature,
  invitationsFeature,
  passwordResetFeature,
  profileFeature,
  settingsFeature,
  securityFeature,
  ssoFeature,
  notificationsFeature,
  auditFeature,
  supportAccessFeature
]
