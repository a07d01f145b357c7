import { z } from 'zod'
import { PERMISSIONS, ROLES } from '../permissions'
import { channel } from './define'
import { email, id, password, personName } from './common'

export const principal = z.object({
  kind: z.enum(['member', 'support']),
  personId: id,
  name: z.string(),
  email: z.string(),
  role: z.enum(ROLES).nullable(),
  accountId: id,
  accountName: z.string(),
  plan: z.enum(['trial', 'paid'])
})
export type Principal = z.infer<typeof principal>

export const sessionInfo = z.object({
  principal,
  permissions: z.array(z.enum(PERMISSIONS)),
  idleTimeoutMinutes: z.number().int(),
  startedAt: z.number(),
  /**
   * A support agent's session only: when the account's support access ends (null: no end date),
   * shown in the agent's banner; refreshed with `auth:status` on `session:changed`. Absent for members.
   */
  supportAccessEndsAt: z.number().nullable().optional()
})
export type SessionInfo = z.infer<typeof sessionInfo>

export const accountSummary = z.object({ id, name: z.string() })

export const plan = z.enum(['trial', 'paid'])

export const authChannels = {
  /** Is there an account yet; which accounts exist; who is signed in on this connection. */
  'auth:status': channel({
    input: z.object({}).strict().optional(),
    output: z.object({
      initialized: z.boolean(),
      accounts: z.array(accountSummary),
      session: sessionInfo.nullable()
    }),
    access: 'public',
    mutates: false
  }),
  /** First-run setup: account and Owner. Returns the store's recovery key, shown once. */
  'auth:setup': channel({
    input: z
      .object({
        accountName: z.string().trim().min(1, 'Enter the account name').max(120),
        plan,
        seats: z.number().int().min(1, 'At least one seat').max(100000),
        ownerName: personName,
        ownerEmail: email,
        ownerPassword: password
      })
      .strict(),
    output: z.object({ recoveryKey: z.string(), session: sessionInfo }),
    access: 'public',
    mutates: true,
    // First run: no other session of the account exists yet.
    invalidates: []
  }),
  'auth:sign-in': channel({
    input: z.object({ email, password }).strict(),
    output: sessionInfo,
    access: 'public',
    mutates: true,
    invalidates: ['users', 'audit'],
    exceptCaller: true
  }),
  'auth:sign-out': channel({
    input: z.object({}).strict().optional(),
    output: z.object({ signedOut: z.literal(true) }),
    access: 'session',
    mutates: true,
    // The caller's session has ended before the publish.
    invalidates: ['audit']
  })
} as const
