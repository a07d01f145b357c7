import type { UserRow } from '../../../shared/contract/users'
import { USER_STATUSES } from '../../../shared/contract/users'
import type { Core } from '../core'

interface RawUserRow {
  id: string
  personId: string
  name: string
  email: string
  role: UserRow['role']
  status: 'active' | 'invited' | 'deactivated'
  inviteExpiresAt: number | null
  lastLoginAt: number
  createdAt: number
}

const SORT_COLUMNS = { name: 'p.name', email: 'p.email', lastLogin: 'm.last_login_at' } as const

function escapeLike(term: string): string {
  return term.replace(/[\\%_]/g, (c) => `\\${c}`)
}

/**
 * The users list: keyset paging on (sort value, person id), never OFFSET, so page 1,000 costs what
 * page 1 does. Counts and totals come only with the first page.
 */
export function registerUsers(core: Core): void {
  const db = core.db
  const statements = new Map<string, ReturnType<typeof db.prepare>>()
  const prepared = (sql: string) => {
    let statement = statements.get(sql)
    if (!statement) {
      statement = db.prepare(sql)
      statements.set(sql, statement)
    }
    return statement
  }

  core.handle('users:list', (ctx, input) => {
    const accountId = ctx.principal!.accountId
    const where: string[] = ['m.account_id = @accountId']
    const params: Record<string, unknown> = { accountId, now: ctx.now, limit: input.limit }
    if (input.search) {
      where.push("(p.name LIKE @search ESCAPE '\\' OR p.email LIKE @search ESCAPE '\\')")
      params.search = `%${escapeLike(input.search)}%`
    }
    if (input.status === 'invited') where.push("m.status = 'invited' AND m.invite_expires_at > @now")
    else if (input.status === 'expired') where.push("m.status = 'invited' AND m.invite_expires_at <= @now")
    else if (input.status) {
      where.push('m.status = @status')
      params.status = input.status
    }
    if (input.role) {
      where.push('m.role = @role')
      params.role = input.role
    }
    const filterSql = where.join(' AND ')
    const column = SORT_COLUMNS[input.sort]
    const desc = input.direction === 'desc'
    const pageWhere = [filterSql]
    if (input.after) {
      pageWhere.push(`(${column}, p.person_id) ${desc ? '<' : '>'} (@afterValue, @afterId)`)
      params.afterValue = input.sort === 'lastLogin' ? Number(input.after.value ?? 0) : String(input.after.value ?? '')
      params.afterId = input.after.id
    }
    const order = desc ? 'DESC' : 'ASC'
    const raw = prepared(`
      SELECT m.membership_id AS id, p.person_id AS personId, p.name, p.email, m.role, m.status,
             m.invite_expires_at AS inviteExpiresAt, m.last_login_at AS lastLoginAt, m.created_at AS createdAt
      FROM memberships m JOIN persons p ON p.person_id = m.person_id
      WHERE ${pageWhere.join(' AND ')}
      ORDER BY ${column} ${order}, p.person_id ${order}
      LIMIT @limit`).all(params) as RawUserRow[]
    const rows: UserRow[] = raw.map((r) => ({
      id: r.id,
      personId: r.personId,
      name: r.name,
      email: r.email,
      role: r.role,
      status: r.status === 'invited' && r.inviteExpiresAt !== null && r.inviteExpiresAt <= ctx.now ? 'expired' : r.status,
      lastLoginAt: r.lastLoginAt > 0 ? r.lastLoginAt : null,
      createdAt: r.createdAt
    }))
    const last = raw[raw.length - 1]
    const next =
      raw.length === input.limit && last
        ? { value: input.sort === 'lastLogin' ? last.lastLoginAt : input.sort === 'email' ? last.email : last.name, id: last.personId }
        : null
    if (input.after) return { rows, next, total: null, counts: null }
    const { after: _a, afterValue: _v, afterId: _i, limit: _l, ...countParams } = params
    const total = (prepared(`SELECT count(*) AS n FROM memberships m JOIN persons p ON p.person_id = m.person_id WHERE ${filterSql}`).get(countParams) as { n: number }).n
    const counts = Object.fromEntries(USER_STATUSES.map((s) => [s, 0])) as Record<(typeof USER_STATUSES)[number], number>
    const grouped = prepared(`
      SELECT CASE WHEN status = 'invited' AND invite_expires_at <= @now THEN 'expired' ELSE status END AS s, count(*) AS n
      FROM memberships WHERE account_id = @accountId GROUP BY s`).all({ accountId, now: ctx.now }) as Array<{ s: keyof typeof counts; n: number }>
    for (const g of grouped) counts[g.s] = g.n
    return { rows, next, total, counts }
  })
}
