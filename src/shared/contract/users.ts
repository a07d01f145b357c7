import { z } from 'zod'
import { ROLES } from '../permissions'
import { channel } from './define'
import { id, pageLimit } from './common'

export const USER_STATUSES = ['active', 'invited', 'expired', 'deactivated'] as const
export const USER_SORTS = ['name', 'email', 'lastLogin'] as const

export const userRow = z.object({
  id,
  personId: id,
  name: z.string(),
  email: z.string(),
  role: z.enum(ROLES),
  status: z.enum(USER_STATUSES),
  lastLoginAt: z.number().nullable(),
  createdAt: z.number()
})
export type UserRow = z.infer<typeof userRow>

/** Opaque keyset cursor: the last row's sort value and id. */
export const userCursor = z.object({ value: z.union([z.string(), z.number(), z.null()]), id })

export const usersChannels = {
  'users:list': channel({
    input: z
      .object({
        search: z.string().trim().max(200).optional(),
        status: z.enum(USER_STATUSES).optional(),
        role: z.enum(ROLES).optional(),
        sort: z.enum(USER_SORTS).default('name'),
        direction: z.enum(['asc', 'desc']).default('asc'),
        after: userCursor.optional(),
        limit: pageLimit
      })
      .strict(),
    output: z.object({
      rows: z.array(userRow),
      next: userCursor.nullable(),
      /** Rows matching the filters; only on the first page (null when `after` is given). */
      total: z.number().int().nullable(),
      /** Account-wide counts per status for the filter chips; only on the first page. */
      counts: z.record(z.enum(USER_STATUSES), z.number().int()).nullable()
    }),
    access: 'users:read',
    mutates: false
  })
} as const
