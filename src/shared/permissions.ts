/**
 * The role × operation table of SPEC.md, as data. The core enforces it on every call;
 * the renderer only uses it (through the session's permission list) to hide what a role cannot use.
 */
export const ROLES = ['owner', 'admin', 'agent', 'viewer'] as const
export type Role = (typeof ROLES)[number]

export const PERMISSIONS = [
  'users:read',
  'users:manage',
  'teams:manage',
  'sso:manage',
  'audit:read',
  'reports:export',
  'account:owner',
  'support-access:manage',
  'delegates:manage',
  'profile:self'
] as const
export type Permission = (typeof PERMISSIONS)[number]

const ALL_BUT_OWNER_ONLY: Permission[] = [
  'users:read',
  'users:manage',
  'teams:manage',
  'sso:manage',
  'audit:read',
  'reports:export',
  'profile:self'
]

export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = {
  owner: [...ALL_BUT_OWNER_ONLY, 'account:owner', 'support-access:manage', 'delegates:manage'],
  admin: ALL_BUT_OWNER_ONLY,
  // Agents see only their own profile; "export data" is a custom permission added per agent.
  agent: ['profile:self'],
  viewer: ['users:read', 'audit:read', 'profile:self']
}

/** What the Owner grants the vendor's support agents (Support Team Access). */
export const SUPPORT_SCOPES = ['read-only', 'full'] as const
export type SupportScopeName = (typeof SUPPORT_SCOPES)[number]

/**
 * A support session's permissions by granted scope. Read-only: only pure reads (and the core also
 * refuses every mutating channel). Full: an Admin's, without exports, ownership, delegated access,
 * this feature itself, single sign-on's configuration (they see its status, never change how the
 * account's people sign in: issue 9), or a profile (agents are not members).
 */
export const SUPPORT_SCOPE_PERMISSIONS: Readonly<Record<SupportScopeName, readonly Permission[]>> = {
  'read-only': ['users:read', 'audit:read'],
  full: ['users:read', 'users:manage', 'teams:manage', 'audit:read']
}

export const ROLE_LABELS: Readonly<Record<Role, string>> = {
  owner: 'Owner',
  admin: 'Admin',
  agent: 'Agent',
  viewer: 'Viewer'
}

/** `public` channels need no session (sign-in, status); `session` ones need any signed-in principal. */
export type ChannelAccess = Permission | 'public' | 'session'
