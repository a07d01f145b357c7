import { z } from 'zod'
import { SUPPORT_SCOPES } from '../permissions'
import { channel } from './define'
import { email, id, pageLimit, password } from './common'
import { SESSION_END_REASONS } from './events'
import { sessionInfo } from './auth'

/**
 * Support Team Access (issue 4; SPEC.md "Support Team Access"): the Owner lets the vendor's
 * support agents into the account for a while, with a scope, and can take it back at once.
 *
 * Every `support-access:*` channel needs `support-access:manage`, which only the Owner holds:
 * Admins, Agents, Viewers and support agents themselves get FORBIDDEN. Support agents sign in with
 * `auth:support-sign-in` (public). Times are epoch milliseconds (the core's clock).
 */

export { SUPPORT_SCOPES }
export type SupportScope = (typeof SUPPORT_SCOPES)[number]
export const supportScope = z.enum(SUPPORT_SCOPES)

export const SUPPORT_DURATIONS = ['day', 'week', 'month', 'year', 'indefinite'] as const
export type SupportDuration = (typeof SUPPORT_DURATIONS)[number]
export const supportDuration = z.enum(SUPPORT_DURATIONS)

/** Labels for the duration picker and the log ("One day", …). */
export const SUPPORT_DURATION_LABELS: Readonly<Record<SupportDuration, string>> = {
  day: 'One day',
  week: 'One week',
  month: 'One month',
  year: 'One year',
  indefinite: 'Indefinitely'
}

export const SUPPORT_SCOPE_LABELS: Readonly<Record<SupportScope, string>> = {
  'read-only': 'Read-only',
  full: 'Full (as an Admin, without exports, ownership, delegated access or this screen)'
}

/** What a support-access log row records. */
export const SUPPORT_LOG_ACTIONS = ['extend', 'change', 'disable', 'expire', 'trial-converted'] as const
export type SupportLogAction = (typeof SUPPORT_LOG_ACTIONS)[number]
export const SUPPORT_LOG_ACTION_LABELS: Readonly<Record<SupportLogAction, string>> = {
  extend: 'Extend',
  change: 'Change',
  disable: 'Disable',
  expire: 'Expire',
  'trial-converted': 'Trial converted'
}

/** "How it ended" for the support login history; null on a row means the session is still live. */
export const SUPPORT_SESSION_END_LABELS: Readonly<Record<(typeof SESSION_END_REASONS)[number], string>> = {
  'signed-out': 'Signed out',
  'support-access-disabled': 'Access turned off',
  'support-access-expired': 'Access expired',
  'idle-timeout': 'Idle timeout',
  // A removed agent's sessions end with this reason.
  deactivated: 'Agent removed',
  'role-removed': 'Agent removed',
  'password-changed': 'Password changed',
  'core-stopped': 'Gatehouse stopped',
  'signed-out-everywhere': 'Signed out everywhere'
}

const reason = z.string().trim().max(500, 'A reason has at most 500 characters')

/** A support agent as the Owner sees it (read-only: the vendor provisions agents from the CLI). */
export const supportAgentRow = z.object({
  id,
  name: z.string(),
  email: z.string(),
  addedAt: z.number(),
  /** Last successful sign-in into THIS account; null if never. */
  lastLoginAt: z.number().nullable(),
  /** Live sessions of this agent in this account right now. */
  liveSessions: z.number().int()
})
export type SupportAgentRow = z.infer<typeof supportAgentRow>

/** One possible new duration while access is on (a Change counts from when access was turned on). */
export const supportChangeOption = z.object({
  duration: supportDuration,
  /** The end time this choice would give; null for indefinite. */
  endsAt: z.number().nullable(),
  /** False when that end time has already passed (the core would refuse it). */
  allowed: z.boolean()
})

export const supportAccessStatus = z.object({
  plan: z.enum(['trial', 'paid']),
  /** True on trial accounts: access is always on and there is no toggle (see `trialExplanation`). */
  trial: z.boolean(),
  state: z.enum(['on', 'off']),
  scope: supportScope.nullable(),
  duration: supportDuration.nullable(),
  /** When access was last turned on (a Change keeps it); null while off or on a trial. */
  startedAt: z.number().nullable(),
  /** Null while off, or when on with no end date. */
  endsAt: z.number().nullable(),
  reason: z.string().nullable(),
  /** The core's clock when this status was computed, so a renderer countdown agrees with the core. */
  now: z.number(),
  /** Milliseconds left while on with an end date; otherwise null. */
  remainingMs: z.number().nullable(),
  /**
   * The status line, composed in the core in English with `timeZone` (input) or the host's zone:
   * "On — read-only — ends in 6 days 23 hours (Mon 30 Nov 2026, 14:02)", "On — full — no end date",
   * "Off", or the trial line. `lineParts` has the same pieces for a renderer that formats itself.
   */
  line: z.string(),
  lineParts: z.object({
    state: z.enum(['On', 'Off']),
    scope: z.string().nullable(),
    /** "6 days 23 hours", "3 hours 12 minutes", "less than a minute"; null without an end date. */
    remaining: z.string().nullable(),
    /** "Mon 30 Nov 2026, 14:02" in `timeZone`; null without an end date. */
    endsAtText: z.string().nullable(),
    timeZone: z.string()
  }),
  /** Only on trial accounts: the one line that explains why there is no toggle. */
  trialExplanation: z.string().nullable(),
  /** Who made the current state, and when (null before the first change). */
  changedAt: z.number().nullable(),
  changedBy: z.object({ name: z.string(), email: z.string().nullable(), kind: z.enum(['member', 'system']) }).nullable(),
  /** Live support sessions in this account right now. */
  liveSessions: z.number().int(),
  /** While on (paid accounts): the end time each duration would give if chosen in a Change. */
  changeOptions: z.array(supportChangeOption),
  agents: z.array(supportAgentRow)
})
export type SupportAccessStatus = z.infer<typeof supportAccessStatus>

export const supportLogRow = z.object({
  id: z.number().int(),
  /** When the action took effect: for Expire, the end time itself (not when it was noticed). */
  time: z.number(),
  action: z.enum(SUPPORT_LOG_ACTIONS),
  /** 'system' for Expire; the Owner otherwise. */
  actorKind: z.enum(['member', 'system']),
  ownerName: z.string(),
  ownerEmail: z.string().nullable(),
  /** Extend/Change: the new grant. Disable/Expire/Trial converted: the grant that ended. */
  duration: supportDuration,
  scope: supportScope,
  /** Extend/Change: the new end (null = no end date). Disable/Expire/Trial converted: when access ended. */
  endsAt: z.number().nullable(),
  reason: z.string().nullable(),
  /** Support sessions this action ended. */
  sessionsEnded: z.number().int(),
  /** The ordinary audit event written with this row (same transaction). */
  auditSeq: z.number().int()
})
export type SupportLogRow = z.infer<typeof supportLogRow>

export const supportLoginRow = z.object({
  /** The session's id. */
  id,
  agentId: id,
  agentName: z.string(),
  agentEmail: z.string(),
  loginAt: z.number(),
  /** Null while the session is live. */
  logoutAt: z.number().nullable(),
  /** logoutAt − loginAt; null while live. */
  durationMs: z.number().nullable(),
  /** How it ended (labels in SUPPORT_SESSION_END_LABELS); null while live. */
  endReason: z.enum(SESSION_END_REASONS).nullable(),
  ip: z.string().nullable(),
  device: z.string().nullable()
})
export type SupportLoginRow = z.infer<typeof supportLoginRow>

/** Keyset cursor of the login history (newest first): the last row's login time and id. */
export const supportLoginCursor = z.object({ loginAt: z.number(), id }).strict()

const loginFilters = {
  /** Sessions that started at or after `from` (inclusive) … */
  from: z.number().optional(),
  /** … and before `to` (exclusive). */
  to: z.number().optional(),
  agentId: id.optional()
}

/** A CSV file produced in the core: RFC 4180, UTF-8, cells beginning with = + - @ neutralised. */
export const csvExport = z.object({
  filename: z.string(),
  mimeType: z.literal('text/csv'),
  content: z.string(),
  rows: z.number().int()
})
export type CsvExport = z.infer<typeof csvExport>

const grantInput = z
  .object({
    duration: supportDuration,
    scope: supportScope,
    /** An optional reason or ticket reference. */
    reason: reason.optional()
  })
  .strict()

const changeResult = z.object({ status: supportAccessStatus, entry: supportLogRow })

const statusInput = z
  .object({
    /** IANA zone for `line` (e.g. "Europe/Berlin"); default: the zone of the machine running Gatehouse. */
    timeZone: z.string().min(1).max(64).optional()
  })
  .strict()
  .optional()

export const supportAccessChannels = {
  'support-access:status': channel({
    input: statusInput,
    output: supportAccessStatus,
    access: 'support-access:manage',
    mutates: false
  }),
  /**
   * Turn access on (paid accounts, while off). The end time counts from now: day = 24 h,
   * week = 7 days, month/year = the same time one calendar month/year later (UTC), indefinite = none.
   * CONFLICT when already on ("change it instead") or on a trial account.
   */
  'support-access:extend': channel({
    input: grantInput,
    output: changeResult,
    access: 'support-access:manage',
    mutates: true,
    // 'support-access' goes to the Owner's windows by hand.
    invalidates: ['audit'],
    exceptCaller: true
  }),
  /**
   * While on: a new duration and/or scope. The duration counts from when access was turned on
   * (`status.startedAt`), so a Change can extend or shorten; an end time already past is refused
   * (CONFLICT; `status.changeOptions` says which choices are allowed). A narrower scope applies to
   * live support sessions on their next call. CONFLICT while off or on a trial account.
   */
  'support-access:change': channel({
    input: grantInput,
    output: changeResult,
    access: 'support-access:manage',
    mutates: true,
    // 'support-access' goes to the Owner's windows by hand.
    invalidates: ['audit'],
    exceptCaller: true
  }),
  /**
   * Turn access off at once: every live support session ends (each window is told "Support access
   * was turned off by the account owner") and new support sign-ins are refused. CONFLICT while off
   * or on a trial account.
   */
  'support-access:disable': channel({
    input: z.object({ reason: reason.optional() }).strict().optional(),
    output: changeResult,
    access: 'support-access:manage',
    mutates: true,
    // 'support-access' goes to the Owner's windows by hand.
    invalidates: ['audit'],
    exceptCaller: true
  }),
  /** The support-access log, newest first; `before` is the last seen row id (keyset). */
  'support-access:log': channel({
    input: z.object({ before: z.number().int().positive().optional(), limit: pageLimit }).strict(),
    output: z.object({ rows: z.array(supportLogRow), next: z.number().int().nullable() }),
    access: 'support-access:manage',
    mutates: false
  }),
  /** The whole support-access log as CSV (newest first). */
  'support-access:export-log': channel({
    input: z.object({}).strict().optional(),
    output: csvExport,
    access: 'support-access:manage',
    mutates: false,
    heavy: true
  }),
  /** Support login history (one row per support session), newest first, keyset paged. */
  'support-access:logins': channel({
    input: z.object({ ...loginFilters, after: supportLoginCursor.optional(), limit: pageLimit }).strict(),
    output: z.object({ rows: z.array(supportLoginRow), next: supportLoginCursor.nullable() }),
    access: 'support-access:manage',
    mutates: false
  }),
  /** The support login history with the same filters, as CSV. */
  'support-access:export-logins': channel({
    input: z.object(loginFilters).strict(),
    output: csvExport,
    access: 'support-access:manage',
    mutates: false,
    heavy: true
  }),
  /**
   * "Sign in as support agent": a vendor agent into one account (`account` is its id, from
   * `auth:status.accounts`). Refused with FORBIDDEN and a clear message while that account's access
   * is off or expired; wrong credentials are UNAUTHENTICATED; lockout (LOCKED) as for members.
   * The session has exactly the granted scope (see `SUPPORT_SCOPE_PERMISSIONS`).
   */
  'auth:support-sign-in': channel({
    input: z.object({ email, password, account: id }).strict(),
    output: sessionInfo,
    access: 'public',
    mutates: true,
    // 'support-access' goes to the Owner's windows by hand.
    invalidates: ['audit'],
    exceptCaller: true
  }),
  /**
   * Settings → Account: the Owner converts a trial account to paid. Support access (always on
   * during the trial) turns off and live support sessions end; logged as "Trial converted".
   * CONFLICT when the account is already paid.
   */
  'account:convert-to-paid': channel({
    input: z.object({}).strict().optional(),
    output: z.object({ plan: z.literal('paid'), sessionsEnded: z.number().int() }),
    access: 'account:owner',
    mutates: true,
    invalidates: ['account', 'audit']
  })
} as const
