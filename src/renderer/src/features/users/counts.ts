import { formatCapped, formatCount } from '../../components/format'
import { t } from '../../i18n/i18n'

/** A count as the screen shows it: `capped` means "at least n" ("200+"). */
export interface ShownCount {
  n: number
  capped: boolean
}

/**
 * The total of the current query as shown. The core counts a broad search only up to a limit and
 * says so (`totalCapped`): the total is then a lower bound, raised by the rows already loaded, and
 * exact again once the last page is in (every match is then on screen).
 */
export function shownTotal(total: number | null, totalCapped: boolean, loaded: number, hasMore: boolean): ShownCount | null {
  if (total === null) return null
  if (!totalCapped) return { n: total, capped: false }
  if (!hasMore) return { n: loaded, capped: false }
  return { n: Math.max(total, loaded), capped: true }
}

/** "1 user", "1,234 users", "200+ users". */
export function usersLine(count: ShownCount): string {
  return count.capped ? t('users.countCapped', { count: formatCount(count.n) }) : t('users.count', { count: count.n })
}

/** "Showing 100 of 1,234", "Showing 300 of 300+". */
export function showingLine(loaded: number, count: ShownCount): string {
  return t('users.showing', { loaded: formatCount(loaded), total: formatCapped(count.n, count.capped) })
}

/** "Rows 1–16 of 20,004": the rows in view of the whole result (0-based indexes in). */
export function rowsLine(first: number, last: number, count: ShownCount): string {
  return t('users.rows', { first: formatCount(first + 1), last: formatCount(last + 1), total: formatCapped(count.n, count.capped) })
}

/** The count on a status chip: a capped chip count is a lower bound ("37+"). */
export function chipCount(count: number | null, capped: boolean): string {
  return count === null ? '–' : formatCapped(count, capped)
}
