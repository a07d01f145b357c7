import { describe, expect, it } from 'vitest'
import type { AuditFilterDto } from '../../../src/shared/contract/audit'
import { AUDIT_ACTION_GROUPS } from '../../../src/shared/audit-actions'

// The renderer is another TypeScript project (tsconfig.web.json): load its modules at run time, typed here.
interface View {
  period: string | null
  from: number | null
  to: number | null
  actorKind: string | null
  actor: { id: string; name: string } | null
  action: string | null
  targetType: string | null
  target: { id: string; name: string } | null
  search: string
}
interface ViewModule {
  EMPTY_VIEW: View
  parseView(params: URLSearchParams): View
  viewParams(view: View): URLSearchParams
  queryFilter(view: View, now: number): AuditFilterDto
  chartBounds(view: View, now: number): { bounds: number[]; unit: 'hour' | 'day' | 'week' }
}
interface FieldChange {
  path: string
  kind: 'changed' | 'added' | 'removed'
  before?: unknown
  after?: unknown
}
interface DiffModule {
  diffValues(before: unknown, after: unknown): { changes: FieldChange[]; unchanged: number }
  shownValue(value: unknown): string
}
const VIEW = '../../../src/renderer/src/features/audit/audit-view'
const DIFF = '../../../src/renderer/src/features/audit/audit-diff'
const { EMPTY_VIEW, parseView, viewParams, queryFilter, chartBounds } = (await import(/* @vite-ignore */ VIEW)) as ViewModule
const { diffValues, shownValue } = (await import(/* @vite-ignore */ DIFF)) as DiffModule

const HOUR = 3_600_000
const DAY = 24 * HOUR

describe('audit view in the URL', () => {
  it('round-trips every part of a view through the URL', () => {
    const view: View = {
      period: 'custom',
      from: Date.UTC(2026, 9, 1),
      to: Date.UTC(2026, 9, 15),
      actorKind: 'member',
      actor: { id: 'p-1', name: 'Ada Lovelace' },
      action: 'group:Users',
      targetType: 'team',
      target: { id: 't-1', name: 'Sales & Support' },
      search: 'role admin'
    }
    const params = viewParams(view)
    expect(parseView(new URLSearchParams(params.toString()))).toEqual(view)
    expect(viewParams(EMPTY_VIEW).toString()).toBe('')
  })

  it('leaves out what an old or edited bookmark gets wrong, never failing', () => {
    const view = parseView(new URLSearchParams('period=forever&kind=robot&action=no.such&targetType=planet&q=' + 'x'.repeat(500) + '&actor=' + 'a'.repeat(65)))
    expect(view).toEqual({ ...EMPTY_VIEW, search: 'x'.repeat(200) })
    // A custom range whose end is not after its start keeps only the start.
    expect(parseView(new URLSearchParams('period=custom&from=500&to=100'))).toMatchObject({ period: 'custom', from: 500, to: null })
    expect(parseView(new URLSearchParams('period=custom&from=abc'))).toMatchObject({ period: null, from: null, to: null })
  })

  it('turns a view into the core’s filter: presets on whole hours, groups into their codes', () => {
    const now = Date.UTC(2026, 11, 4, 10, 37, 12)
    const filter = queryFilter({ ...EMPTY_VIEW, period: '7d', action: 'group:Teams', actor: { id: 'p-1', name: 'Ada' }, search: '  role  ' }, now)
    expect(filter).toEqual({
      from: Date.UTC(2026, 10, 27, 10),
      actorId: 'p-1',
      actions: AUDIT_ACTION_GROUPS.find((g) => g.group === 'Teams')!.actions,
      search: 'role'
    })
    expect(filter.from! % HOUR).toBe(0)
    expect(queryFilter({ ...EMPTY_VIEW, action: 'member.created' }, now)).toEqual({ actions: ['member.created'] })
    expect(queryFilter(EMPTY_VIEW, now)).toEqual({})
  })

  it('bins the chart by local day, by hour for three days or less, and by week past 1,000 days', () => {
    const now = Date.UTC(2026, 11, 4, 10, 37)
    const year = chartBounds(EMPTY_VIEW, now)
    expect(year.unit).toBe('day')
    expect(year.bounds.length).toBeGreaterThanOrEqual(366)
    for (const b of year.bounds) expect(new Date(b).getHours()).toBe(0)
    expect(year.bounds.at(-1)!).toBeGreaterThan(now)
    const day = chartBounds({ ...EMPTY_VIEW, period: '24h' }, now)
    expect(day.unit).toBe('hour')
    expect(day.bounds.length).toBe(26)
    expect(day.bounds.every((b, i) => i === 0 || b - day.bounds[i - 1]! === HOUR)).toBe(true)
    const long = chartBounds({ ...EMPTY_VIEW, period: 'custom', from: now - 2000 * DAY, to: now }, now)
    expect(long.unit).toBe('week')
    expect(long.bounds.length).toBeLessThanOrEqual(1100)
  })
})

describe('audit values field by field', () => {
  it('names each changed, added and removed field at its path, and counts the rest', () => {
    const before = { name: 'Sales', role: 'agent', smtp: { host: 'a.example', port: 25 }, teams: ['A', 'B'], gone: true }
    const after = { name: 'Sales', role: 'admin', smtp: { host: 'a.example', port: 587, tls: 'starttls' }, teams: ['A', 'C'] }
    expect(diffValues(before, after)).toEqual({
      changes: [
        { path: 'role', kind: 'changed', before: 'agent', after: 'admin' },
        { path: 'smtp.port', kind: 'changed', before: 25, after: 587 },
        { path: 'teams', kind: 'changed', before: ['A', 'B'], after: ['A', 'C'] },
        { path: 'gone', kind: 'removed', before: true },
        { path: 'smtp.tls', kind: 'added', after: 'starttls' }
      ],
      unchanged: 2
    })
  })

  it('takes a created thing as every field added, and lists of objects item by item', () => {
    expect(diffValues(null, { email: 'a@example.com', role: 'agent' }).changes.map((c) => `${c.kind} ${c.path}`)).toEqual(['added email', 'added role'])
    const rows = diffValues({ members: [{ email: 'a@x' }, { email: 'b@x' }] }, { members: [{ email: 'a@x' }, { email: 'c@x' }] })
    expect(rows.changes).toEqual([{ path: 'members[1].email', kind: 'changed', before: 'b@x', after: 'c@x' }])
    expect(diffValues('old', 'new').changes).toEqual([{ path: 'value', kind: 'changed', before: 'old', after: 'new' }])
    expect(diffValues({ a: 1 }, { a: 1 })).toEqual({ changes: [], unchanged: 1 })
  })

  it('shows text as is, lists of plain values comma-separated, the rest as JSON', () => {
    expect(shownValue('admin')).toBe('admin')
    expect(shownValue(['Sales', 'Support'])).toBe('Sales, Support')
    expect(shownValue(25)).toBe('25')
    expect(shownValue({ a: 1 })).toBe('{"a":1}')
  })
})
