import { z } from 'zod'
import { channel } from './define'
import { password } from './common'

/** How one way of opening the store's key is kept (a slot of the key envelope). */
const keySlot = z.object({
  present: z.boolean(),
  /** scrypt's cost (N) for passphrase and recovery slots; null for the OS keychain or an absent slot. */
  scryptN: z.number().int().nullable()
})

export const securityStatus = z.object({
  store: z.object({
    kind: z.enum(['sqlite', 'postgres']),
    /** The file path, or the PostgreSQL URL without its password. */
    location: z.string()
  }),
  keys: z.object({
    passphrase: keySlot,
    recovery: keySlot.extend({
      /** The last time a new recovery key replaced the old one (null: the one from first-run setup). */
      replacedAt: z.number().nullable(),
      replacedBy: z.string().nullable()
    }),
    /** The desktop app's copy in the operating system's keychain (Electron safeStorage). */
    keychain: keySlot
  }),
  ledger: z.object({ events: z.number().int(), lastSignedAt: z.number().nullable() }),
  capabilities: z.object({ replaceRecoveryKey: z.boolean() })
})
export type SecurityStatus = z.infer<typeof securityStatus>

/** Settings → Security: where the data and its key are kept; the Owner's. */
export const securityChannels = {
  'security:status': channel({
    input: z.object({}).strict().optional(),
    output: securityStatus,
    access: 'account:owner',
    mutates: false
  }),
  /**
   * A new recovery key replaces the old one (which stops opening the store at once), after the
   * Owner re-enters their password under the sign-in lockout rule. The key is returned once and
   * never stored in the clear.
   */
  'security:replace-recovery-key': channel({
    input: z.object({ password }).strict(),
    output: z.object({ recoveryKey: z.string() }),
    access: 'account:owner',
    mutates: true,
    invalidates: ['settings', 'audit']
  })
} as const
