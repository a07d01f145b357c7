import { z } from 'zod'
import { ROLES } from '../permissions'
import { channel } from './define'
import { id } from './common'
import { AUDIT_EXPORT_FORMATS } from './audit'

const time = z.number().int().nonnegative()

/**
 * How a sign-in was attempted: a password, single sign-on, a vendor support agent, accepting an
 * invitation, or 'reauth' (a signed-in member confirming their password before a sensitive change).
 */
export const LOGIN_METHODS = ['password', 'sso', 'support', 'invitation', 'reauth'] as const
export type LoginMethodName = (typeof LOGIN_METHODS)[number]
/** 'locked': refused without checking the password because the email was locked out. */
export const LOGIN_RESULTS = ['success', 'failure', 'locked'] as const
export type LoginResultName = (typeof LOGIN_RESULTS)[number]

/** What the account-wide login history is narrowed to; every part is optional and they combine. */
export const loginFilter = z
  .object({
    /** Start of the time range (ms, inclusive). */
    from: time.optional(),
    /** End of the time range (ms, exclusive). */
    to: time.optional(),
    /** One member's attempts (their membership in this account). */
    membershipId: id.optional(),
    /** Attempts with this email typed in (any letter case), known to the account or not. */
    email: z.string().trim().min(1).max(254, 'An email address has at most 254 characters').optional(),
    method: z.enum(LOGIN_METHODS).optional(),
    result: z.enum(LOGIN_RESULTS).optional(),
    /** From this address exactly. */
    ip: z.string().trim().min(1).max(64, 'An IP address has at most 64 characters').optional()
  })
  .strict()
  .refine((f) => f.from === undefined || f.to === undefined || f.from < f.to, { message: 'The time range must end after it starts', path: ['to'] })
export type LoginFilterDto = z.infer<typeof loginFilter>

/** A position in the history, newest first by time then id: the last row of a page. */
export const loginCursor = z.object({ time, id: z.number().int().positive() }).strict()
export type LoginCursor = z.infer<typeof loginCursor>

/** One sign-in attempt as the account-wide history shows it. */
export const loginEventRow = z.object({
  id: z.number().int(),
  time: z.number(),
  kind: z.enum(['member', 'support']),
  /** The member (null for a support agent, or a person no longer in the account). */
  membershipId: z.string().nullable(),
  /** The person's or agent's name now; null when the email typed is nobody's. */
  name: z.string().nullable(),
  email: z.string(),
  method: z.enum(LOGIN_METHODS),
  /** SSO: the identity provider it went through. */
  provider: z.string().nullable(),
  result: z.enum(LOGIN_RESULTS),
  reason: z.string().nullable(),
  ip: z.string().nullable(),
  device: z.string().nullable()
})
export type LoginEventRowDto = z.infer<typeof loginEventRow>

/** How long without a sign-in makes an active member dormant; 'never': never signed in at all. */
export const DORMANT_PERIODS = ['30', '60', '90', 'never'] as const
export type DormantPeriod = (typeof DORMANT_PERIODS)[number]
/** A page of dormant members, oldest sign-in first (never first of all), then by person. */
export const dormantCursor = z.object({ lastLoginAt: time, personId: id }).strict()
export type DormantCursor = z.infer<typeof dormantCursor>
export const dormantRow = z.object({
  membershipId: z.string(),
  personId: z.string(),
  name: z.string(),
  email: z.string(),
  role: z.enum(ROLES),
  /** Null: never signed in. */
  lastLoginAt: z.number().nullable(),
  /** When they were invited (added to the account). */
  addedAt: z.number()
})
export type DormantRowDto = z.infer<typeof dormantRow>
/** Rows per export page of the login history. */
export const LOGIN_EXPORT_PAGE = 5000

/** Where a person signed in from: an address or a device (browser and OS), with when it was first and last seen. */
const seen = z.object({ value: z.string(), firstSeen: z.number(), lastSeen: z.number(), signIns: z.number().int() })

export const loginHistory = z.object({
  email: z.string(),
  lastLogin: z.number().nullable(),
  /** Successful sign-ins per bin of `bounds` (the viewer's last 30 days). */
  perDay: z.array(z.number().int().nonnegative()),
  /** Failed attempts in the same 30 days. */
  failedLast30: z.number().int().nonnegative(),
  /** Newest first, at most 20 each. */
  addresses: z.array(seen),
  devices: z.array(seen),
  /** The latest failed attempts (the email typed, why it failed). */
  failures: z.array(z.object({ time: z.number(), reason: z.string().nullable(), method: z.string(), ip: z.string().nullable(), device: z.string().nullable() })),
  /** The current lockout of their email, if any (sign-in refused until then). */
  lockedUntil: z.number().nullable(),
  /** Their live sessions in this account, now. */
  sessions: z.array(z.object({ startedAt: z.number(), lastSeenAt: z.number(), ip: z.string().nullable(), device: z.string().nullable() }))
})
export type LoginHistoryDto = z.infer<typeof loginHistory>

export const loginHistoryChannels = {
  /** One person's sign-ins: the 30-day chart, addresses, devices, failures, lockout and live sessions. */
  'users:login-history': channel({
    input: z
      .object({
        membershipId: id,
        bounds: z.array(time).min(2).max(62)
      })
      .strict()
      .refine((i) => i.bounds.every((b, k) => k === 0 || b > i.bounds[k - 1]!), { message: 'The bins must be in ascending time order', path: ['bounds'] }),
    output: loginHistory,
    access: 'audit:read',
    mutates: false
  }),
  /**
   * Every sign-in attempt in the account, newest first, keyset-paged (`after` is the last row of the
   * page before). Support agents' attempts appear for the Owner only.
   */
  'login-history:list': channel({
    input: z.object({ filter: loginFilter.default({}), after: loginCursor.optional(), limit: z.number().int().min(1).max(500).default(100) }).strict(),
    output: z.object({ rows: z.array(loginEventRow), next: loginCursor.nullable() }),
    access: 'audit:read',
    mutates: false
  }),
  /**
   * Active members with no sign-in for `period` days (those who never signed in among them), or who
   * never signed in, oldest sign-in first; `total` counts them all. Deactivating them is
   * `users:bulk-deactivate` (Owner and Admin).
   */
  'login-history:dormant': channel({
    input: z
      .object({ period: z.enum(DORMANT_PERIODS), after: dormantCursor.optional(), limit: z.number().int().min(1).max(5000).default(100) })
      .strict(),
    output: z.object({ rows: z.array(dormantRow), next: dormantCursor.nullable(), total: z.number().int().nonnegative() }),
    access: 'audit:read',
    mutates: false
  }),
  /**
   * Starts an export of the filter (an audit event says who exported what): the range closes at this
   * moment, so the file holds what `total` counts. The pages follow by `login-history:export-page`
   * with the returned filter.
   */
  'login-history:export-start': channel({
    input: z.object({ filter: loginFilter.default({}), format: z.enum(AUDIT_EXPORT_FORMATS) }).strict(),
    output: z.object({ fileName: z.string(), filter: loginFilter, total: z.object({ count: z.number().int().nonnegative(), exact: z.boolean() }) }),
    access: 'reports:export',
    mutates: false
  }),
  /**
   * One page of an export as text, newest first: CSV (UTF-8 with a BOM, CRLF, times in UTC, cells that
   * could run as formulas neutralised; the header with the first page) or JSON Lines (one attempt
   * per line, as `login-history:list` gives it).
   */
  'login-history:export-page': channel({
    input: z
      .object({
        filter: loginFilter.default({}),
        format: z.enum(AUDIT_EXPORT_FORMATS),
        after: loginCursor.optional(),
        limit: z.number().int().min(1).max(10_000).default(LOGIN_EXPORT_PAGE)
      })
      .strict(),
    output: z.object({ text: z.string(), rows: z.number().int().nonnegative(), next: loginCursor.nullable() }),
    access: 'reports:export',
    mutates: false
  }),
  /** Lift the lockout of a person's email now (audited). */
  'users:unlock': channel({
    input: z.object({ membershipId: id }).strict(),
    output: z.object({ wasLocked: z.boolean() }),
    access: 'users:manage',
    mutates: true,
    invalidates: ['users', 'audit']
  }),
  /** End every live session of a person in this account at once; their windows return to sign-in, saying why (audited). */
  'users:sign-out-everywhere': channel({
    input: z.object({ membershipId: id }).strict(),
    output: z.object({ ended: z.number().int().nonnegative() }),
    access: 'users:manage',
    mutates: true,
    invalidates: ['users', 'audit']
  })
} as const
