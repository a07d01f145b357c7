import { z } from 'zod'
import { channel } from './define'
import { email, id, password } from './common'
import { plan } from './auth'
import { seatUse } from './users'

export const SMTP_TLS_MODES = ['none', 'starttls', 'tls'] as const

export const smtpSettingsInput = z
  .object({
    host: z
      .string()
      .trim()
      .min(1, 'Enter the mail server')
      .max(253)
      .regex(/^[A-Za-z0-9.:[\]-]+$/, 'Enter a host name or IP address'),
    port: z.number().int().min(1).max(65535),
    /** none: plain (only sensible on a trusted network); starttls: upgrade (usually 587); tls: implicit TLS (usually 465). */
    tls: z.enum(SMTP_TLS_MODES),
    user: z.string().trim().max(254).default(''),
    /** Omitted: keep the stored password. '' removes it. Stored inside the encrypted database. */
    password: z.string().max(1024).optional(),
    from: email,
    fromName: z.string().trim().max(120).default('Gatehouse')
  })
  .strict()

export const smtpSettings = z.object({
  host: z.string(),
  port: z.number().int(),
  tls: z.enum(SMTP_TLS_MODES),
  user: z.string(),
  /** The password itself never leaves the core. */
  hasPassword: z.boolean(),
  from: z.string(),
  fromName: z.string(),
  updatedAt: z.number()
})
export type SmtpSettings = z.infer<typeof smtpSettings>

/**
 * Settings → Account. SMTP exists to deliver invitations, so it needs 'users:manage' like inviting.
 * Ownership transfer is the Owner's alone and asks for the password again.
 */
const accountSettings = z.object({
  id,
  name: z.string(),
  plan,
  seats: seatUse,
  idleTimeoutMinutes: z.number().int(),
  createdAt: z.number(),
  owner: z.object({ membershipId: id, name: z.string(), email: z.string() })
})

/** Sessions end after this long without a call: from five minutes to a working day. */
export const IDLE_TIMEOUT_RANGE = { min: 5, max: 720 } as const

export const settingsChannels = {
  'settings:account': channel({
    input: z.object({}).strict().optional(),
    output: accountSettings,
    access: 'users:read',
    mutates: false
  }),
  /**
   * The Owner changes the account's name, its seats (never below the seats in use) or how long a
   * session may sit idle; any subset, audited with before and after. Open windows show the new name
   * at once (session:changed); a shorter idle timeout applies to every session's next call.
   */
  'settings:account-update': channel({
    input: z
      .object({
        name: z.string().trim().min(1, 'Enter the account name').max(120, 'At most 120 characters').optional(),
        seats: z.number().int('Seats must be a whole number').min(1, 'At least one seat').max(100_000, 'At most 100,000 seats').optional(),
        idleTimeoutMinutes: z
          .number()
          .int('Minutes must be a whole number')
          .min(IDLE_TIMEOUT_RANGE.min, `At least ${IDLE_TIMEOUT_RANGE.min} minutes`)
          .max(IDLE_TIMEOUT_RANGE.max, `At most ${IDLE_TIMEOUT_RANGE.max} minutes (12 hours)`)
          .optional()
      })
      .strict(),
    output: accountSettings,
    access: 'account:owner',
    mutates: true,
    invalidates: ['account', 'users', 'audit']
  }),
  /** Null when no mail server is configured (invitations then show their link to copy). */
  'settings:smtp-get': channel({
    input: z.object({}).strict().optional(),
    output: smtpSettings.nullable(),
    access: 'users:manage',
    mutates: false
  }),
  /** Save the mail server, or remove it with `smtp: null`. */
  'settings:smtp-set': channel({
    input: z.object({ smtp: smtpSettingsInput.nullable() }).strict(),
    output: smtpSettings.nullable(),
    access: 'users:manage',
    mutates: true,
    invalidates: ['settings', 'audit']
  }),
  /** Send a test email (to the caller unless `to` is given) through the saved server; reports the outcome. */
  'settings:smtp-test': channel({
    input: z.object({ to: email.optional() }).strict().optional(),
    output: z.object({ delivered: z.boolean(), to: z.string(), message: z.string() }),
    access: 'users:manage',
    mutates: false
  }),
  /**
   * The Owner hands the account to an active Admin, re-entering their password; the old Owner
   * becomes an Admin. Both people's open windows are told (`session:changed`).
   */
  'account:transfer-ownership': channel({
    input: z.object({ toMembershipId: id, password }).strict(),
    output: z.object({ previousOwnerId: id, newOwnerId: id }),
    access: 'account:owner',
    mutates: true,
    invalidates: ['users', 'settings', 'audit']
  })
} as const
