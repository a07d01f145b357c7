import { AUDIT_ACTION_GROUPS, isAuditAction } from '../../../../shared/audit-actions'
import { ACTOR_KINDS, type ActorKind, type AuditFilterDto } from '../../../../shared/contract/audit'

/**
 * What the audit screen shows, as it lives in the URL (#/audit?period=7d&action=group:Users&q=…),
 * so a view can be bookmarked and opened again. A preset period is relative: opened tomorrow, "last
 * 7 days" is tomorrow's last 7 days. A range dragged on the chart or picked by date is absolute.
 */
export interface AuditView {
  period: Period | 'custom' | null
  /** The range of a custom period (ms; `to` exclusive). */
  from: number | null
  to: number | null
  actorKind: ActorKind | null
  /** A person (or agent) chosen from an event; the name only labels the chip. */
  actor: { id: string; name: string } | null
  /** `group:<group>` or one action code. */
  action: string | null
  targetType: string | null
  target: { id: string; name: string } | null
  search: string
}

export const PERIODS = ['24h', '7d', '30d', '90d', '1y'] as const
export type Period = (typeof PERIODS)[number]

const HOUR = 3_600_000
const DAY = 24 * HOUR
const PERIOD_MS: Record<Period, number> = { '24h': DAY, '7d': 7 * DAY, '30d': 30 * DAY, '90d': 90 * DAY, '1y': 365 * DAY }

/** The kinds of target the filter offers, in this order (what the core's events name). */
export const TARGET_TYPES = ['member', 'members', 'team', 'account', 'sso-connection', 'audit-log', 'store', 'support-access', 'support-agent'] as const

export const EMPTY_VIEW: AuditView = { period: null, from: null, to: null, actorKind: null, actor: null, action: null, targetType: null, target: null, search: '' }

function time(text: string | null): number | null {
  if (text === null || !/^\d{1,15}$/.test(text)) return null
  return Number(text)
}

/** A time range as it lives in a URL (the audit log's and the login history's): a preset, or a custom range. */
export type PeriodView = Pick<AuditView, 'period' | 'from' | 'to'>

/** The range a URL names (`period`, and `from`/`to` for a custom one); unreadable parts are left out. */
export function parsePeriod(params: URLSearchParams): PeriodView {
  const periodText = params.get('period')
  if (periodText === 'custom') {
    const from = time(params.get('from'))
    let to = time(params.get('to'))
    if (from !== null && to !== null && from >= to) to = null
    return { period: from !== null || to !== null ? 'custom' : null, from, to }
  }
  return { period: (PERIODS as readonly string[]).includes(periodText ?? '') ? (periodText as Period) : null, from: null, to: null }
}

/** Writes a range into a URL's query. */
export function setPeriodParams(params: URLSearchParams, view: PeriodView): void {
  if (view.period === 'custom') {
    params.set('period', 'custom')
    if (view.from !== null) params.set('from', String(view.from))
    if (view.to !== null) params.set('to', String(view.to))
  } else if (view.period) params.set('period', view.period)
}

/** A named id in a URL (`actor` with `actorName`, `member` with `memberName`), or null. */
export function parseNamed(params: URLSearchParams, key: string): { id: string; name: string } | null {
  const id = params.get(key)
  if (!id || id.length > 64) return null
  return { id, name: (params.get(`${key}Name`) ?? id).slice(0, 200) }
}

/** The view a URL names; anything unreadable in it is left out (never an error: a bookmark may be old). */
export function parseView(params: URLSearchParams): AuditView {
  const kind = params.get('kind')
  const action = params.get('action')
  const groupNames = AUDIT_ACTION_GROUPS.map((g) => g.group)
  const validAction = action !== null && (action.startsWith('group:') ? groupNames.includes(action.slice(6)) : isAuditAction(action)) ? action : null
  const targetType = params.get('targetType')
  return {
    ...parsePeriod(params),
    actorKind: (ACTOR_KINDS as readonly string[]).includes(kind ?? '') ? (kind as ActorKind) : null,
    actor: parseNamed(params, 'actor'),
    action: validAction,
    targetType: (TARGET_TYPES as readonly string[]).includes(targetType ?? '') ? targetType : null,
    target: parseNamed(params, 'target'),
    search: (params.get('q') ?? '').slice(0, 200)
  }
}

/** The URL's query for a view (only what is set, in a fixed order). */
export function viewParams(view: AuditView): URLSearchParams {
  const params = new URLSearchParams()
  setPeriodParams(params, view)
  if (view.actorKind) params.set('kind', view.actorKind)
  if (view.actor) {
    params.set('actor', view.actor.id)
    params.set('actorName', view.actor.name)
  }
  if (view.action) params.set('action', view.action)
  if (view.targetType) params.set('targetType', view.targetType)
  if (view.target) {
    params.set('target', view.target.id)
    params.set('targetName', view.target.name)
  }
  if (view.search.trim()) params.set('q', view.search.trim())
  return params
}

export function isFiltered(view: AuditView): boolean {
  return viewParams(view).toString() !== ''
}

/** The range a view covers at `now` ([from, to), either end open). A preset starts on a whole hour, so its total is exact. */
export function viewRange(view: PeriodView, now: number): { from: number | null; to: number | null } {
  if (view.period === 'custom') return { from: view.from, to: view.to }
  if (view.period) return { from: Math.floor((now - PERIOD_MS[view.period]) / HOUR) * HOUR, to: null }
  return { from: null, to: null }
}

/** The core's filter for a view at `now`. */
export function queryFilter(view: AuditView, now: number): AuditFilterDto {
  const { from, to } = viewRange(view, now)
  const filter: AuditFilterDto = {}
  if (from !== null) filter.from = from
  if (to !== null) filter.to = to
  if (view.actorKind) filter.actorKind = view.actorKind
  if (view.actor) filter.actorId = view.actor.id
  if (view.action) {
    filter.actions = view.action.startsWith('group:')
      ? [...(AUDIT_ACTION_GROUPS.find((g) => g.group === view.action!.slice(6))?.actions ?? [])]
      : [view.action]
  }
  if (view.targetType) filter.targetType = view.targetType
  if (view.target) filter.targetId = view.target.id
  if (view.search.trim()) filter.search = view.search.trim()
  return filter
}

/**
 * The chart's bins for a view at `now`: local midnights (the viewer's zone, so a bar is a day as they
 * live it) from the start of the range to the end of today; hours for a range of three days or less.
 * Without a range, the last 12 months. At most 1,000 bins: longer ranges take weeks.
 */
export function chartBounds(view: PeriodView, now: number): { bounds: number[]; unit: 'hour' | 'day' | 'week' } {
  const range = viewRange(view, now)
  const end = range.to ?? now
  const start = range.from ?? end - 365 * DAY
  if (end - start <= 3 * DAY) {
    const bounds: number[] = []
    let t = Math.floor(start / HOUR) * HOUR
    do {
      bounds.push(t)
      t += HOUR
    } while (t < end)
    bounds.push(t)
    return { bounds, unit: 'hour' }
  }
  const days = (end - start) / DAY
  const step = days > 1000 ? 7 : 1
  const day = new Date(start)
  day.setHours(0, 0, 0, 0)
  const bounds: number[] = []
  do {
    bounds.push(day.getTime())
    day.setDate(day.getDate() + step)
  } while (day.getTime() < end)
  bounds.push(day.getTime())
  return { bounds, unit: step === 7 ? 'week' : 'day' }
}
