import { sql } from 'kysely'
import type { Core } from '../core/core'
import type { Result } from '../../shared/contract/result'

/**
 * Benchmark rows for issue 3, called by the bench (`gatehouse bench`): CSV validation and commit of
 * 10,000 rows, and users pages filtered by team over a large store. Each returns milliseconds.
 */

function unwrap<T>(result: Result<unknown>, what: string): T {
  if (!result.ok) throw new Error(`${what} failed: ${result.error.code} ${result.error.message}`)
  return result.value as T
}

/** `rows` valid people (email,name,role,teams), unique per `tag`, spread over the given team names. */
export function makeUsersCsv(rows: number, options: { tag?: string; teams?: readonly string[] } = {}): string {
  const tag = options.tag ?? 'bench'
  const roles = ['agent', 'agent', 'agent', 'viewer', 'admin']
  const teams = options.teams ?? []
  const lines = ['email,name,role,teams']
  for (let i = 0; i < rows; i++) {
    const team = teams.length ? teams[i % teams.length]! : ''
    lines.push(`${tag}.person${i}@import-${tag}.example,"Imported, Person ${i}",${roles[i % roles.length]},${team}`)
  }
  return `${lines.join('\r\n')}\r\n`
}

/**
 * Preview (validation only) and commit of a `rows`-row CSV through `core.dispatch` as the signed-in
 * member on `connectionId` (Owner or Admin). Raises the account's seat count first if needed: the
 * bench store is throwaway and the point is the time, not the limit.
 */
export async function measureUsersImport(core: Core, connectionId: string, rows = 10_000): Promise<{ previewMs: number; commitMs: number; invited: number }> {
  // The bench's own write on either store (outside the core's repositories, as the bench is).
  await sql`UPDATE accounts SET seats = CASE WHEN seats > used.n + ${rows} THEN seats ELSE used.n + ${rows} END
      FROM (SELECT account_id, count(*) AS n FROM memberships GROUP BY account_id) used
      WHERE used.account_id = accounts.account_id`.execute(core.store.db)
  const teams = unwrap<{ teams: Array<{ name: string }> }>(await core.dispatch(connectionId, 'teams:list', {}), 'teams:list').teams.map((t) => t.name)
  const csv = makeUsersCsv(rows, { tag: `b${core.clock.now().toString(36)}`, teams })
  let start = performance.now()
  const preview = unwrap<{ okCount: number }>(await core.dispatch(connectionId, 'users:import-preview', { csv }), 'users:import-preview')
  const previewMs = performance.now() - start
  if (preview.okCount !== rows) throw new Error(`users:import-preview accepted ${preview.okCount} of ${rows} rows`)
  start = performance.now()
  const commit = unwrap<{ invited: unknown[] }>(await core.dispatch(connectionId, 'users:import-commit', { csv }), 'users:import-commit')
  const commitMs = performance.now() - start
  return { previewMs, commitMs, invited: commit.invited.length }
}

const SORTS = ['name', 'email', 'lastLogin'] as const
/** The warm-up's limit: every team by every sort once, or this long. */
const TEAM_WARMUP_BUDGET_MS = 20_000

/**
 * Users pages filtered by team, as the console asks for them: a first page (which also carries the
 * status counts, the total and the seats) and then `pages - 1` keyset pages, for every team and
 * sort in turn, until `samples` page times are collected, after a warm-up visit of each (timed
 * apart: `cold`). First and later pages are timed apart.
 */
export async function measureTeamPages(
  core: Core,
  connectionId: string,
  options: { samples?: number; pageSize?: number; pages?: number } = {}
): Promise<{ first: number[]; next: number[]; slowest: string[]; cold: number[] }> {
  const samples = options.samples ?? 200
  const limit = options.pageSize ?? 100
  const pages = options.pages ?? 5
  const teams = unwrap<{ teams: Array<{ id: string; memberCount: number }> }>(await core.dispatch(connectionId, 'teams:list', {}), 'teams:list').teams
  if (teams.length === 0) throw new Error('No teams in the bench store: seed it with the demo data first.')
  /** One visit: a team by one sort, `pages` keyset pages; each page's time in `into`. */
  const visit = async (i: number, into: (ms: number, page: number) => void) => {
    const teamId = teams[i % teams.length]!.id
    const sort = SORTS[Math.floor(i / teams.length) % SORTS.length]!
    let after: unknown = undefined
    for (let p = 0; p < pages; p++) {
      const start = performance.now()
      const page = unwrap<{ next: unknown }>(
        await core.dispatch(connectionId, 'users:list', { teamId, sort, limit, ...(after ? { after } : {}) }),
        'users:list'
      )
      into(performance.now() - start, p)
      if (!page.next) break
      after = page.next
    }
  }
  // Warm-up, as the users pages have: every team by every sort once, the times kept apart (a first
  // visit reads the team's index range from the file, or from the server's disk, into the cache).
  const cold: number[] = []
  const started = Date.now()
  for (let i = 0; i < teams.length * SORTS.length && Date.now() - started < TEAM_WARMUP_BUDGET_MS; i++) await visit(i, (ms) => cold.push(ms))
  const first: number[] = []
  const next: number[] = []
  // Which visits the slow samples were (team, sort, page, how many came before it): for the log.
  const timed: Array<{ ms: number; what: string }> = []
  for (let i = 0; first.length + next.length < samples; i++) {
    await visit(i, (ms, p) => {
      ;(p === 0 ? first : next).push(ms)
      timed.push({ ms, what: `team ${i % teams.length} by ${SORTS[Math.floor(i / teams.length) % SORTS.length]} page ${p + 1} (sample ${first.length + next.length})` })
    })
  }
  const slowest = timed
    .sort((a, b) => b.ms - a.ms)
    .slice(0, 6)
    .map((x) => `${x.ms.toFixed(1)} ms ${x.what}`)
  return { first, next, slowest, cold }
}

/**
 * Ordinary calls while heavy ones run: `heavy` connections each preview a large users CSV over
 * and over (one at a time each, as a window does), while one more connection asks for the first
 * users page and auth:status in turn. Returns the ordinary calls' times, the previews finished and
 * refused (the core's limit on heavy work), the CSV's size and the process's peak memory.
 */
export async function measureHeavyLoad(
  core: Core,
  connect: () => Promise<string>,
  options: { heavy?: number; samples?: number; rows?: number } = {}
): Promise<{ ordinary: number[]; finished: number; refused: number; csvBytes: number; peakRssMb: number }> {
  const heavy = options.heavy ?? 10
  const samples = options.samples ?? 200
  const csv = makeUsersCsv(options.rows ?? 45_000, { tag: `heavy${core.clock.now().toString(36)}` })
  const connections = [] as string[]
  for (let i = 0; i < heavy + 1; i++) connections.push(await connect())
  const [ordinaryConnection, ...heavyConnections] = connections as [string, ...string[]]
  let stop = false
  let finished = 0
  let refused = 0
  let peakRss = process.memoryUsage().rss
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50)
  let failure: Error | null = null
  const loops = heavyConnections.map(async (connectionId) => {
    while (!stop && !failure) {
      const result = await core.dispatch(connectionId, 'users:import-preview', { csv })
      if (result.ok) finished += 1
      else if (result.error.code === 'LIMIT') refused += 1
      else failure = new Error(`users:import-preview failed: ${result.error.code} ${result.error.message}`)
    }
  })
  const ordinary: number[] = []
  try {
    // The heavy calls are under way (the first two running, the rest in line) before timing starts.
    await new Promise((resolve) => setTimeout(resolve, 200))
    for (let i = 0; i < samples && !failure; i++) {
      const start = performance.now()
      if (i % 2 === 0) unwrap(await core.dispatch(ordinaryConnection, 'users:list', { sort: 'name', direction: 'asc', limit: 100 }), 'users:list')
      else unwrap(await core.dispatch(ordinaryConnection, 'auth:status', {}), 'auth:status')
      ordinary.push(performance.now() - start)
      // A person clicks; calls are not back to back.
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
  } finally {
    stop = true
    await Promise.allSettled(loops)
    clearInterval(sampler)
  }
  if (failure) throw failure
  for (const connectionId of connections) await core.disconnect(connectionId)
  return { ordinary, finished, refused, csvBytes: Buffer.byteLength(csv), peakRssMb: peakRss / 1e6 }
}
