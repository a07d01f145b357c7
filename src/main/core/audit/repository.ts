import type { RawBuilder } from 'kysely'
import type { AuditAction } from '../../../shared/audit-actions'
import type { ActorKind } from '../../../shared/contract/audit'
import { DIALECT_SQL, dialectOf, type DialectSql } from '../store/dialects'
import type { Executor } from '../store/port'
import { all, inList, one, sql } from '../store/sql'
import type { AuditRow } from './ledger'
import { AUDIT_COLUMNS } from './ledger-repository'
/** PostgreSQL's stored search words of an event (migration 0019). */
const PG_VECTOR = sql.raw('search')

export type AuditListRow = Omit<AuditRow, 'leaf_hash'>

/** What the audit log is narrowed to; every part is optional and they combine (AND). */
export interface AuditFilter {
  /** Time range in ms: `from` inclusive, `to` exclusive. */
  from?: number
  to?: number
  actorKind?: ActorKind
  actorId?: string
  /** Any of these codes (a group of the catalog, or one). */
  actions?: readonly string[]
  targetType?: string
  targetId?: string
  /** Words typed into the search box; see `searchWords`. */
  search?: string
}

export interface AuditListQuery extends AuditFilter {
  accountId: string
  /** The last row of the page before (newest first by time, then sequence number). */
  after?: { time: number; seq: number }
  limit: number
  /**
   * The only actions the caller may read (the catalog's codes for audit readers), or null for all
   * (the Owner). A code outside the list, catalogued or not, stays hidden, as do the traces below.
   */
  readableActions: readonly AuditAction[] | null
}

/** A filter within the caller's account and the actions they may read. */
export type ScopedAuditFilter = AuditFilter & { accountId: string; readableActions: readonly AuditAction[] | null }

/** Hits counted before a total is given as "at least" (counting every match of a common word costs more than the page). */
export const COUNT_CAP = 10_000

const HOUR = 3_600_000

/**
 * The words of a search, as both stores index them (migration 0019): lower case, split at every
 * character that is not a letter or a digit. Every word must match; the last also as a prefix, so
 * the list narrows while typing (a word under three characters matches only itself). At most eight words.
 */
export function searchWords(text: string): string[] {
  return (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, 8)
}

/** The shortest word taken as the start of longer ones (shorter: a word of its own: "it", "hr"). */
const PREFIX_FROM = 3

/** Words that start with `prefix` beyond which a prefix is searched as such (slower, and rare: a long prefix starts few words). */
const PREFIX_WORDS = 50

/**
 * SQLite FTS5: each word quoted (only letters and digits remain, so no query syntax); the last, the
 * one being typed, as the words of the index it starts (an OR of whole words is read newest first
 * and stops with the page). Under three characters it is a word of its own. Null: the last word
 * starts no word, so nothing matches.
 */
async function fts5Query(q: Executor, words: readonly string[]): Promise<string | null> {
  const quoted = (w: string) => `"${w}"`
  const last = words[words.length - 1]!
  const whole = words.slice(0, -1).map(quoted)
  if ([...last].length <= PREFIX_FROM - 1) return [...whole, quoted(last)].join(' AND ')
  const points = [...last]
  const upper = points.slice(0, -1).join('') + String.fromCodePoint(points.at(-1)!.codePointAt(0)! + 1)
  const terms = await all(q, sql<{ term: string }>`SELECT term FROM audit_search_terms WHERE term >= ${last} AND term < ${upper} LIMIT ${PREFIX_WORDS + 1}`)
  if (terms.length === 0) return null
  const started = terms.length > PREFIX_WORDS ? `${quoted(last)} *` : `(${terms.map((t) => quoted(t.term)).join(' OR ')})`
  return [...whole, started].join(' AND ')
}

/** PostgreSQL tsquery: words joined by &, the last a prefix (of three characters or more, as on SQLite). */
function tsQuery(words: readonly string[]): string {
  return words.map((w, i) => `${w}${i === words.length - 1 && [...w].length >= PREFIX_FROM ? ':*' : ''}`).join(' & ')
}

/**
 * The conditions on audit_events of a filter, without search and without the account (`p` is the
 * table's alias with its dot, or ''). A single action uses its index; several are an IN list the
 * caller may split into one branch each (see `listAuditEvents`).
 */
function conditions(p: string, query: AuditFilter & { readableActions: readonly AuditAction[] | null }, actions: readonly string[] | null): RawBuilder<unknown>[] {
  const c = (column: string) => sql.raw(`${p}${column}`)
  const where: RawBuilder<unknown>[] = []
  if (query.from !== undefined) where.push(sql`${c('time')} >= ${query.from}`)
  if (query.to !== undefined) where.push(sql`${c('time')} < ${query.to}`)
  // The partial indexes of the rarer kinds (migration 0019) serve a query that says so.
  if (query.actorKind !== undefined) where.push(query.actorKind === 'member' ? sql`${c('actor_kind')} = 'member'` : sql`${c('actor_kind')} = ${query.actorKind} AND ${c('actor_kind')} <> 'member'`)
  if (query.actorId !== undefined) where.push(sql`${c('actor_id')} = ${query.actorId}`)
  if (query.targetType !== undefined) where.push(query.targetType === 'member' ? sql`${c('target_type')} = 'member'` : sql`${c('target_type')} = ${query.targetType} AND ${c('target_type')} <> 'member'`)
  if (query.targetId !== undefined) where.push(sql`${c('target_id')} = ${query.targetId}`)
  if (actions !== null) where.push(actions.length === 1 ? sql`${c('action')} = ${actions[0]}` : sql`${c('action')} IN ${inList(actions)}`)
  else if (query.readableActions) {
    // Not an index lookup: nearly every event is readable, so the time index and a test per row win.
    where.push(sql`(${c('action')} || '') IN ${inList(query.readableActions)}`)
  }
  if (query.readableActions) where.push(sql`NOT (${c('action')} IN ('auth.signed-out', 'auth.locked') AND (${c('actor_kind')} = 'support' OR ${c('target_type')} = 'support-agent'))`)
  return where
}

/**
 * The actions a query may return: the requested ones the caller may read (null: no action filter,
 * the reader's own limit applies row by row).
 */
function allowedActions(query: AuditFilter & { readableActions: readonly AuditAction[] | null }): readonly string[] | null {
  if (query.actions === undefined) return null
  const readable = query.readableActions ? new Set<string>(query.readableActions) : null
  return [...new Set(query.actions)].filter((a) => readable === null || readable.has(a))
}

const ROW_COLUMNS = sql.raw(AUDIT_COLUMNS)
const E_COLUMNS = sql.raw(
  AUDIT_COLUMNS.split(',')
    .map((c) => `e.${c.trim()}`)
    .join(', ')
)

function toRow(r: AuditListRow): AuditListRow {
  return { ...r, seq: Number(r.seq), time: Number(r.time) }
}

/** A page of events as rows (see `pageOf`). */
export async function listAuditEvents(q: Executor, query: AuditListQuery): Promise<AuditListRow[]> {
  return (await pageOf<AuditListRow>(q, query, (p) => (p === '' ? ROW_COLUMNS : E_COLUMNS))).map(toRow)
}

/** The formats an export's lines come in. */
export type AuditLineFormat = 'csv' | 'jsonl'

/**
 * A page of events as export lines, built by the database (no object per column, no formatting in
 * JavaScript): CSV records (`csvLineSql`) or JSON lines (`jsonLineSql`), newest first, with the
 * position of each for the keyset.
 */
export async function auditExportLines(q: Executor, query: AuditListQuery, format: AuditLineFormat): Promise<Array<{ time: number; seq: number; line: string }>> {
  const d = DIALECT_SQL[dialectOf(q)]
  const rows = await pageOf<{ time: number; seq: number; line: string }>(q, query, (p) => sql`${sql.raw(p)}time AS time, ${sql.raw(p)}seq AS seq, ${format === 'csv' ? csvLineSql(d, p) : jsonLineSql(d, p)} AS line`)
  return rows.map((r) => ({ time: Number(r.time), seq: Number(r.seq), line: r.line }))
}

/** The CSV record of an event (columns as `AUDIT_CSV_HEADER` in audit/export.ts), in SQL. */
function csvLineSql(d: DialectSql, p: string): RawBuilder<unknown> {
  const c = (column: string) => sql.raw(`${p}${column}`)
  const f = (column: string) => d.csvField(c(column))
  // Kind, role, action and target type are the core's own codes (lower-case words, dots and dashes):
  // nothing to quote or neutralise, and a third of the time a line takes is spared.
  const fields = [
    c('seq'),
    d.isoUtc(c('time')),
    c('actor_kind'),
    f('actor_id'),
    f('actor_name'),
    f('actor_email'),
    sql`coalesce(${c('actor_role')}, '')`,
    c('action'),
    f('summary'),
    c('target_type'),
    ...['target_id', 'target_name', 'before_json', 'after_json', 'ip', 'device'].map(f)
  ]
  return sql.join(fields, sql` || ',' || `)
}

/** The JSON line of an event (the shape of `audit:list`, with the time also in UTC), in SQL. */
function jsonLineSql(d: DialectSql, p: string): RawBuilder<unknown> {
  const j = (column: string) => d.jsonString(sql.raw(`${p}${column}`))
  const c = (column: string) => sql.raw(`${p}${column}`)
  return sql`'{"seq":' || ${c('seq')} || ',"time":"' || ${d.isoUtc(c('time'))} || '","timeMs":' || ${c('time')} ||
    ',"actor":{"kind":' || ${j('actor_kind')} || ',"id":' || ${j('actor_id')} || ',"name":' || ${j('actor_name')} || ',"email":' || ${j('actor_email')} || ',"role":' || ${j('actor_role')} ||
    '},"action":' || ${j('action')} || ',"summary":' || ${j('summary')} || ',"target":{"type":' || ${j('target_type')} || ',"id":' || ${j('target_id')} || ',"name":' || ${j('target_name')} ||
    '},"before":' || coalesce(${c('before_json')}, 'null') || ',"after":' || coalesce(${c('after_json')}, 'null') || ',"ip":' || ${j('ip')} || ',"device":' || ${j('device')} || '}'`
}

/**
 * A page of events, newest first by time then sequence number (keyset: `after` is the page
 * before's last row), with the columns `select` gives for a table prefix ('' or 'e.'). Each filter
 * seeks its own (account, x, time, seq) index; several actions read one page per action and merge
 * them, so a group of actions costs one page per code, never a sort of every match. Search on SQLite
 * walks the FTS index, which keeps time order (migration 0019); on PostgreSQL the planner picks the
 * GIN index or the time index by how common the words are. Readable: the given codes only, without
 * the traces of support sessions written before their own codes existed (`auth.signed-out` by a
 * support actor, `auth.locked` of a support agent).
 */
async function pageOf<R>(q: Executor, query: AuditListQuery, select: (prefix: string) => RawBuilder<unknown>): Promise<R[]> {
  const actions = allowedActions(query)
  if (actions !== null && actions.length === 0) return []
  const words = query.search === undefined ? [] : searchWords(query.search)
  if (query.search !== undefined && words.length === 0) return []
  const dialect = dialectOf(q)
  if (words.length > 0 && dialect === 'sqlite') {
    const match = await fts5Query(q, words)
    return match === null ? [] : await all(q, sqliteSearchPage(query, actions, match, query.limit, select('e.')) as RawBuilder<R>)
  }

  const page = (branchActions: readonly string[] | null) => {
    const where = [sql`account_id = ${query.accountId}`, ...conditions('', query, branchActions)]
    if (words.length > 0) where.push(sql`${PG_VECTOR} @@ to_tsquery('simple', ${tsQuery(words)})`)
    if (query.after) where.push(sql`(time, seq) < (${query.after.time}, ${query.after.seq})`)
    return sql<R>`SELECT ${select('')} FROM audit_events WHERE ${sql.join(where, sql` AND `)} ORDER BY time DESC, seq DESC LIMIT ${query.limit}`
  }
  if (actions === null || actions.length === 1) return all(q, page(actions))
  const branches = actions.map((a, i) => sql`SELECT * FROM (${page([a])}) AS ${sql.raw(`b${i}`)}`)
  return all(q, sql<R>`SELECT * FROM (${sql.join(branches, sql` UNION ALL `)}) AS u ORDER BY time DESC, seq DESC LIMIT ${query.limit}`)
}

/**
 * SQLite search: matches come from the FTS index newest first (its rowid is the time key) and each
 * is joined to its event, so a page reads about `limit` matches whichever word it is. Time range and
 * keyset are ranges of the key.
 */
function sqliteSearchPage(query: Omit<AuditListQuery, 'limit'>, actions: readonly string[] | null, match: string, limit: number | null, columns: RawBuilder<unknown> = E_COLUMNS) {
  const where = [sql`s.audit_search MATCH ${match}`]
  if (query.from !== undefined) where.push(sql`s.rowid >= (${query.from} << 20)`)
  if (query.to !== undefined) where.push(sql`s.rowid < (${query.to} << 20)`)
  if (query.after) where.push(sql`s.rowid < ((${query.after.time} << 20) | (${query.after.seq} & 1048575))`)
  where.push(sql`e.account_id = ${query.accountId}`, sql`e.time = (s.rowid >> 20)`, sql`(e.seq & 1048575) = (s.rowid & 1048575)`)
  where.push(...conditions('e.', { ...query, from: undefined, to: undefined }, actions))
  return sql<AuditListRow>`SELECT ${columns} FROM audit_search AS s CROSS JOIN audit_events AS e
    WHERE ${sql.join(where, sql` AND `)} ORDER BY s.rowid DESC${limit === null ? sql`` : sql` LIMIT ${limit}`}`
}

/**
 * How many events match: exact from the hourly counts when the filter is only whole hours, actions
 * and actor kind; otherwise counted up to `COUNT_CAP` (then "at least" that many).
 */
export async function countAuditEvents(q: Executor, query: Omit<AuditListQuery, 'after' | 'limit'>): Promise<{ count: number; exact: boolean }> {
  const actions = allowedActions(query)
  if (actions !== null && actions.length === 0) return { count: 0, exact: true }
  const words = query.search === undefined ? [] : searchWords(query.search)
  if (query.search !== undefined && words.length === 0) return { count: 0, exact: true }
  if (hourlyServes(query, words)) {
    const row = await one(q, sql<{ n: number | string | null }>`SELECT sum(events) AS n FROM audit_hourly WHERE ${sql.join(hourlyConditions(query, actions), sql` AND `)}`)
    return { count: Number(row?.n ?? 0), exact: true }
  }
  let inner: RawBuilder<unknown>
  if (words.length > 0 && dialectOf(q) === 'sqlite') {
    const match = await fts5Query(q, words)
    if (match === null) return { count: 0, exact: true }
    inner = sqliteSearchPage(query, actions, match, COUNT_CAP + 1)
  } else {
    const where = [sql`account_id = ${query.accountId}`, ...conditions('', query, actions)]
    if (words.length > 0) where.push(sql`${PG_VECTOR} @@ to_tsquery('simple', ${tsQuery(words)})`)
    inner = sql`SELECT 1 FROM audit_events WHERE ${sql.join(where, sql` AND `)} LIMIT ${COUNT_CAP + 1}`
  }
  const row = await one(q, sql<{ n: number | string }>`SELECT count(*) AS n FROM (${inner}) AS c`)
  const n = Number(row?.n ?? 0)
  return n > COUNT_CAP ? { count: COUNT_CAP, exact: false } : { count: n, exact: true }
}

function hourlyServes(query: AuditFilter, words: readonly string[]): boolean {
  const whole = (t: number | undefined) => t === undefined || t % HOUR === 0
  return words.length === 0 && query.actorId === undefined && query.targetId === undefined && whole(query.from) && whole(query.to)
}

function hourlyConditions(query: Omit<AuditListQuery, 'after' | 'limit'>, actions: readonly string[] | null): RawBuilder<unknown>[] {
  const where = [sql`account_id = ${query.accountId}`]
  if (query.from !== undefined) where.push(sql`hour >= ${Math.floor(query.from / HOUR)}`)
  if (query.to !== undefined) where.push(sql`hour < ${Math.ceil(query.to / HOUR)}`)
  if (query.actorKind !== undefined) where.push(sql`actor_kind = ${query.actorKind}`)
  if (query.targetType !== undefined) where.push(sql`target_type = ${query.targetType}`)
  if (actions !== null) where.push(sql`action IN ${inList(actions)}`)
  else if (query.readableActions) where.push(sql`action IN ${inList(query.readableActions)}`)
  if (query.readableActions) where.push(sql`NOT (action IN ('auth.signed-out', 'auth.locked') AND (actor_kind = 'support' OR target_type = 'support-agent'))`)
  return where
}

/**
 * Events per hour over [from, to) for a filter: from the hourly counts when they serve it (a year is
 * at most 8,760 rows), else counted from the events (a person, a target or a search).
 */
export async function auditEventsPerHour(q: Executor, query: Omit<AuditListQuery, 'after' | 'limit'> & { from: number; to: number }): Promise<Array<{ hour: number; events: number }>> {
  const actions = allowedActions(query)
  if (actions !== null && actions.length === 0) return []
  const words = query.search === undefined ? [] : searchWords(query.search)
  if (query.search !== undefined && words.length === 0) return []
  let rows: Array<{ hour: number | string; events: number | string }>
  if (hourlyServes(query, words)) {
    rows = await all(
      q,
      sql<{ hour: number; events: number }>`SELECT hour, sum(events) AS events FROM audit_hourly WHERE ${sql.join(hourlyConditions(query, actions), sql` AND `)} GROUP BY hour ORDER BY hour`
    )
  } else if (words.length > 0 && dialectOf(q) === 'sqlite') {
    const match = await fts5Query(q, words)
    if (match === null) return []
    rows = await all(q, sql<{ hour: number; events: number }>`SELECT time / 3600000 AS hour, count(*) AS events FROM (${sqliteSearchPage(query, actions, match, null)}) AS m GROUP BY 1 ORDER BY 1`)
  } else {
    const where = [sql`account_id = ${query.accountId}`, ...conditions('', query, actions)]
    if (words.length > 0) where.push(sql`${PG_VECTOR} @@ to_tsquery('simple', ${tsQuery(words)})`)
    rows = await all(q, sql<{ hour: number; events: number }>`SELECT time / 3600000 AS hour, count(*) AS events FROM audit_events WHERE ${sql.join(where, sql` AND `)} GROUP BY 1 ORDER BY 1`)
  }
  return rows.map((r) => ({ hour: Number(r.hour), events: Number(r.events) }))
}

/**
 * Sum counts per hour (ascending) into the bins between `bounds` (ascending edges in ms): an hour
 * counts in the bin its start falls in, the first bin also taking hours that start before it.
 */
export function sumHoursIntoBins(hours: ReadonlyArray<{ hour: number; count: number }>, bounds: readonly number[]): number[] {
  const counts = new Array<number>(bounds.length - 1).fill(0)
  let bin = 0
  for (const { hour, count } of hours) {
    while (bin < counts.length - 1 && hour * HOUR >= bounds[bin + 1]!) bin++
    counts[bin]! += count
  }
  return counts
}
