import {
  DORMANT_PERIODS,
  LOGIN_METHODS,
  LOGIN_RESULTS,
  type DormantPeriod,
  type LoginFilterDto,
  type LoginMethodName,
  type LoginResultName
} from '../../../../shared/contract/login-history'
import { parseNamed, parsePeriod, setPeriodParams, viewRange, type PeriodView } from '../audit/audit-view'

export const LOGIN_TABS = ['attempts', 'dormant'] as const
export type LoginTab = (typeof LOGIN_TABS)[number]

/**
 * What the login history screen shows, as it lives in the URL (#/login-history?period=7d&result=failure…),
 * so a view can be bookmarked: the tab, the attempts' filters, and the dormant tab's period.
 */
export interface LoginView extends PeriodView {
  tab: LoginTab
  /** One member (their membership; the name labels the chip and the heading). */
  member: { id: string; name: string } | null
  email: string
  method: LoginMethodName | null
  result: LoginResultName | null
  ip: string
  idle: DormantPeriod
}

export const EMPTY_LOGIN_VIEW: LoginView = { tab: 'attempts', period: null, from: null, to: null, member: null, email: '', method: null, result: null, ip: '', idle: '90' }

function oneOf<T extends string>(list: readonly T[], value: string | null): T | null {
  return (list as readonly string[]).includes(value ?? '') ? (value as T) : null
}

/** The view a URL names; anything unreadable is left out (a bookmark may be old). */
export function parseLoginView(params: URLSearchParams): LoginView {
  return {
    tab: oneOf(LOGIN_TABS, params.get('tab')) ?? 'attempts',
    ...parsePeriod(params),
    member: parseNamed(params, 'member'),
    email: (params.get('email') ?? '').trim().slice(0, 254),
    method: oneOf(LOGIN_METHODS, params.get('method')),
    result: oneOf(LOGIN_RESULTS, params.get('result')),
    ip: (params.get('ip') ?? '').trim().slice(0, 64),
    idle: oneOf(DORMANT_PERIODS, params.get('idle')) ?? '90'
  }
}

/** The URL's query for a view (only what differs from the empty view, in a fixed order). */
export function loginViewParams(view: LoginView): URLSearchParams {
  const params = new URLSearchParams()
  if (view.tab !== 'attempts') params.set('tab', view.tab)
  setPeriodParams(params, view)
  if (view.member) {
    params.set('member', view.member.id)
    params.set('memberName', view.member.name)
  }
  if (view.email.trim()) params.set('email', view.email.trim())
  if (view.method) params.set('method', view.method)
  if (view.result) params.set('result', view.result)
  if (view.ip.trim()) params.set('ip', view.ip.trim())
  if (view.idle !== '90') params.set('idle', view.idle)
  return params
}

/** Whether the attempts are narrowed by anything. */
export function isLoginFiltered(view: LoginView): boolean {
  return view.period !== null || view.member !== null || view.email.trim() !== '' || view.method !== null || view.result !== null || view.ip.trim() !== ''
}

/** The core's filter for the attempts at `now`. */
export function loginFilter(view: LoginView, now: number): LoginFilterDto {
  const { from, to } = viewRange(view, now)
  const filter: LoginFilterDto = {}
  if (from !== null) filter.from = from
  if (to !== null) filter.to = to
  if (view.member) filter.membershipId = view.member.id
  if (view.email.trim()) filter.email = view.email.trim()
  if (view.method) filter.method = view.method
  if (view.result) filter.result = view.result
  if (view.ip.trim()) filter.ip = view.ip.trim()
  return filter
}
