import { z } from 'zod'
import { channel } from './define'
import { id } from './common'

const time = z.number().int().nonnegative()

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
