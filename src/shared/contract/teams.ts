import { z } from 'zod'
import { channel } from './define'
import { id } from './common'

/** The seed's examples, offered as one-click names by the empty Teams screen. */
export const TEAM_EXAMPLES = ['Support Tier 1', 'Support Tier 2', 'Billing Team', 'Technical Support', 'VIP Support'] as const

/** Unique per account ignoring case; ';' and '|' are refused because they separate teams in CSV files. */
export const teamName = z
  .string()
  .trim()
  .min(1, 'Enter a team name')
  .max(80, 'A team name has at most 80 characters')
  .refine((name) => !/[;|]/.test(name), "A team name cannot contain ';' or '|'")

export const teamDescription = z.string().trim().max(500, 'A description has at most 500 characters')

export const teamDto = z.object({
  id,
  name: z.string(),
  description: z.string(),
  /** Every member of the team, whatever their status. */
  memberCount: z.number().int(),
  createdAt: z.number()
})
export type TeamDto = z.infer<typeof teamDto>

const membershipIds = z.array(id).max(50_000)

export const teamsChannels = {
  /** All teams of the account by name, with member counts. Members of one team: `users:list` with `teamId`. */
  'teams:list': channel({
    input: z.object({ search: z.string().trim().max(200).optional() }).strict().optional(),
    output: z.object({ teams: z.array(teamDto) }),
    access: 'users:read',
    mutates: false
  }),
  'teams:create': channel({
    input: z
      .object({
        name: teamName,
        description: teamDescription.default(''),
        /** Membership ids (users:list row ids) to add at once. */
        membershipIds: membershipIds.default([])
      })
      .strict(),
    output: teamDto,
    access: 'teams:manage',
    mutates: true,
    invalidates: ['teams', 'users', 'audit']
  }),
  'teams:update': channel({
    input: z.object({ teamId: id, name: teamName.optional(), description: teamDescription.optional() }).strict(),
    output: teamDto,
    access: 'teams:manage',
    mutates: true,
    invalidates: ['teams', 'users', 'audit']
  }),
  /** The team goes; its members stay in the account. */
  'teams:delete': channel({
    input: z.object({ teamId: id }).strict(),
    output: z.object({ deleted: z.literal(true), membersKept: z.number().int() }),
    access: 'teams:manage',
    mutates: true,
    invalidates: ['teams', 'users', 'audit']
  }),
  /** All or nothing; people already in the team are counted as unchanged. */
  'teams:add-members': channel({
    input: z.object({ teamId: id, membershipIds: membershipIds.min(1, 'Choose at least one person') }).strict(),
    output: z.object({ team: teamDto, changed: z.number().int(), unchanged: z.number().int() }),
    access: 'teams:manage',
    mutates: true,
    invalidates: ['teams', 'users', 'audit']
  }),
  'teams:remove-members': channel({
    input: z.object({ teamId: id, membershipIds: membershipIds.min(1, 'Choose at least one person') }).strict(),
    output: z.object({ team: teamDto, changed: z.number().int(), unchanged: z.number().int() }),
    access: 'teams:manage',
    mutates: true,
    invalidates: ['teams', 'users', 'audit']
  })
} as const
