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

export type ActorKind = (typeof ACTOR_KINDS)[number]

/** A position in the log, newest first by time then sequence number: the last row of a page. */
export const auditCursor = z.object({ time: z.number().int().nonnegative(), seq: z.number().int().positive() }).strict()
export type AuditCursor = z.infer<typeof auditCursor>

const time = z.number().int().nonnegative()

/** What the audit log is narrowed to; every part is optional and they combine. */
export const auditFilter = z
  .object({
    /** Start of the time range (ms, inclusive). */
    from: time.optional(),
    /** End of the time range (ms, exclusive). */
    to: time.optional(),
    actorKind: z.enum(ACTOR_KINDS).optional(),
    actorId: id.optional(),
    /** Any of these action codes (a catalog group, or one code). */
    actions: z.array(z.string().min(1).max(80)).min(1, 'Choose at least one action').max(100).optional(),
    targetType: z.string().min(1).max(40).optional(),
    targetId: z.string().min(1).max(200).optional(),
    /** Words to find in the summary, names, emails, values and IP address (see audit/repository.ts `searchWords`). */
    search: z.string().trim().min(1).max(200, 'A search has at most 200 characters').optional()
  })
  .strict()
  .refine((f) => f.from === undefined || f.to === undefined || f.from < f.to, { message: 'The time range must end after it starts', path: ['to'] })
export type AuditFilterDto = z.infer<typeof auditFilter>

export const AUDIT_EXPORT_FORMATS = ['csv', 'jsonl'] as const
export type AuditExportFormat = (typeof AUDIT_EXPORT_FORMATS)[number]
/** Rows per export page: the renderer writes each to the file as it comes (streamed, bounded memory). */
export const AUDIT_EXPORT_PAGE = 5000

/** How long the account keeps the content of its audit and login events (Settings → Account). */
export const AUDIT_RETENTIONS = ['forever', '1y', '3y', '7y'] as const
export type AuditRetention = (typeof AUDIT_RETENTIONS)[number]

/** The retention setting, and what a purge under it would remove now. */
export const retentionStatus = z.object({
  retention: z.enum(AUDIT_RETENTIONS),
  /** Events before this moment are past the period (null: forever). */
  cutoff: z.number().nullable(),
  /** Past the period and not yet purged: audit events, of them those a complete export holds, and login events. */
  due: z.object({ events: z.number().int().nonnegative(), exported: z.number().int().nonnegative(), loginEvents: z.number().int().nonnegative() }),
  /** The newest finished export of every event (the tree head it started at), if any. */
  lastExport: z.object({ finishedAt: z.number(), treeSize: z.number().int(), root: z.string() }).nullable(),
  /** Events whose content was purged so far. */
  purged: z.number().int().nonnegative()
})
export type RetentionStatusDto = z.infer<typeof retentionStatus>

export const VERIFY_MODES = ['full', 'incremental'] as const
export type VerifyMode = (typeof VERIFY_MODES)[number]

/** One "Verify integrity" run, as the screen shows it. */
export const verifyRun = z.object({
  mode: z.enum(VERIFY_MODES),
  outcome: z.enum(['passed', 'failed', 'cancelled']),
  startedAt: z.number(),
  finishedAt: z.number(),
  /** Events the run checked (full: all; incremental: those appended since the last pass). */
  events: z.number().int().nullable(),
  /** Why it failed or stopped, in words. */
  message: z.string().nullable(),
  /** The first bad sequence number, when one is known. */
  badSeq: z.number().int().nullable(),
  /** The signed tree head it ended at (passed runs): its size and root (hex). */
  head: z.object({ size: z.number().int(), root: z.string() }).nullable(),
  by: z.string()
})
export type VerifyRunDto = z.infer<typeof verifyRun>

export const auditChannels = {
  /** Newest first by time; `after` is the last row of the page before (keyset paging). */
  'audit:list': channel({
    input: z.object({ filter: auditFilter.default({}), after: auditCursor.optional(), limit: pageLimit }).strict(),
    output: z.object({ rows: z.array(auditEvent), next: auditCursor.nullable() }),
    access: 'audit:read',
    mutates: false
  }),
  /** How many events the filter matches: exact, or at least `count` when counting all would be slow. */
  'audit:count': channel({
    input: z.object({ filter: auditFilter.default({}) }).strict(),
    output: z.object({ count: z.number().int().nonnegative(), exact: z.boolean() }),
    access: 'audit:read',
    mutates: false
  }),
  /**
   * Events per bin of the filter (its own time range replaced by the bins): `bounds` are the bins'
   * edges in ms, ascending (the viewer's local midnights for a chart of days). Counted by the hour, so
   * an edge that falls inside an hour (a half-hour time zone) counts that hour in the bin it starts in.
   */
  'audit:series': channel({
    input: z
      .object({
        filter: auditFilter.default({}),
        bounds: z.array(time).min(2).max(1_100, 'A chart has at most 1,100 bins')
      })
      .strict()
      .refine((i) => i.bounds.every((b, k) => k === 0 || b > i.bounds[k - 1]!), { message: 'The bins must be in ascending time order', path: ['bounds'] }),
    output: z.object({ counts: z.array(z.number().int().nonnegative()) }),
    access: 'audit:read',
    mutates: false
  }),
  /**
   * Verify integrity: `full` recomputes every leaf and every signed tree head; `incremental` checks
   * what was appended since the newest passing run, with an RFC 9162 consistency proof between the
   * two heads. Progress comes as `job:progress`; `audit:verify-cancel` stops it. Every run is kept.
   */
  'audit:verify': channel({
    input: z.object({ mode: z.enum(VERIFY_MODES) }).strict(),
    output: verifyRun,
    access: 'audit:read',
    mutates: false,
    heavy: true
  }),
  'audit:verify-cancel': channel({
    input: z.object({}).strict().optional(),
    output: z.object({ cancelled: z.boolean() }),
    access: 'audit:read',
    mutates: false
  }),
  /** The newest run, and when each mode last passed. */
  'audit:verify-status': channel({
    input: z.object({}).strict().optional(),
    output: z.object({ last: verifyRun.nullable(), lastFull: verifyRun.nullable(), lastIncremental: verifyRun.nullable() }),
    access: 'audit:read',
    mutates: false
  }),
  /**
   * Starts an export of the filter (an audit event says who exported what): the filter's range is
   * closed at this moment, so the file holds what the total counts. The pages follow by
   * `audit:export-page` with the returned filter.
   */
  'audit:export-start': channel({
    input: z.object({ filter: auditFilter.default({}), format: z.enum(AUDIT_EXPORT_FORMATS) }).strict(),
    output: z.object({
      fileName: z.string(),
      filter: auditFilter,
      total: z.object({ count: z.number().int().nonnegative(), exact: z.boolean() }),
      /** Pass it with the pages: the last one marks the export finished (what a retention purge needs). */
      exportId: z.string()
    }),
    access: 'reports:export',
    mutates: false
  }),
  /**
   * One page of an export as text, newest first: CSV (RFC 4180, UTF-8 with a BOM, CRLF, times in
   * UTC, cells that could run as formulas neutralised; the header with the first page) or JSON
   * Lines (one event per line, as `audit:list` gives it).
   */
  'audit:export-page': channel({
    input: z
      .object({
        filter: auditFilter.default({}),
        format: z.enum(AUDIT_EXPORT_FORMATS),
        after: auditCursor.optional(),
        limit: z.number().int().min(1).max(10_000).default(AUDIT_EXPORT_PAGE),
        exportId: id.optional()
      })
      .strict(),
    output: z.object({ text: z.string(), rows: z.number().int().nonnegative(), next: auditCursor.nullable() }),
    access: 'reports:export',
    mutates: false
  }),
  /** The retention period and what a purge would remove now (Owner, Admin, Viewer). */
  'audit:retention': channel({
    input: z.object({}).strict().optional(),
    output: retentionStatus,
    access: 'audit:read',
    mutates: false
  }),
  /** Owner and Admin choose the period (audited); nothing is removed until a purge. */
  'audit:retention-set': channel({
    input: z.object({ retention: z.enum(AUDIT_RETENTIONS) }).strict(),
    output: retentionStatus,
    access: 'users:manage',
    mutates: true,
    invalidates: ['audit']
  }),
  /**
   * Owner and Admin: remove the content of the audit events past the period that a complete export
   * holds (their leaf hashes stay, so the ledger verifies end to end), and the login events past it;
   * audited. `expected` is what the preview showed: CONFLICT when it is no longer what would go.
   */
  'audit:purge': channel({
    input: z.object({ expected: z.object({ events: z.number().int().nonnegative(), loginEvents: z.number().int().nonnegative() }).strict() }).strict(),
    output: z.object({ events: z.number().int().nonnegative(), loginEvents: z.number().int().nonnegative(), status: retentionStatus }),
    access: 'users:manage',
    mutates: true,
    invalidates: ['audit', 'users']
  })
} as const
