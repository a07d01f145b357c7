import { z } from 'zod'
import { ROLES } from '../permissions'
import { channel } from './define'
import { id, password, personName } from './common'
import { AGENT_PERMISSIONS, avatarDataUrl, teamRef } from './users'

export const THEMES = ['light', 'dark', 'system'] as const
export type Theme = (typeof THEMES)[number]

/** The renderer's languages (its message catalog has one table per code): English, German. */
export const LANGUAGES = ['en', 'de'] as const
export type Language = (typeof LANGUAGES)[number]
export const language = z.enum(LANGUAGES, { error: 'Choose English (en) or Deutsch (de)' })

export const profileDto = z.object({
  personId: id,
  membershipId: id,
  name: z.string(),
  email: z.string(),
  role: z.enum(ROLES),
  avatar: z.string().nullable(),
  theme: z.enum(THEMES),
  language,
  teams: z.array(teamRef),
  /** The caller's own agent custom permissions (empty for other roles). */
  permissions: z.array(z.enum(AGENT_PERMISSIONS)),
  accountName: z.string()
})
export type ProfileDto = z.infer<typeof profileDto>

/** Personal settings: every role has these, for itself only. */
export const profileChannels = {
  'profile:get': channel({
    input: z.object({}).strict().optional(),
    output: profileDto,
    access: 'profile:self',
    mutates: false
  }),
  /** Any subset of name, avatar (null removes it; at most 256 KB after resizing), theme and language. */
  'profile:update': channel({
    input: z
      .object({ name: personName.optional(), avatar: avatarDataUrl.nullable().optional(), theme: z.enum(THEMES).optional(), language: language.optional() })
      .strict(),
    output: profileDto,
    access: 'profile:self',
    mutates: true,
    // Today published only when the name changed.
    invalidates: ['users', 'audit']
  }),
  /** Needs the current password; the new one follows the sign-up rules. Ends this person's other sessions. */
  'profile:change-password': channel({
    input: z.object({ current: password, next: password }).strict(),
    output: z.object({ changed: z.literal(true), otherSessionsEnded: z.number().int() }),
    access: 'profile:self',
    mutates: true,
    invalidates: ['audit']
  })
} as const
