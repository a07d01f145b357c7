import { z } from 'zod'
import { ROLES } from '../permissions'
import { channel } from './define'
import { email, id, pageLimit, personName } from './common'

export const USER_STATUSES = ['active', 'invited', 'expired', 'deactivated'] as const
export type UserStatus = (typeof USER_STATUSES)[number]
export const USER_SORTS = ['name', 'email', 'lastLogin'] as const

/** Roles an invitation, an edit or a bulk change can give. The Owner changes only by transfer. */
export const ASSIGNABLE_ROLES = ['admin', 'agent', 'viewer'] as const
export type AssignableRole = (typeof ASSIGNABLE_ROLES)[number]

/** Agent custom permissions (seed 002). Only `export-data` gates anything in the console ('reports:export'). */
export const AGENT_PERMISSIONS = ['view-all-tickets', 'delete-tickets', 'export-data', 'manage-macros', 'view-analytics'] as const
export type AgentPermission = (typeof AGENT_PERMISSIONS)[number]
export const AGENT_PERMISSION_LABELS: Readonly<Record<AgentPermission, string>> = {
  'view-all-tickets': 'View all tickets',
  'delete-tickets': 'Delete tickets',
  'export-data': 'Export data',
  'manage-macros': 'Manage macros',
  'view-analytics': 'View analytics'
}

export const INVITATION_VALID_DAYS = 7
/** An invitation link is this prefix followed by the token (43 characters of base64url). */
export const INVITE_LINK_PREFIX = 'gatehouse://invite/'
export const PASSWORD_RESET_VALID_HOURS = 24
/** A password reset link is this prefix followed by the token (43 characters of base64url). */
export const RESET_LINK_PREFIX = 'gatehouse://reset/'

/** An avatar after the renderer has resized it (canvas); the core refuses more decoded bytes than this. */
export const AVATAR_MAX_BYTES = 256 * 1024
export const avatarDataUrl = z
  .string()
  .max(Math.ceil((AVATAR_MAX_BYTES * 4) / 3) + 64, 'The picture is larger than 256 KB after resizing')
  .regex(/^data:image\/(png|jpeg|webp|gif);base64,[A-Za-z0-9+/]+={0,2}$/, 'The picture must be a PNG, JPEG, WebP or GIF data URL')

// --- CSV import / export ---------------------------------------------------------------------

export const CSV_MAX_BYTES = 10 * 1024 * 1024
export const CSV_MAX_ROWS = 50_000
/** Teams inside the `teams` cell are separated by ';' (or '|'); a team name cannot contain either. */
export const CSV_TEAM_SEPARATOR = ';'
export const USERS_CSV_COLUMNS = ['email', 'name', 'role', 'teams'] as const
/** The template offered for download: the header, one example row, CRLF line ends (RFC 4180). */
export const USERS_CSV_TEMPLATE =
  'email,name,role,teams\r\n' + 'ada.lovelace@example.com,Ada Lovelace,agent,Support Tier 1;Billing Team\r\n' + 'grace.hopper@example.com,Grace Hopper,viewer,\r\n'

// --- DTOs ------------------------------------------------------------------------------------

export const teamRef = z.object({ id, name: z.string() })
export type TeamRef = z.infer<typeof teamRef>

export const userRow = z.object({
  /** The membership id: every users:* channel addresses a person in this account by it. */
  id,
  personId: id,
  name: z.string(),
  email: z.string(),
  role: z.enum(ROLES),
  status: z.enum(USER_STATUSES),
  lastLoginAt: z.number().nullable(),
  createdAt: z.number(),
  /** Teams of this member, by name. */
  teams: z.array(teamRef),
  /** A data URL (at most 256 KB decoded), or null for initials. */
  avatar: z.string().nullable(),
  /** For invited (and expired) rows: when the current invitation link stops working. */
  inviteExpiresAt: z.number().nullable()
})
export type UserRow = z.infer<typeof userRow>

/** Seats in use count active members plus invitations that have not expired. */
export const seatUse = z.object({
  used: z.number().int(),
  total: z.number().int(),
  active: z.number().int(),
  invited: z.number().int()
})
export type SeatUse = z.infer<typeof seatUse>

export const invitationState = z.object({
  state: z.enum(['pending', 'expired']),
  sentAt: z.number(),
  expiresAt: z.number(),
  /** Name of who sent (or last re-sent) it; null when that person is gone. */
  invitedBy: z.string().nullable()
})

/** Whether the caller may do one thing to this person, and if not, why (the core's own refusal message). */
export const capability = z.object({ allowed: z.boolean(), reason: z.string().nullable() })
export type Capability = z.infer<typeof capability>

/** What the caller may do to this person, computed by the core's rule functions that enforce it. */
export const userCapabilities = z.object({
  editRole: capability.extend({
    /** The agent permissions a change to another role clears (empty unless the person is an Agent holding some). */
    clearsAgentPermissions: z.array(z.enum(AGENT_PERMISSIONS))
  }),
  deactivate: capability,
  reactivate: capability,
  transferOwnership: capability,
  editAgentPermissions: capability,
  editTeams: capability,
  resetPassword: capability
})
export type UserCapabilities = z.infer<typeof userCapabilities>

export const userDetail = userRow.extend({
  /** Agent custom permissions as stored; they take effect only while the role is Agent. */
  permissions: z.array(z.enum(AGENT_PERMISSIONS)),
  /** The open invitation, for invited and expired rows; null otherwise. */
  invitation: invitationState.nullable(),
  deactivatedAt: z.number().nullable(),
  /** True when this is the caller: the console offers no role change or deactivation then. */
  isSelf: z.boolean(),
  capabilities: userCapabilities,
  /** On a users:update that changed an Agent to another role: the agent permissions it cleared. */
  clearedAgentPermissions: z.array(z.enum(AGENT_PERMISSIONS)).optional()
})
export type UserDetail = z.infer<typeof userDetail>

/** How one invitation reached (or will reach) its person. */
export const invitationDelivery = z.object({
  membershipId: id,
  email: z.string(),
  expiresAt: z.number(),
  /** 'email': sent by the account's SMTP server. 'link': show `link` for the admin to pass on. */
  delivery: z.enum(['email', 'link']),
  /** `gatehouse://invite/<token>`; present only when delivery is 'link'. Never stored: this is the one chance to copy it. */
  link: z.string().nullable(),
  /** Why sending by email failed (then delivery is 'link'); null otherwise. */
  deliveryError: z.string().nullable()
})
export type InvitationDelivery = z.infer<typeof invitationDelivery>

/** How one password reset link reached (or will reach) its person: as an invitation's (`link` is `gatehouse://reset/<token>`). */
export const passwordResetDelivery = invitationDelivery
export type PasswordResetDelivery = z.infer<typeof passwordResetDelivery>

export const importRowResult = z.object({
  /** Spreadsheet row number: the header is row 1, the first person row 2. */
  row: z.number().int(),
  email: z.string(),
  name: z.string(),
  role: z.string(),
  teams: z.array(z.string()),
  status: z.enum(['ok', 'error']),
  /** Why the row is refused: bad email, duplicate in file, already a member, unknown team, bad role, no free seat, … */
  reason: z.string().nullable()
})
export type ImportRowResult = z.infer<typeof importRowResult>

export const importReport = z.object({
  rows: z.array(importRowResult),
  okCount: z.number().int(),
  errorCount: z.number().int(),
  /** CSV of the refused rows with a `reason` column (formula cells neutralised); null when none. */
  errorReportCsv: z.string().nullable(),
  seats: seatUse
})
export type ImportReport = z.infer<typeof importReport>

const membershipIds = z.array(id).min(1, 'Select at least one person').max(CSV_MAX_ROWS)
const csvText = z.string().max(CSV_MAX_BYTES + 1024 * 1024, 'The file is larger than 10 MB')
const bulkResult = z.object({ changed: z.number().int(), unchanged: z.number().int() })

/** Opaque keyset cursor: the last row's sort value and id. */
export const userCursor = z.object({ value: z.union([z.string(), z.number(), z.null()]), id }).strict()

/** The users list's filters: its pages and "Select all N matching" take the same ones. */
const usersFilters = {
  search: z.string().trim().max(200).optional(),
  status: z.enum(USER_STATUSES).optional(),
  role: z.enum(ROLES).optional(),
  /** Only members of this team. */
  teamId: id.optional()
}

export const usersChannels = {
  /** One page of the account's people (keyset paging). Agents are refused: they see only their profile. */
  'users:list': channel({
    input: z
      .object({
        ...usersFilters,
        sort: z.enum(USER_SORTS).default('name'),
        direction: z.enum(['asc', 'desc']).default('asc'),
        after: userCursor.optional(),
        /**
         * A page by its position in the sorted list instead of a cursor (the list's scrollbar, End,
         * a jump), only without a search and never with `after`. Later pages continue by cursor.
         */
        offset: z.number().int('The position must be a whole number').min(0, 'The position cannot be negative').max(10_000_000).optional(),
        limit: pageLimit
      })
      .strict(),
    output: z.object({
      rows: z.array(userRow),
      next: userCursor.nullable(),
      /** Rows matching the filters; only on the first page (null when `after` or an `offset` is given). */
      total: z.number().int().nullable(),
      /**
       * True when a broad search was counted only up to `total` ("200+ matches"): counting every
       * match of a term that most people contain would cost more than the page itself.
       */
      totalCapped: z.boolean().optional(),
      /**
       * Counts per status for the filter chips; only on the first page. They follow the role, team
       * and search filters (never the status filter); without any of those, account-wide.
       */
      counts: z.record(z.enum(USER_STATUSES), z.number().int()).nullable(),
      /**
       * True when a broad search's chips were counted only over the first matches (like `totalCapped`):
       * each count is then a lower bound of at most 200 ("200+" where it reaches 200).
       */
      countsCapped: z.boolean().optional(),
      /** Seat use ("18 of 25 seats"); only on the first page. */
      seats: seatUse.nullable()
    }),
    access: 'users:read',
    mutates: false
  }),
  /**
   * Every person matching the list's filters (search, status, role, team; uncapped: not the list's
   * "200+"), for "Select all N matching": their membership ids and roles (the bulk confirmation
   * names the Agents among them). `owner` and `you` name the Owner's and the caller's memberships
   * when they match: a role change or a deactivation never takes them (a team change does). More
   * than a bulk change takes (CSV_MAX_ROWS) is a LIMIT.
   */
  'users:list-ids': channel({
    input: z.object(usersFilters).strict(),
    output: z.object({ members: z.array(z.object({ id, role: z.enum(ROLES) })), owner: id.nullable(), you: id.nullable() }),
    access: 'users:manage',
    mutates: false
  }),
  /** One person of the account, for the detail panel. */
  'users:get': channel({
    input: z.object({ membershipId: id }).strict(),
    output: userDetail,
    access: 'users:read',
    mutates: false
  }),
  'users:seats': channel({
    input: z.object({}).strict().optional(),
    output: seatUse,
    access: 'users:read',
    mutates: false
  }),
  /**
   * Invite one or many emails (duplicates ignoring case are merged). All or nothing: an email that
   * already belongs to a member is a CONFLICT naming it; past the seat limit a LIMIT with the figure.
   */
  'users:invite': channel({
    input: z
      .object({
        emails: z.array(email).min(1, 'Enter at least one email address').max(500, 'At most 500 emails at once; use a CSV import for more'),
        role: z.enum(ASSIGNABLE_ROLES),
        teamIds: z.array(id).max(200).default([]),
        /** Agent custom permissions; ignored unless the role is Agent. */
        permissions: z.array(z.enum(AGENT_PERMISSIONS)).default([])
      })
      .strict(),
    output: z.object({ invited: z.array(invitationDelivery), seats: seatUse }),
    access: 'users:manage',
    mutates: true,
    invalidates: ['users', 'teams', 'audit']
  }),
  /** New token, new 7 days; the previous link stops working. Also revives an expired invitation (needs a free seat). */
  'users:resend-invitation': channel({
    input: z.object({ membershipId: id }).strict(),
    output: invitationDelivery,
    access: 'users:manage',
    mutates: true,
    invalidates: ['users', 'audit']
  }),
  /**
   * A link for an active member to choose a new password (emailed through the account's SMTP
   * server, else shown once to pass on): single use, 24 hours, a newer one replaces it. The current
   * password keeps working until the link is used. Not for oneself (Personal settings), the Owner,
   * or people who have not joined or are deactivated.
   */
  'users:reset-password': channel({
    input: z.object({ membershipId: id }).strict(),
    output: passwordResetDelivery,
    access: 'users:manage',
    mutates: true,
    invalidates: ['audit']
  }),
  /**
   * Resend the invitations of the selected invited (or expired) people: each gets a new link and 7
   * new days, every earlier link stops working. All or nothing: someone who has joined is a
   * CONFLICT naming them; reviving expired invitations past the free seats is a LIMIT.
   */
  'users:bulk-resend-invitations': channel({
    input: z.object({ membershipIds: z.array(id).min(1, 'Select at least one person').max(500, 'At most 500 invitations at once') }).strict(),
    output: z.object({ invited: z.array(invitationDelivery), seats: seatUse }),
    access: 'users:manage',
    mutates: true,
    invalidates: ['users', 'audit']
  }),
  /** The link stops working and the invited person leaves the list (the audit log keeps the record). */
  'users:revoke-invitation': channel({
    input: z.object({ membershipId: id }).strict(),
    output: z.object({ revoked: z.literal(true) }),
    access: 'users:manage',
    mutates: true,
    invalidates: ['users', 'teams', 'audit']
  }),
  /**
   * Edit a person: any subset of name, avatar (null removes it), role, teams (the full new list),
   * agent permissions (the full new list). Nobody changes their own role; the Owner's role changes
   * only by transfer. A role or permission change reaches the person's open windows at once
   * (`session:changed`).
   */
  'users:update': channel({
    input: z
      .object({
        membershipId: id,
        name: personName.optional(),
        avatar: avatarDataUrl.nullable().optional(),
        role: z.enum(ASSIGNABLE_ROLES).optional(),
        teamIds: z.array(id).max(200).optional(),
        permissions: z.array(z.enum(AGENT_PERMISSIONS)).optional()
      })
      .strict(),
    output: userDetail,
    access: 'users:manage',
    mutates: true,
    invalidates: ['users', 'teams', 'audit']
  }),
  /** Ends the person's sessions at once (their windows return to sign-in), frees the seat, keeps history. */
  'users:deactivate': channel({
    input: z.object({ membershipId: id }).strict(),
    output: userDetail,
    access: 'users:manage',
    mutates: true,
    invalidates: ['users', 'audit']
  }),
  /** Restores access (needs a free seat). */
  'users:reactivate': channel({
    input: z.object({ membershipId: id }).strict(),
    output: userDetail,
    access: 'users:manage',
    mutates: true,
    invalidates: ['users', 'audit']
  }),
  /** Bulk operations: all or nothing; a selection holding the Owner or the caller is refused whole. */
  'users:bulk-set-role': channel({
    input: z.object({ membershipIds, role: z.enum(ASSIGNABLE_ROLES) }).strict(),
    output: bulkResult,
    access: 'users:manage',
    mutates: true,
    invalidates: ['users', 'audit']
  }),
  'users:bulk-add-team': channel({
    input: z.object({ membershipIds, teamId: id }).strict(),
    output: bulkResult,
    access: 'users:manage',
    mutates: true,
    invalidates: ['users', 'teams', 'audit']
  }),
  'users:bulk-remove-team': channel({
    input: z.object({ membershipIds, teamId: id }).strict(),
    output: bulkResult,
    access: 'users:manage',
    mutates: true,
    invalidates: ['users', 'teams', 'audit']
  }),
  'users:bulk-deactivate': channel({
    input: z.object({ membershipIds }).strict(),
    output: bulkResult,
    access: 'users:manage',
    mutates: true,
    invalidates: ['users', 'audit']
  }),
  /** Back to active, all or nothing: refused whole for an invited person (resend instead) or past the free seats. */
  'users:bulk-reactivate': channel({
    input: z.object({ membershipIds }).strict(),
    output: bulkResult,
    access: 'users:manage',
    mutates: true,
    invalidates: ['users', 'audit']
  }),
  /**
   * Check a CSV (columns email, name, role, teams; header required; UTF-8, BOM and CRLF allowed)
   * and report every row as ok or with its reason. Writes nothing. Over 10 MB or 50,000 rows: LIMIT.
   */
  'users:import-preview': channel({
    input: z.object({ csv: csvText }).strict(),
    output: importReport,
    access: 'users:manage',
    mutates: false,
    heavy: true
  }),
  /** Validate again and invite every ok row in one transaction (all or nothing); refused rows are reported, never written. */
  'users:import-commit': channel({
    input: z.object({ csv: csvText }).strict(),
    output: importReport.extend({ invited: z.array(invitationDelivery.extend({ row: z.number().int() })) }),
    access: 'users:manage',
    mutates: true,
    heavy: true,
    invalidates: ['users', 'teams', 'audit']
  }),
  /**
   * Every person of the account as CSV (email, name, role, status, teams, last login, created),
   * cells starting with = + - @ tab or CR neutralised. Needs 'reports:export' and 'users:read'.
   */
  'users:export': channel({
    input: z.object({}).strict().optional(),
    output: z.object({ csv: z.string(), rows: z.number().int(), fileName: z.string() }),
    access: 'reports:export',
    mutates: false,
    heavy: true
  })
} as const
