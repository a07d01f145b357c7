/**
 * What each input field is called in words, for validation messages ("Email address: enter a
 * valid email address"). One map by field name, because the same names recur across channels
 * (`email`, `membershipId`, `limit`, …), and a few per-channel entries where a name means something
 * else there. Nested fields use their dotted path (`smtp.host`); a path not listed takes its
 * parent's label (`after.id` is "Page position"). test/unit/core/contract-validation.test.ts
 * fails when a channel's input has a field without a label.
 */
const FIELD_LABELS: Readonly<Record<string, string>> = {
  // auth
  accountName: 'Account name',
  plan: 'Plan',
  seats: 'Seats',
  idleTimeoutMinutes: 'Idle timeout',
  ownerName: "Owner's full name",
  ownerEmail: "Owner's email address",
  ownerPassword: "Owner's password",
  email: 'Email address',
  password: 'Password',
  account: 'Account',
  // invitations, profile
  token: 'Invitation link',
  name: 'Name',
  avatar: 'Picture',
  theme: 'Theme',
  language: 'Language',
  current: 'Current password',
  next: 'New password',
  // settings
  smtp: 'Mail server settings',
  'smtp.host': 'Mail server',
  'smtp.port': 'Port',
  'smtp.tls': 'Encryption',
  'smtp.user': 'User name',
  'smtp.password': 'Mail server password',
  'smtp.from': 'From address',
  'smtp.fromName': 'From name',
  toMembershipId: 'New owner',
  // single sign-on
  preset: 'Identity provider',
  issuer: 'Issuer URL',
  clientId: 'Client ID',
  clientSecret: 'Client secret',
  scopes: 'Scopes',
  claims: 'Claim mapping',
  'claims.email': 'Email claim',
  'claims.name': 'Name claim',
  'claims.role': 'Role claim',
  'claims.teams': 'Team claim',
  defaultTeamIds: 'Default teams',
  allowedDomains: 'Allowed email domains',
  slot: 'Connection',
  metadataXml: 'IdP metadata',
  metadataUrl: 'Metadata URL',
  manual: 'IdP settings',
  'manual.entityId': 'IdP entity ID',
  'manual.ssoUrl': 'SSO URL',
  'manual.certificates': 'Signing certificates',
  testId: 'Test sign-in',
  mode: 'How people sign in',
  provisioning: 'Provisioning',
  defaultRole: 'Role of new members',
  flowId: 'Sign-in',
  url: 'Callback address',
  form: 'Posted answer',
  // users, teams
  search: 'Search',
  status: 'Status',
  role: 'Role',
  teamId: 'Team',
  teamIds: 'Teams',
  membershipId: 'Person',
  membershipIds: 'People',
  emails: 'Email addresses',
  permissions: 'Agent permissions',
  description: 'Description',
  csv: 'CSV file',
  sort: 'Sort order',
  direction: 'Sort direction',
  // paging and filters
  after: 'Page position',
  before: 'Page position',
  limit: 'Page size',
  offset: 'Position in the list',
  action: 'Action',
  actorId: 'Actor',
  from: 'Start of the period',
  to: 'End of the period',
  agentId: 'Agent',
  filter: 'Filter',
  'filter.from': 'Start of the period',
  'filter.to': 'End of the period',
  'filter.actorKind': 'Kind of actor',
  'filter.actorId': 'Actor',
  'filter.actions': 'Actions',
  'filter.targetType': 'Kind of target',
  'filter.targetId': 'Target',
  'filter.search': 'Search',
  'filter.membershipId': 'Person',
  retention: 'Retention period',
  expected: 'What the purge removes',
  exportId: 'Export',
  'filter.email': 'Email tried',
  'filter.method': 'Sign-in method',
  'filter.result': 'Result',
  'filter.ip': 'IP address',
  bounds: 'Chart bins',
  format: 'File format',
  // support access
  timeZone: 'Time zone',
  duration: 'Duration',
  scope: 'Scope',
  reason: 'Reason',
  // notifications
  kind: 'Notification',
  enabled: 'On or off'
}

/** Where a field name means something else on one channel. */
const CHANNEL_LABELS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  'teams:create': { name: 'Team name' },
  'teams:update': { name: 'Team name' },
  'invitations:accept': { name: 'Your name' },
  'account:transfer-ownership': { password: 'Your password' },
  'security:replace-recovery-key': { password: 'Your password' },
  'settings:smtp-test': { to: 'Send a test email to' },
  'audit:verify': { mode: 'Kind of check' },
  'login-history:dormant': { period: 'Time without a sign-in' }
}

/** The label given to a problem with the input as a whole (not one field of it). */
export const REQUEST_LABEL = 'Request'

/** The label of `path` (dotted, no list positions) on `channel`, or null when none is listed. */
export function listedLabel(channel: string, path: string): string | null {
  const own = Object.prototype.hasOwnProperty
  for (let at = path; at !== ''; at = at.includes('.') ? at.slice(0, at.lastIndexOf('.')) : '') {
    const byChannel = own.call(CHANNEL_LABELS, channel) ? CHANNEL_LABELS[channel] : undefined
    if (byChannel && own.call(byChannel, at)) return byChannel[at] ?? null
    if (own.call(FIELD_LABELS, at)) return FIELD_LABELS[at] ?? null
  }
  return null
}

/** The label of a field in words; an unlisted name is spelt out ("fromName" → "From name"). */
export function fieldLabel(channel: string, path: string): string {
  if (path === '') return REQUEST_LABEL
  const listed = listedLabel(channel, path)
  if (listed) return listed
  const last = path.slice(path.lastIndexOf('.') + 1)
  const words = last
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .trim()
    .toLowerCase()
  return words ? words[0]!.toUpperCase() + words.slice(1) : 'Field'
}
