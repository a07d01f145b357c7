import { z } from 'zod'

export const SESSION_END_REASONS = [
  'signed-out',
  'idle-timeout',
  'deactivated',
  'role-removed',
  'password-changed',
  'support-access-disabled',
  'support-access-expired',
  'core-stopped',
  'signed-out-everywhere'
] as const
export type SessionEndReason = (typeof SESSION_END_REASONS)[number]

/** Events the core pushes to one connection's window (or WebSocket). */
export const contractEvents = {
  'session:ended': z.object({ reason: z.enum(SESSION_END_REASONS), message: z.string() }),
  /** Something this session can see changed; `topics` name features (e.g. "users", "audit"). */
  'data:changed': z.object({ topics: z.array(z.string()) }),
  /** The session's role or permissions changed; the renderer refreshes `auth:status`. */
  'session:changed': z.object({}),
  'job:progress': z.object({ jobId: z.string(), done: z.number(), total: z.number().nullable(), label: z.string() })
} as const

export type EventName = keyof typeof contractEvents
export type EventPayload<E extends EventName> = z.infer<(typeof contractEvents)[E]>
export const EVENT_NAMES = Object.keys(contractEvents) as EventName[]
