import { z } from 'zod'
import { channel } from './define'
import { linkToken, password } from './common'
import { sessionInfo } from './auth'
import { RESET_LINK_PREFIX } from './users'

/** A token, or the whole `gatehouse://reset/<token>` link pasted as is. */
export const resetToken = linkToken(RESET_LINK_PREFIX, 'This is not a Gatehouse password reset link')

export const PASSWORD_RESET_STATES = ['pending', 'expired', 'used', 'replaced'] as const

export const passwordResetChannels = {
  /** What a reset link is for, before using it (no session needed). Unknown: NOT_FOUND; used, replaced or expired: `state` says so. */
  'password-reset:inspect': channel({
    input: z.object({ token: resetToken }).strict(),
    output: z.object({
      accountName: z.string(),
      email: z.string(),
      state: z.enum(PASSWORD_RESET_STATES),
      expiresAt: z.number()
    }),
    access: 'public',
    mutates: false
  }),
  /**
   * Choose the new password (12+ characters, not the email, not a common password): it replaces the
   * old one in every account of the person, their other sessions end, the sign-in lockout is
   * lifted, and this connection is signed in. Audited as the person.
   */
  'password-reset:complete': channel({
    input: z.object({ token: resetToken, password }).strict(),
    output: sessionInfo,
    access: 'public',
    mutates: true,
    invalidates: ['users', 'audit'],
    exceptCaller: true
  })
} as const
