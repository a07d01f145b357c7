import type { Permission } from './permissions'

/**
 * Every audit action code the core appends to the ledger, with its label and filter group, and who
 * may read it: `'audit'` = everyone holding 'audit:read'; `'owner'` = only the Owner (holder of
 * 'support-access:manage'). Support Team Access is the Owner's alone (SPEC): its grants, the
 * agents and everything that reveals a support session stay out of everyone else's audit log.
 * What an agent changes in the account (a role, a team) keeps its ordinary code and stays visible.
 *
 * Codes are stored in hash-chained ledger rows: never rename one, add a new code instead.
 */
export const AUDIT_ACTIONS = {
  // --- Sign-in -------------------------------------------------------------------------------
  'auth.signed-in': { label: 'Signed in', group: 'Sign-in', readers: 'audit' },
  // Members' codes; a support agent's sign-out and lock are 'support.signed-out' / 'support.locked'.
  // Rows written before those codes existed are hidden from non-Owners by actor kind (audit/repository.ts).
  'auth.signed-out': { label: 'Signed out', group: 'Sign-in', readers: 'audit' },
  'auth.locked': { label: 'Sign-in locked', group: 'Sign-in', readers: 'audit' },
  // A member's wrong password when re-confirming it (changing it, transferring ownership): counts toward the lock.
  'auth.reauth-failed': { label: 'Password confirmation failed', group: 'Sign-in', readers: 'audit' },

  // --- Account and ownership -----------------------------------------------------------------
  'account.created': { label: 'Account created', group: 'Account', readers: 'audit' },
  'account.converted-to-paid': { label: 'Converted to paid', group: 'Account', readers: 'audit' },
  'account.ownership-transferred': { label: 'Ownership transferred', group: 'Ownership', readers: 'audit' },

  // --- Users ---------------------------------------------------------------------------------
  'member.created': { label: 'Member created', group: 'Users', readers: 'audit' },
  'member.updated': { label: 'Member updated', group: 'Users', readers: 'audit' },
  'member.role-changed': { label: 'Role changed', group: 'Users', readers: 'audit' },
  'member.deactivated': { label: 'Member deactivated', group: 'Users', readers: 'audit' },
  'member.reactivated': { label: 'Member reactivated', group: 'Users', readers: 'audit' },
  'users.bulk-role-changed': { label: 'Roles changed (bulk)', group: 'Users', readers: 'audit' },
  'users.bulk-deactivated': { label: 'Members deactivated (bulk)', group: 'Users', readers: 'audit' },
  'users.bulk-reactivated': { label: 'Members reactivated (bulk)', group: 'Users', readers: 'audit' },
  'users.imported': { label: 'Users imported (CSV)', group: 'Users', readers: 'audit' },
  'users.exported': { label: 'Users exported (CSV)', group: 'Users', readers: 'audit' },

  // --- Invitations ---------------------------------------------------------------------------
  'member.invited': { label: 'Member invited', group: 'Invitations', readers: 'audit' },
  'users.invited': { label: 'People invited (bulk)', group: 'Invitations', readers: 'audit' },
  'member.invitation-resent': { label: 'Invitation resent', group: 'Invitations', readers: 'audit' },
  'users.invitations-resent': { label: 'Invitations resent (bulk)', group: 'Invitations', readers: 'audit' },
  'member.invitation-revoked': { label: 'Invitation revoked', group: 'Invitations', readers: 'audit' },
  'member.joined': { label: 'Invitation accepted', group: 'Invitations', readers: 'audit' },
  'member.password-reset-issued': { label: 'Password reset link issued', group: 'Users', readers: 'audit' },
  'member.password-reset': { label: 'Password reset by link', group: 'Users', readers: 'audit' },
  'member.unlocked': { label: 'Sign-in unlocked', group: 'Users', readers: 'audit' },
  'member.signed-out-everywhere': { label: 'Signed out everywhere', group: 'Users', readers: 'audit' },

  // --- Teams ---------------------------------------------------------------------------------
  'team.created': { label: 'Team created', group: 'Teams', readers: 'audit' },
  'team.updated': { label: 'Team updated', group: 'Teams', readers: 'audit' },
  'team.deleted': { label: 'Team deleted', group: 'Teams', readers: 'audit' },
  'team.members-added': { label: 'Members added to team', group: 'Teams', readers: 'audit' },
  'team.members-removed': { label: 'Members removed from team', group: 'Teams', readers: 'audit' },
  'member.team-added': { label: 'Added to team', group: 'Teams', readers: 'audit' },
  'member.team-removed': { label: 'Removed from team', group: 'Teams', readers: 'audit' },
  'users.bulk-team-added': { label: 'Added to team (bulk)', group: 'Teams', readers: 'audit' },
  'users.bulk-team-removed': { label: 'Removed from team (bulk)', group: 'Teams', readers: 'audit' },

  // --- Profile -------------------------------------------------------------------------------
  'profile.updated': { label: 'Profile updated', group: 'Profile', readers: 'audit' },
  'profile.password-changed': { label: 'Password changed', group: 'Profile', readers: 'audit' },
  'profile.notifications-changed': { label: 'Email notifications changed', group: 'Profile', readers: 'audit' },

  // --- Settings ------------------------------------------------------------------------------
  'settings.account-updated': { label: 'Account settings changed', group: 'Settings', readers: 'audit' },
  'settings.smtp-updated': { label: 'Mail server updated', group: 'Settings', readers: 'audit' },
  'settings.smtp-removed': { label: 'Mail server removed', group: 'Settings', readers: 'audit' },

  // --- Single sign-on ----------------------------------------------------------------------
  'sso.configured': { label: 'SSO connection configured', group: 'Single sign-on', readers: 'audit' },
  'sso.tested': { label: 'SSO test sign-in', group: 'Single sign-on', readers: 'audit' },
  'sso.enabled': { label: 'SSO turned on', group: 'Single sign-on', readers: 'audit' },
  'sso.disabled': { label: 'SSO turned off', group: 'Single sign-on', readers: 'audit' },
  'sso.certificate-expiring': { label: 'SSO certificate expiring', group: 'Single sign-on', readers: 'audit' },
  'sso.certificate-expired': { label: 'SSO certificate expired', group: 'Single sign-on', readers: 'audit' },
  'sso.provider-keys-unavailable': { label: "SSO provider's keys unavailable", group: 'Single sign-on', readers: 'audit' },
  'sso.metadata-changed': { label: 'SSO metadata changed', group: 'Single sign-on', readers: 'audit' },
  'sso.provider-keys-restored': { label: "SSO provider's keys fetched again", group: 'Single sign-on', readers: 'audit' },

  // --- The audit log itself ------------------------------------------------------------------
  'audit.exported': { label: 'Audit events exported', group: 'Audit log', readers: 'audit' },
  'audit.retention-changed': { label: 'Retention period changed', group: 'Audit log', readers: 'audit' },
  'audit.purged': { label: 'Old events purged (retention)', group: 'Audit log', readers: 'audit' },
  'login-history.exported': { label: 'Login history exported', group: 'Audit log', readers: 'audit' },

  // --- The store itself (installation-wide: stored with no account) --------------------------
  'store.loss-accepted': { label: 'Loss of audit events accepted', group: 'Store', readers: 'audit' },
  'store.recovery-key-replaced': { label: 'Recovery key replaced', group: 'Store', readers: 'audit' },

  // --- Support access (the Owner's alone) ----------------------------------------------------
  'support-access.extended': { label: 'Support access turned on', group: 'Support access', readers: 'owner' },
  'support-access.changed': { label: 'Support access changed', group: 'Support access', readers: 'owner' },
  'support-access.disabled': { label: 'Support access turned off', group: 'Support access', readers: 'owner' },
  'support-access.expired': { label: 'Support access expired', group: 'Support access', readers: 'owner' },
  'support-access.trial-converted': { label: 'Support access ended (converted to paid)', group: 'Support access', readers: 'owner' },
  'support-agent.added': { label: 'Support agent added', group: 'Support access', readers: 'owner' },
  'support-agent.removed': { label: 'Support agent removed', group: 'Support access', readers: 'owner' },
  'support.signed-in': { label: 'Support agent signed in', group: 'Support access', readers: 'owner' },
  'support.signed-out': { label: 'Support agent signed out', group: 'Support access', readers: 'owner' },
  'support.locked': { label: 'Support agent sign-in locked', group: 'Support access', readers: 'owner' }
} as const satisfies Record<string, { label: string; group: string; readers: 'audit' | 'owner' }>

export type AuditAction = keyof typeof AUDIT_ACTIONS
export type AuditReaders = (typeof AUDIT_ACTIONS)[AuditAction]['readers']

export const AUDIT_ACTION_CODES = Object.keys(AUDIT_ACTIONS) as AuditAction[]

/** The permission that lets a session read the Owner-only actions. */
export const OWNER_AUDIT_PERMISSION: Permission = 'support-access:manage'

/** Actions only the Owner (holder of 'support-access:manage') may read. */
export const OWNER_ONLY_ACTIONS: readonly AuditAction[] = AUDIT_ACTION_CODES.filter((code) => AUDIT_ACTIONS[code].readers === 'owner')

/** Actions every holder of 'audit:read' may read; anything else (Owner-only, or a code not in the catalog) only the Owner. */
export const AUDIT_READER_ACTIONS: readonly AuditAction[] = AUDIT_ACTION_CODES.filter((code) => AUDIT_ACTIONS[code].readers === 'audit')

/**
 * The one rule of who reads what: the codes a session holding `permissions` may read, or null for
 * every code (the Owner). Codes not in the catalog are the Owner's.
 */
export function readableAuditActions(permissions: readonly Permission[]): readonly AuditAction[] | null {
  if (permissions.includes(OWNER_AUDIT_PERMISSION)) return null
  return permissions.includes('audit:read') ? AUDIT_READER_ACTIONS : []
}

/** The filter groups in catalog order, each with its codes. */
export const AUDIT_ACTION_GROUPS: ReadonlyArray<{ group: string; actions: readonly AuditAction[] }> = AUDIT_ACTION_CODES.reduce<
  Array<{ group: string; actions: AuditAction[] }>
>((groups, code) => {
  const name = AUDIT_ACTIONS[code].group
  const found = groups.find((g) => g.group === name)
  if (found) found.actions.push(code)
  else groups.push({ group: name, actions: [code] })
  return groups
}, [])

export function isAuditAction(code: string): code is AuditAction {
  return Object.prototype.hasOwnProperty.call(AUDIT_ACTIONS, code)
}

