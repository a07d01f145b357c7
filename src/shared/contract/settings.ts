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
export const settingsChannels = {
  'settings:account': channel({
    input: z.object({}).strict().optional(),
    output: z.object({
      id,
      name: z.string(),
      plan,
      seats: seatUse,
      idleTimeoutMinutes: z.number().int(),
      createdAt: z.number(),
      owner: z.object({ membershipId: id, name: z.string(), email: z.string() })
    }),
    access: 'users:read',
    mutates: false
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
