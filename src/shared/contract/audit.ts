import { z } from 'zod'
import { ROLES } from '../permissions'
import { AUDIT_ACTION_CODES, type AuditAction } from '../audit-actions'
import { channel } from './define'
import { id, pageLimit } from './common'

export const ACTOR_KINDS = ['member', 'support', 'system', 'delegate'] as const

/**
 * A catalogued audit action code (src/shared/audit-actions.ts). Not yet used by `auditEvent` or the
 * `audit:list` filter: stored rows may hold codes from before the catalog.
 */
export const auditAction = z.enum(AUDIT_ACTION_CODES as [AuditAction, ...AuditAction[]])

export const auditActor = z.object({
  kind: z.enum(ACTOR_KINDS),
  id: z.string().nullable(),
  name: z.string(),
  email: z.string().nullable(),
  role: z.enum(ROLES).nullable()
})
export type AuditActor = z.infer<typeof auditActor>

export const auditEvent = z.object({
  seq: z.number().int(),
  time: z.number(),
  actor: auditActor,
  action: z.string(),
  summary: z.string(),
  target: z.object({ type: z.string(), id: z.string().nullable(), name: z.string().nullable() }),
  before: z.unknown().nullable(),
  after: z.unknown().nullable(),
  ip: z.string().nullable(),
  device: z.string().nullable()
})
export type AuditEventDto = z.infer<typeof auditEvent>

export const auditChannels = {
  /** Newest first; `before` is the last seen sequence number (keyset paging). */
  'audit:list': channel({
    input: z
      .object({
        before: z.number().int().positive().optional(),
        action: z.string().max(80).optional(),
        actorId: id.optional(),
        limit: pageLimit
      })
      .strict(),
    output: z.object({ rows: z.array(auditEvent), next: z.number().int().nullable() }),
    access: 'audit:read',
    mutates: false
  })
} as const
