import { z } from 'zod'
import { ROLES } from '../permissions'
import { channel } from './define'
import { linkToken, password, personName } from './common'
import { sessionInfo } from './auth'
import { INVITE_LINK_PREFIX } from './users'

/** A token, or the whole `gatehouse://invite/<token>` link pasted as is. */
export const invitationToken = linkToken(INVITE_LINK_PREFIX, 'This is not a Gatehouse invitation link')

export const INVITATION_STATES = ['pending', 'expired', 'accepted', 'revoked', 'replaced'] as const

export const invitationsChannels = {
  /**
   * What an invitation link is for, before accepting it (no session needed). An unknown token is
   * NOT_FOUND; a used, revoked, replaced or expired one says so in `state`.
   */
  'invitations:inspect': channel({
    input: z.object({ token: invitationToken }).strict(),
    output: z.object({
      accountName: z.string(),
      email: z.string(),
      /** The role the person will have; null once the invitation was revoked (the membership is gone). */
      role: z.enum(ROLES).nullable(),
      state: z.enum(INVITATION_STATES),
      expiresAt: z.number(),
      /** False when the person already has a Gatehouse password (another account): they confirm it instead of choosing one. */
      choosesPassword: z.boolean(),
      /** The name the inviter gave, if any, to prefill the form. */
      suggestedName: z.string().nullable()
    }),
    access: 'public',
    mutates: false
  }),
  /**
   * Accept: name and password (12+ characters, not the email, not a common password) make the
   * person Active; writes a login event and an audit event and signs this connection in.
   */
  'invitations:accept': channel({
    input: z.object({ token: invitationToken, name: personName, password }).strict(),
    output: sessionInfo,
    access: 'public',
    mutates: true,
    invalidates: ['users', 'audit'],
    exceptCaller: true
  })
} as const
