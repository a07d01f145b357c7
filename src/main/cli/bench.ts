import Database from 'better-sqlite3-multiple-ciphers'
import Conf from 'conf'
import { sql, type RawBuilder } from 'kysely'
import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, openSync, readSync, closeSync, rmSync, statSync, statfsSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { randomBytes } from 'node:crypto'
import type { Result } from '../../shared/contract/result'
import { auditRowToDto } from '../core/audit/handlers'
import { auditRowOf, canonicalEventJson, type AuditEntry, type AuditRow } from '../core/audit/ledger'
import { verifyLedger } from '../core/audit/verify'
import type { ReaderSpec } from '../core/jobs/protocol'
import { leafHash, MerkleFrontier } from '../core/audit/merkle'
import { systemClock } from '../core/clock'
import { Core } from '../core/core'
import { seedDemo } from '../core/demo/seed-demo'
import type { ConnectionMeta, CoreClient, KeySource } from '../core/host'
import { openCore } from '../core/in-process'
import { databasePath, migrate, openDatabase, resolveKey, type Db } from '../core/store/connection'
import type { Executor } from '../core/store/port'
import { openPostgresStore, redactUrl } from '../core/store/postgres-store'
import { sqliteStoreOver, type SqliteStore } from '../core/store/sqlite-store'
import { startCoreWorker } from '../core/worker-client'
import { benchSupportRevocation, type SupportRevocationResult } from './bench-support-access'
import { createBenchDatabase, startPgServer, vacuumAnalyze, type PgServer } from './pg-server'
import { measureHeavyLoad, measureTeamPages, measureUsersImport } from './users-bench'

export interface BenchOptions {
  users: number
  events: number
  workerPath: string
  /**
   * A PostgreSQL server for the PostgreSQL column (--store / GATEHOUSE_STORE; GATEHOUSE_BENCH_POSTGRES
   * wins): the bench creates its databases on it and drops them after, so the role must be allowed
   * to CREATE DATABASE. Absent: a throwaway local PostgreSQL 15 server (src/main/cli/pg-server.ts).
   */
  store?: string
}

const SEED = 1
const META: ConnectionMeta = { transport: 'cli', ip: '127.0.0.1', device: 'gatehouse bench' }
const OWNER = { name: 'Bench Owner', email: 'owner@bench.example', password: 'bench-violet-harbour-lantern-42' }
const ACCOUNT = { name: 'Bench Corp', plan: 'paid', seats: 1000 } as const
const CONF_EVENTS = 100_000
const PAGE = 100

// Sample counts. Pages and appends are cheap, so plenty; the JSON store rewrites ~60 MB per append.
const PAGE_SCENARIOS = 200
// Time budgets keep the whole run under 15 minutes even where a query misses its target by far;
// a row cut short shows its smaller n and the notes say why.
const USERS_BUDGET_MS = 75_000
const USERS_WARMUP_BUDGET_MS = 8_000
const BASELINE_BUDGET_MS = 40_000
const BASELINE_SCENARIOS = 60
const VERIFY_BUDGET_MS = 45_000
const NEXT_PAGES_PER_SCENARIO = 3
const AUDIT_SAMPLES = 200
const APPEND_SAMPLES = 300
/** Rows of the CSV each of the 10 heavy connections previews over and over (about 2 MB). */
const HEAVY_CSV_ROWS = 25_000
const CONF_SAMPLES = 10
const VERIFY_RUNS = 3
const ROUND_TRIPS = 600

// --- statistics and the table -------------------------------------------------------------

/** One line of the table: a measurement on SQLite (the encrypted file unless it says otherwise) and/or PostgreSQL. */
interface Row {
  measurement: string
  sqlite?: number[] // milliseconds
  postgres?: number[]
  target?: string
  /** A ratio of this row's own (enc/plain, ours/baseline, conf/store, worker/in-process), formatted. */
  ratio?: string
  /** Per store, whether the target holds; absent: no target. */
  ok?: { sqlite?: boolean; postgres?: boolean }
}

/** Nearest-rank percentile of milliseconds. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN
  const sorted = [...samples].sort((a, b) => a - b)
  const rank = Math.max(1, Math.ceil(p * sorted.length))
  return sorted[rank - 1]!
}

function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '—'
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)} s`
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`
  if (ms >= 100) return `${ms.toFixed(0)} ms`
  if (ms >= 10) return `${ms.toFixed(1)} ms`
  if (ms >= 1) return `${ms.toFixed(2)} ms`
  return `${(ms * 1000).toFixed(0)} µs`
}

function formatRatio(ratio: number): string {
  if (!Number.isFinite(ratio)) return '—'
  if (ratio >= 100) return `${Math.round(ratio).toLocaleString('en-US')}×`
  return `${ratio.toFixed(2)}×`
}

function verdict(ok: Row['ok']): string {
  if (!ok) return '—'
  const missed = (['sqlite', 'postgres'] as const).filter((s) => ok[s] === false)
  if (missed.length === 0) return 'ok'
  const names = { sqlite: 'SQLite', postgres: 'PostgreSQL' }
  return missed.length === 2 ? 'MISSED' : `MISSED (${names[missed[0]!]})`
}

export function formatTable(rows: readonly Row[]): string {
  const header = ['measurement', 'n', 'SQLite p50', 'SQLite p95', 'PG p50', 'PG p95', 'PG/SQLite', 'target', 'ratio', 'verdict']
  const cell = (samples: number[] | undefined, p: number) => (samples && samples.length > 0 ? formatMs(percentile(samples, p)) : '—')
  const body = rows.map((r) => {
    const counts = [r.sqlite?.length, r.postgres?.length].filter((n): n is number => n !== undefined)
    const n = counts.length === 2 && counts[0] !== counts[1] ? `${counts[0]}/${counts[1]}` : String(counts[0] ?? 0)
    const storeRatio = r.sqlite?.length && r.postgres?.length ? formatRatio(p50(r.postgres) / p50(r.sqlite)) : '—'
    return [r.measurement, n, cell(r.sqlite, 0.5), cell(r.sqlite, 0.95), cell(r.postgres, 0.5), cell(r.postgres, 0.95), storeRatio, r.target ?? '—', r.ratio ?? '—', verdict(r.ok)]
  })
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((cells) => cells[i]!.length)))
  // Numbers right-aligned so their magnitudes line up.
  const right = new Set([1, 2, 3, 4, 5, 6, 8])
  const line = (cells: string[]) => cells.map((c, i) => (right.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join(' | ')
  return [line(header), widths.map((w) => '-'.repeat(w)).join('-|-'), ...body.map(line)].join('\n')
}

const p50 = (samples: readonly number[]) => percentile(samples, 0.5)
const p95 = (samples: readonly number[]) => percentile(samples, 0.95)

// --- helpers ------------------------------------------------------------------------------

let benchStart = process.hrtime.bigint()

/** Progress for the person watching, on stderr, stamped with the time since the bench started. */
/**
 * A full garbage collection before each measured section: what one section leaves behind (1M
 * seeded events, 70 MB of conf JSON rewritten 11 times, a ledger verified end to end) is collected
 * then, not in the middle of the next section's timings, which a product process never carries.
 */
const collectGarbage: () => void = (() => {
  setFlagsFromString('--expose-gc')
  return runInNewContext('gc') as () => void
})()

async function settle(): Promise<void> {
  collectGarbage()
  await new Promise((resolve) => setTimeout(resolve, 200))
}

function log(message: string): void {
  const elapsed = (Number(process.hrtime.bigint() - benchStart) / 1e9).toFixed(1).padStart(6)
  process.stderr.write(`[bench ${elapsed} s] ${message}\n`)
}

function secondsSince(fromNs: bigint): number {
  return Number(process.hrtime.bigint() - fromNs) / 1e9
}

async function timed(fn: () => unknown): Promise<number> {
  const start = process.hrtime.bigint()
  await fn()
  return Number(process.hrtime.bigint() - start) / 1e6
}

/** Small deterministic PRNG so every store sees the same query mix. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function unwrap<T>(result: Result<unknown>, what: string): T {
  if (!result.ok) throw new Error(`${what} failed: ${result.error.code} ${result.error.message}`)
  return result.value as T
}

function fileSystemOf(dir: string): string {
  const names: Record<number, string> = { 0xef53: 'ext4', 0x01021994: 'tmpfs', 0x58465342: 'xfs', 0x9123683e: 'btrfs', 0x794c7630: 'overlayfs' }
  try {
    const type = statfsSync(dir).type
    return names[type] ?? `fs 0x${type.toString(16)}`
  } catch {
    return 'unknown fs'
  }
}

function startsWithSqliteHeader(file: string): boolean {
  const fd = openSync(file, 'r')
  try {
    const head = Buffer.alloc(16)
    readSync(fd, head, 0, 16, 0)
    return head.toString('latin1') === 'SQLite format 3\0'
  } finally {
    closeSync(fd)
  }
}

/** Rows of a query on a core's store handle (either dialect: the bench's own reads, outside the core's repositories). */
async function rowsOf<T>(core: Core, query: RawBuilder<T>): Promise<T[]> {
  return (await query.execute(core.store.db as Executor)).rows
}

// --- the stores -----------------------------------------------------------------------------

interface BenchStore {
  label: 'encrypted' | 'unencrypted' | 'postgres'
  core: Core
  connectionId: string
}

async function setUp(core: Core): Promise<void> {
  const connectionId = core.connect(META)
  unwrap(
    await core.dispatch(connectionId, 'auth:setup', {
      accountName: ACCOUNT.name,
      plan: ACCOUNT.plan,
      seats: ACCOUNT.seats,
      ownerName: OWNER.name,
      ownerEmail: OWNER.email,
      ownerPassword: OWNER.password
    }),
    'auth:setup'
  )
  core.disconnect(connectionId)
}

/** A fresh connection signed in as the Owner, the same way on every store. */
async function signIn(core: Core): Promise<string> {
  const connectionId = core.connect(META)
  unwrap(await core.dispatch(connectionId, 'auth:sign-in', { email: OWNER.email, password: OWNER.password }), 'auth:sign-in')
  return connectionId
}

/** A plain SQLite connection with the pragmas the encrypted one uses, minus the key: the ratio isolates the cipher. */
function openPlainDb(file: string): Db {
  const db = new Database(file)
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = FULL')
  db.pragma('foreign_keys = ON')
  db.pragma('cache_size = -131072')
  db.pragma('busy_timeout = 5000')
  return db
}

/**
 * The unencrypted twin: the same migrations, then every row of the seeded encrypted store copied
 * in rowid order (the order seeding inserted them), so both files hold identical data laid out
 * alike (a seeded and a copied plain store answered the page queries within noise of each other).
 * Seeding a second time would cost minutes of the bench's budget for the same rows.
 */
function copyToPlain(encrypted: Db, file: string): void {
  const plain = openPlainDb(file)
  migrate(plain)
  // Counter triggers would count every copied row a second time: off during the copy, then back.
  const triggers = plain.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY rowid").all() as Array<{ name: string; sql: string }>
  for (const trigger of triggers) plain.exec(`DROP TRIGGER "${trigger.name}"`)
  plain.close()
  // KEY '' attaches the file without encryption (SQLite3 Multiple Ciphers).
  encrypted.exec(`ATTACH DATABASE '${file.replace(/'/g, "''")}' AS plain KEY ''`)
  encrypted.pragma('foreign_keys = OFF')
  try {
    const all = encrypted.prepare("SELECT name, sql FROM main.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY rowid").all() as Array<{ name: string; sql: string }>
    // Full-text indexes are not copied row by row: they are rebuilt from their content table below.
    const virtual = all.filter((t) => /^CREATE VIRTUAL TABLE/i.test(t.sql)).map((t) => t.name)
    const tables = all.filter((t) => !virtual.some((v) => t.name === v || t.name.startsWith(`${v}_`))).map((t) => `"${t.name}"`)
    encrypted.transaction(() => {
      for (const table of tables) encrypted.exec(`DELETE FROM plain.${table}`)
    })()
    const CHUNK = 100_000
    for (const table of tables) {
      let maxRowid: number | null = null
      try {
        maxRowid = (encrypted.prepare(`SELECT max(rowid) AS n FROM main.${table}`).get() as { n: number | null }).n
      } catch {
        maxRowid = null // WITHOUT ROWID: copied in one go below
      }
      if (maxRowid === null) {
        encrypted.exec(`INSERT INTO plain.${table} SELECT * FROM main.${table}`)
        continue
      }
      const copy = encrypted.prepare(`INSERT INTO plain.${table} SELECT * FROM main.${table} WHERE rowid > ? AND rowid <= ? ORDER BY rowid`)
      // Chunks keep the plain WAL small: it checkpoints between transactions.
      for (let from = 0; from < maxRowid; from += CHUNK) encrypted.transaction(() => copy.run(from, from + CHUNK))()
    }
  } finally {
    encrypted.pragma('foreign_keys = ON')
    encrypted.exec('DETACH DATABASE plain')
  }
  const reopened = openPlainDb(file)
  reopened.transaction(() => {
    reopened.exec("INSERT INTO persons_search (persons_search) VALUES ('rebuild')")
    for (const trigger of triggers) reopened.exec(trigger.sql)
  })()
  reopened.close()
}

/** The raw connection of a core on the SQLite store (the bench's SQLite-only measurements). */
function rawOf(core: Core): Db {
  return (core.store as SqliteStore).raw
}

/** The twin is opened with the encrypted store's key: the secrets copied with its rows (the ledger's signing key) are sealed with it. */
function openPlainCore(dir: string, file: string, key: Buffer): Promise<Core> {
  const store = sqliteStoreOver(openPlainDb(file), { key, file, dataDir: dir, created: false, encrypted: false })
  return Core.open({ store, dataDir: dir, clock: systemClock, tickMs: 0 })
}

async function seed(core: Core, options: BenchOptions): Promise<number> {
  const start = process.hrtime.bigint()
  const total = Math.max(options.users, options.events)
  let nextReport = 0
  const step = Math.max(1, Math.floor(total / 10))
  await seedDemo(core, {
    users: options.users,
    events: options.events,
    // As many login events as audit events: the issue's million of each.
    logins: options.events,
    seed: SEED,
    progress: ({ users, events }) => {
      const done = events > 0 ? events : users
      if (done >= nextReport) {
        const elapsed = secondsSince(start)
        const phase = events > 0 ? `${events.toLocaleString('en-US')} / ${total.toLocaleString('en-US')} events` : `${users.toLocaleString('en-US')} / ${options.users.toLocaleString('en-US')} users`
        log(`SQLite seeding: ${phase} (${elapsed.toFixed(1)} s, ${Math.round(done / Math.max(elapsed, 0.001)).toLocaleString('en-US')}/s)`)
        nextReport = done + step
      }
    }
  })
  const elapsedS = secondsSince(start)
  log(`seeded the encrypted SQLite store in ${elapsedS.toFixed(1)} s`)
  return elapsedS
}

function runCli(cliPath: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] })
    let stderr = ''
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.on('error', reject)
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`gatehouse ${args.filter((a) => !a.startsWith('postgres')).join(' ')} exited with ${code}: ${stderr.trim()}`))))
  })
}

/**
 * The PostgreSQL store set up and seeded by the gatehouse command itself (`init`, then `demo` with
 * the bench's seed), in a child process: it runs beside the SQLite seeding on the other core
 * (one process would interleave nothing: the SQLite seeding never yields to the event loop long
 * enough for the PostgreSQL one). Same account, Owner and seed: the same people and events.
 */
async function seedPostgresInChild(options: BenchOptions, url: string, dataDir: string, passphrase: string): Promise<number> {
  const start = process.hrtime.bigint()
  const cli = join(dirname(options.workerPath), 'cli.js')
  const env = { GATEHOUSE_PASSPHRASE: passphrase, GATEHOUSE_OWNER_PASSWORD: OWNER.password, GATEHOUSE_STORE: '' }
  const common = ['--data-dir', dataDir, '--store', url]
  await runCli(cli, [...common, 'init', '--account', ACCOUNT.name, '--owner-email', OWNER.email, '--owner-name', OWNER.name, '--plan', ACCOUNT.plan, '--seats', String(ACCOUNT.seats)], env)
  await runCli(cli, [...common, 'demo', '--users', String(options.users), '--events', String(options.events), '--logins', String(options.events), '--seed', String(SEED)], env)
  const seeded = secondsSince(start)
  log(`seeded the PostgreSQL store in ${seeded.toFixed(1)} s (gatehouse init + demo in a child process)`)
  return seeded
}

// --- measurements -------------------------------------------------------------------------

/** The most common 2-, 3- and 4-letter name prefixes: what a person types into the search box. */
function searchFragments(db: Db): string[] {
  const counts = new Map<string, number>()
  for (const row of db.prepare('SELECT name FROM persons').iterate() as IterableIterator<{ name: string }>) {
    for (const part of row.name.toLowerCase().split(' ')) {
      for (const len of [2, 3, 4]) {
        if (part.length >= len) {
          const prefix = part.slice(0, len)
          counts.set(prefix, (counts.get(prefix) ?? 0) + 1)
        }
      }
    }
  }
  const top = (len: number) =>
    [...counts.entries()]
      .filter(([k]) => k.length === len && /^[a-z]+$/.test(k))
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .slice(0, 10)
      .map(([k]) => k)
  return [...top(2), ...top(3), ...top(4)]
}

const SORTS = [
  { sort: 'name', direction: 'asc' },
  { sort: 'email', direction: 'asc' },
  { sort: 'lastLogin', direction: 'desc' }
] as const

interface UsersPage {
  rows: Array<{ email: string }>
  next: { value: string | number | null; id: string } | null
}

interface PageTimes {
  first: number[]
  next: number[]
}

/** One person's visit: search, sort, then scroll a few keyset pages. Returns the emails seen, in order (the stores are compared). */
async function usersScenario(store: BenchStore, search: string, sortIndex: number, into: PageTimes): Promise<string[]> {
  const { sort, direction } = SORTS[sortIndex % SORTS.length]!
  let page: UsersPage | undefined
  const seen: string[] = []
  into.first.push(
    await timed(async () => {
      page = unwrap<UsersPage>(await store.core.dispatch(store.connectionId, 'users:list', { search, sort, direction, limit: PAGE }), 'users:list')
    })
  )
  seen.push(...page!.rows.map((r) => r.email))
  for (let i = 0; i < NEXT_PAGES_PER_SCENARIO && page?.next; i++) {
    const after = page.next
    into.next.push(
      await timed(async () => {
        page = unwrap<UsersPage>(await store.core.dispatch(store.connectionId, 'users:list', { search, sort, direction, after, limit: PAGE }), 'users:list')
      })
    )
    seen.push(...page!.rows.map((r) => r.email))
  }
  return seen
}

interface Visit {
  fragment: string
  sortIndex: number
}

/**
 * The stores grouped by engine, in order: the SQLite files together (interleaved with each other,
 * so their ratio isolates the cipher), then PostgreSQL on its own. A PostgreSQL server working
 * between two SQLite calls takes the other core and the disk's flushes from them (a durable commit
 * of one engine waits for the other's), which no single-engine installation sees.
 */
function byEngine(stores: BenchStore[]): BenchStore[][] {
  const groups = new Map<string, BenchStore[]>()
  for (const store of stores) {
    const engine = store.core.store.dialect
    groups.set(engine, [...(groups.get(engine) ?? []), store])
  }
  return [...groups.values()]
}

function visitsOf(fragments: string[]): Visit[] {
  const random = mulberry32(7)
  return Array.from({ length: PAGE_SCENARIOS }, (_, i) => ({ fragment: fragments[Math.floor(random() * fragments.length)]!, sortIndex: i }))
}

async function measureUsers(stores: BenchStore[], fragments: string[], visits: Visit[]): Promise<{ times: Map<BenchStore, PageTimes>; visits: number; differing: Map<BenchStore, number> }> {
  log(`users pages: ${fragments.length} search fragments (${fragments.slice(0, 6).join(', ')}, …) × ${SORTS.length} sorts`)
  const times = new Map(stores.map((s) => [s, { first: [], next: [] } as PageTimes]))
  // Warm-up: every fragment and sort once (within a budget), results thrown away.
  for (const store of stores) {
    const scratch = { first: [], next: [] }
    const started = Date.now()
    for (let i = 0; i < fragments.length && Date.now() - started < USERS_WARMUP_BUDGET_MS; i++) await usersScenario(store, fragments[i]!, i, scratch)
  }
  const differing = new Map(stores.map((s) => [s, 0]))
  // Each engine's visits in one block (see byEngine); every store must show the same people in the
  // same order for the same visit (emails: the seeded people are alike on every store).
  const seen = new Map(stores.map((s) => [s, [] as string[]]))
  let done = visits.length
  for (const group of byEngine(stores)) {
    const started = Date.now()
    for (let i = 0; i < Math.min(done, visits.length); i++) {
      if (i >= 20 && Date.now() - started > USERS_BUDGET_MS / 2) {
        log(`users pages: time budget spent after ${i} visits per store`)
        done = i
        break
      }
      const { fragment, sortIndex } = visits[i]!
      for (const store of group) seen.get(store)!.push((await usersScenario(store, fragment, sortIndex, times.get(store)!)).join('\n'))
    }
  }
  for (let i = 0; i < done; i++) {
    const first = seen.get(stores[0]!)![i]
    for (const store of stores.slice(1)) {
      if (seen.get(store)![i] === first) continue
      differing.set(store, differing.get(store)! + 1)
      log(`users pages: ${store.label} differs from ${stores[0]!.label} for ${JSON.stringify(visits[i]!.fragment)} by ${SORTS[visits[i]!.sortIndex % SORTS.length]!.sort}`)
    }
  }
  return { times, visits: done, differing }
}

/**
 * The same visits done the way most admin consoles do them: LIKE '%term%' over name and email,
 * ORDER BY the sort column, a COUNT(*) for the total, OFFSET for the next pages (to the same
 * depth). Straight on the store's handle (no validation, no session check: slightly in its favour).
 */
async function baselineScenario(store: BenchStore, accountId: string, search: string, sortIndex: number, into: PageTimes): Promise<void> {
  const { sort } = SORTS[sortIndex % SORTS.length]!
  const pattern = `%${search}%`
  const order = sql.raw(sort === 'name' ? 'p.name, p.person_id' : sort === 'email' ? 'p.email, p.person_id' : 'm.last_login_at DESC, p.person_id DESC')
  const where = sql`m.account_id = ${accountId} AND (p.name LIKE ${pattern} OR p.email LIKE ${pattern})`
  const page = (offset: number) =>
    rowsOf(
      store.core,
      sql<{ id: string }>`SELECT m.membership_id AS id, p.person_id, p.name, p.email, m.role, m.status, m.invite_expires_at, m.last_login_at, m.created_at, p.avatar
        FROM memberships m JOIN persons p ON p.person_id = m.person_id WHERE ${where} ORDER BY ${order} LIMIT ${PAGE} OFFSET ${offset}`
    )
  let rows = 0
  into.first.push(
    await timed(async () => {
      rows = (await page(0)).length
      await rowsOf(store.core, sql<{ n: number }>`SELECT count(*) AS n FROM memberships m JOIN persons p ON p.person_id = m.person_id WHERE ${where}`)
    })
  )
  for (let i = 1; i <= NEXT_PAGES_PER_SCENARIO && rows === PAGE; i++) into.next.push(await timed(async () => (rows = (await page(i * PAGE)).length)))
}

async function measureBaseline(stores: BenchStore[], visits: Visit[]): Promise<Map<BenchStore, PageTimes>> {
  const times = new Map(stores.map((s) => [s, { first: [], next: [] } as PageTimes]))
  const accounts = new Map<BenchStore, string>()
  for (const store of stores) accounts.set(store, (await rowsOf(store.core, sql<{ id: string }>`SELECT account_id AS id FROM accounts`))[0]!.id)
  for (const store of stores) await baselineScenario(store, accounts.get(store)!, visits[0]!.fragment, 0, { first: [], next: [] })
  // Each engine in one block, as the users pages (byEngine).
  for (const group of byEngine(stores)) {
    const started = Date.now()
    for (let i = 0; i < Math.min(BASELINE_SCENARIOS, visits.length); i++) {
      if (i >= 10 && Date.now() - started > BASELINE_BUDGET_MS / 2) {
        log(`baseline pages: time budget spent after ${i} visits per store`)
        break
      }
      for (const store of group) await baselineScenario(store, accounts.get(store)!, visits[i]!.fragment, visits[i]!.sortIndex, times.get(store)!)
    }
  }
  return times
}

/** The audit review's measurements (issue 10 part 6), each a list of samples in ms. */
interface AuditTimes {
  action: number[]
  actionActor: number[]
  week: number[]
  actor: number[]
  target: number[]
  combined: number[]
  search: number[]
  searchCommon: number[]
  count: number[]
  series: number[]
}

const AUDIT_KEYS: ReadonlyArray<keyof AuditTimes> = ['action', 'actionActor', 'week', 'actor', 'target', 'combined', 'search', 'searchCommon', 'count', 'series']

async function measureAudit(stores: BenchStore[]): Promise<Map<BenchStore, AuditTimes>> {
  const DAY = 86_400_000
  // Admins who changed roles: the actors an investigator filters on (per store: the Owner's id is its own).
  // Targets and surnames come from the events themselves (the same on every store: one seed).
  const actorsOf = async (store: BenchStore) =>
    (
      await rowsOf(
        store.core,
        sql<{ id: string }>`SELECT DISTINCT actor_id AS id FROM audit_events WHERE action = 'member.role-changed' AND actor_id IS NOT NULL ORDER BY actor_id LIMIT 200`
      )
    ).map((r) => r.id)
  const targetsOf = async (store: BenchStore) =>
    (await rowsOf(store.core, sql<{ id: string; name: string }>`SELECT target_id AS id, target_name AS name FROM audit_events WHERE action = 'member.invited' ORDER BY seq LIMIT 200`)).map((r) => ({
      id: r.id,
      surname: r.name.split(' ').at(-1)!
    }))
  const actors = new Map<BenchStore, string[]>()
  const targets = new Map<BenchStore, Array<{ id: string; surname: string }>>()
  for (const store of stores) {
    actors.set(store, await actorsOf(store))
    targets.set(store, await targetsOf(store))
  }
  const span = (await rowsOf(stores[0]!.core, sql<{ lo: number; hi: number }>`SELECT min(time) AS lo, max(time) AS hi FROM audit_events`))[0]!
  const [lo, hi] = [Number(span.lo), Number(span.hi)]
  log(`audit pages: ${actors.get(stores[0]!)!.length} admin actors, ${targets.get(stores[0]!)!.length} targets, events from ${new Date(lo).toISOString()} to ${new Date(hi).toISOString()}`)
  const times = new Map(stores.map((s) => [s, Object.fromEntries(AUDIT_KEYS.map((k) => [k, []])) as unknown as AuditTimes]))
  const random = mulberry32(11)
  const sampleInput = (i: number) => {
    // Half first pages, half deep pages (a cursor somewhere in the middle of the year).
    const after = i % 2 === 0 ? undefined : { time: Math.floor(lo + (hi - lo) * (0.25 + random() * 0.5)), seq: 2 ** 31 }
    const weekStart = Math.floor(hi - 358 * DAY * random() - 7 * DAY)
    return { after, pick: random(), week: { from: weekStart, to: weekStart + 7 * DAY } }
  }
  type Input = ReturnType<typeof sampleInput>
  const USERS_GROUP = ['member.created', 'member.updated', 'member.role-changed', 'member.deactivated', 'member.reactivated']
  const page = async (store: BenchStore, input: Input, filter: Record<string, unknown>, after = true) =>
    unwrap(await store.core.dispatch(store.connectionId, 'audit:list', { filter, ...(after && input.after ? { after: input.after } : {}), limit: PAGE }), 'audit:list')
  const scenarios: Record<keyof AuditTimes, (store: BenchStore, input: Input) => Promise<unknown>> = {
    action: (store, input) => page(store, input, { actions: ['member.role-changed'] }),
    actionActor: (store, input) => {
      const list = actors.get(store)!
      return page(store, input, { actions: ['member.role-changed'], actorId: list[Math.floor(input.pick * list.length)] })
    },
    week: (store, input) => page(store, input, input.week, false),
    actor: (store, input) => {
      const list = actors.get(store)!
      return page(store, input, { actorId: list[Math.floor(input.pick * list.length)] })
    },
    target: (store, input) => {
      const list = targets.get(store)!
      return page(store, input, { targetType: 'member', targetId: list[Math.floor(input.pick * list.length)]!.id })
    },
    combined: (store, input) => {
      const list = actors.get(store)!
      return page(store, input, { actorId: list[Math.floor(input.pick * list.length)], actions: USERS_GROUP, ...input.week }, false)
    },
    search: (store, input) => {
      const list = targets.get(store)!
      return page(store, input, { search: list[Math.floor(input.pick * list.length)]!.surname }, false)
    },
    searchCommon: (store, input) => page(store, input, { search: input.pick < 0.5 ? 'signed' : 'changed role' }, false),
    count: async (store, input) => {
      const list = targets.get(store)!
      const filters = [{}, input.week, { actions: ['member.role-changed'] }, { search: list[Math.floor(input.pick * list.length)]!.surname }]
      return unwrap(await store.core.dispatch(store.connectionId, 'audit:count', { filter: filters[Math.floor(input.pick * 4)]! }), 'audit:count')
    },
    series: async (store, input) => {
      // A year of the viewer's days, as the chart asks for them; every other one for one action.
      const end = hi + DAY
      const bounds = Array.from({ length: 366 }, (_, i) => end - (365 - i) * DAY)
      const filter = input.pick < 0.5 ? {} : { actions: ['member.role-changed'] }
      return unwrap(await store.core.dispatch(store.connectionId, 'audit:series', { filter, bounds }), 'audit:series')
    }
  }
  const inputs = Array.from({ length: 20 + AUDIT_SAMPLES }, (_, i) => sampleInput(i))
  for (const group of byEngine(stores)) {
    for (const [i, input] of inputs.entries()) {
      for (const store of group) {
        for (const key of AUDIT_KEYS) {
          // The unencrypted twin only for the pages compared with it.
          if (store.label === 'unencrypted' && key !== 'action' && key !== 'actionActor') continue
          if (i < 20) await scenarios[key](store, input)
          else times.get(store)![key].push(await timed(() => scenarios[key](store, input)))
        }
      }
    }
  }
  return times
}

/** The login history's measurements (issue 10 parts 1, 2 and 6), each a list of samples in ms. */
interface LoginTimes {
  person: number[]
  page: number[]
  failed: number[]
  address: number[]
  combined: number[]
  dormant: number[]
}
const LOGIN_KEYS: ReadonlyArray<keyof LoginTimes> = ['person', 'page', 'failed', 'address', 'combined', 'dormant']

/**
 * A person's login history with its 30-day chart (the user panel), and account-wide pages: unfiltered,
 * failed attempts, one address, and failed + a person + a month; first and deep pages alternate.
 * Then the dormant members (30 days) with their total.
 */
async function measureLogins(stores: BenchStore[]): Promise<{ times: Map<BenchStore, LoginTimes>; events: number }> {
  const DAY = 86_400_000
  const membersOf = async (store: BenchStore) =>
    (await rowsOf(store.core, sql<{ id: string }>`SELECT membership_id AS id FROM memberships WHERE status = 'active' ORDER BY membership_id LIMIT 200`)).map((r) => r.id)
  const addressesOf = async (store: BenchStore) =>
    (await rowsOf(store.core, sql<{ ip: string }>`SELECT ip FROM login_events WHERE ip IS NOT NULL ORDER BY login_event_id LIMIT 200`)).map((r) => r.ip)
  const members = new Map<BenchStore, string[]>()
  const addresses = new Map<BenchStore, string[]>()
  for (const store of stores) {
    members.set(store, await membersOf(store))
    addresses.set(store, await addressesOf(store))
  }
  const span = (await rowsOf(stores[0]!.core, sql<{ lo: number; hi: number; n: number }>`SELECT min(time) AS lo, max(time) AS hi, count(*) AS n FROM login_events`))[0]!
  const [lo, hi] = [Number(span.lo), Number(span.hi)]
  const events = Number(span.n)
  log(`login history: ${events.toLocaleString('en-US')} login events, ${members.get(stores[0]!)!.length} members sampled`)
  const random = mulberry32(17)
  const sampleInput = (i: number) => {
    const after = i % 2 === 0 ? undefined : { time: Math.floor(lo + (hi - lo) * (0.25 + random() * 0.5)), id: 2 ** 31 }
    const monthStart = Math.floor(hi - 330 * DAY * random() - 30 * DAY)
    return { after, pick: random(), month: { from: monthStart, to: monthStart + 30 * DAY } }
  }
  type Input = ReturnType<typeof sampleInput>
  const pick = <T>(list: T[], input: Input) => list[Math.floor(input.pick * list.length)]!
  const page = async (store: BenchStore, input: Input, filter: Record<string, unknown>, after = true) =>
    unwrap(await store.core.dispatch(store.connectionId, 'login-history:list', { filter, ...(after && input.after ? { after: input.after } : {}), limit: PAGE }), 'login-history:list')
  const scenarios: Record<keyof LoginTimes, (store: BenchStore, input: Input) => Promise<unknown>> = {
    person: async (store, input) => {
      const day = new Date(hi)
      day.setHours(0, 0, 0, 0)
      const bounds = Array.from({ length: 31 }, (_, i) => day.getTime() - (29 - i) * DAY)
      return unwrap(await store.core.dispatch(store.connectionId, 'users:login-history', { membershipId: pick(members.get(store)!, input), bounds }), 'users:login-history')
    },
    page: (store, input) => page(store, input, {}),
    failed: (store, input) => page(store, input, { result: 'failure' }),
    address: (store, input) => page(store, input, { ip: pick(addresses.get(store)!, input) }),
    combined: (store, input) => page(store, input, { result: 'failure', membershipId: pick(members.get(store)!, input), ...input.month }, false),
    dormant: async (store) => unwrap(await store.core.dispatch(store.connectionId, 'login-history:dormant', { period: '30' }), 'login-history:dormant')
  }
  const times = new Map(stores.map((s) => [s, Object.fromEntries(LOGIN_KEYS.map((k) => [k, []])) as unknown as LoginTimes]))
  const inputs = Array.from({ length: 20 + AUDIT_SAMPLES }, (_, i) => sampleInput(i))
  for (const group of byEngine(stores)) {
    for (const [i, input] of inputs.entries()) {
      for (const store of group) {
        for (const key of LOGIN_KEYS) {
          if (i < 20) await scenarios[key](store, input)
          else times.get(store)![key].push(await timed(() => scenarios[key](store, input)))
        }
      }
    }
  }
  return { times, events }
}

/** An export of every event as CSV through core.dispatch, page by page as the screen asks: rows per second and resident memory growth. */
async function measureAuditExport(store: BenchStore): Promise<{ rowsPerSecond: number; rows: number; seconds: number; rssGrowthMb: number; bytes: number }> {
  const rssBefore = process.memoryUsage().rss
  let peak = rssBefore
  const started = performance.now()
  const start = unwrap<{ filter: Record<string, unknown> }>(await store.core.dispatch(store.connectionId, 'audit:export-start', { filter: {}, format: 'csv' }), 'audit:export-start')
  let after: unknown
  let rows = 0
  let bytes = 0
  do {
    const page = unwrap<{ text: string; rows: number; next: unknown }>(
      await store.core.dispatch(store.connectionId, 'audit:export-page', { filter: start.filter, format: 'csv', ...(after ? { after } : {}) }),
      'audit:export-page'
    )
    rows += page.rows
    bytes += page.text.length
    after = page.next
    peak = Math.max(peak, process.memoryUsage().rss)
  } while (after)
  const seconds = (performance.now() - started) / 1000
  return { rowsPerSecond: rows / seconds, rows, seconds, rssGrowthMb: (peak - rssBefore) / 1048576, bytes }
}

function appendEntry(owner: { accountId: string; personId: string }, i: number): AuditEntry {
  return {
    accountId: owner.accountId,
    actor: { kind: 'member', id: owner.personId, name: OWNER.name, email: OWNER.email, role: 'owner' },
    action: 'member.role-changed',
    summary: `${OWNER.name} changed Bench Person ${i}'s role from agent to admin.`,
    target: { type: 'member', id: `bench-${i}`, name: `Bench Person ${i}` },
    before: { role: 'agent' },
    after: { role: 'admin' },
    ip: META.ip,
    device: META.device
  }
}

/** Appends in blocks of this many: the first of each block (where the other shape took turns) is not timed. */
const APPEND_BLOCK = 25

/**
 * Single-event appends through the port (core.tx + ledger.append) on every store; on the encrypted
 * SQLite file also the statements the ledger ran before the store port, on the same connection in
 * the same run (synchronous better-sqlite3: read the state, insert the event, write the state, in
 * one BEGIN IMMEDIATE transaction), in alternating blocks: the port's cost is their ratio, free of
 * the disk's mood between runs (a durable commit is most of either).
 */
async function measureAppends(stores: BenchStore[], portBaseline: BenchStore): Promise<{ port: Map<BenchStore, number[]>; beforePort: number[] }> {
  const times = new Map(stores.map((s) => [s, [] as number[]]))
  const beforePort: number[] = []
  const owners = new Map<BenchStore, { accountId: string; personId: string }>()
  for (const store of stores) {
    const rows = await rowsOf(
      store.core,
      sql<{ accountId: string; personId: string }>`SELECT m.account_id AS "accountId", m.person_id AS "personId" FROM memberships m WHERE m.role = 'owner'`
    )
    owners.set(store, rows[0]!)
  }
  const oldShape = appendBeforePort(rawOf(portBaseline.core))
  for (const group of byEngine(stores)) {
    for (let i = 0; i < 20 + 2 * APPEND_SAMPLES; i++) {
      const timed_ = i >= 20 && i % APPEND_BLOCK > 0
      const oldTurn = Math.floor(i / APPEND_BLOCK) % 2 === 1
      for (const store of group) {
        // Built outside the timer: the measurement is the ledger append and its durable commit.
        const entry = appendEntry(owners.get(store)!, i)
        if (oldTurn) {
          // The other stores rest meanwhile: each engine's disk flushes only for the shape being timed.
          if (store !== portBaseline) continue
          const start = process.hrtime.bigint()
          oldShape(entry)
          if (timed_) beforePort.push(Number(process.hrtime.bigint() - start) / 1e6)
          continue
        }
        const ms = await timed(() => store.core.tx((t) => store.core.ledger.append(t, entry)))
        if (timed_) times.get(store)!.push(ms)
      }
    }
  }
  return { port: times, beforePort }
}

/** The ledger's single append as it was before the store port (prepared statements, one synchronous transaction). */
function appendBeforePort(db: Db): (entry: AuditEntry) => void {
  const readState = db.prepare('SELECT tree_size AS size, frontier FROM ledger_state WHERE ledger_id = 1')
  const writeState = db.prepare('UPDATE ledger_state SET tree_size = ?, frontier = ? WHERE ledger_id = 1')
  const insert = db.prepare(`INSERT INTO audit_events (seq, account_id, time, actor_kind, actor_id, actor_name, actor_email, actor_role, action, summary,
      target_type, target_id, target_name, before_json, after_json, ip, device, leaf_hash)
    VALUES (@seq, @account_id, @time, @actor_kind, @actor_id, @actor_name, @actor_email, @actor_role, @action, @summary,
      @target_type, @target_id, @target_name, @before_json, @after_json, @ip, @device, @leaf_hash)`)
  const append = db.transaction((e: AuditEntry) => {
    const state = readState.get() as { size: number; frontier: Buffer }
    const frontier = MerkleFrontier.decode(state.size, state.frontier)
    // The row as the ledger builds it: what differs is only the statements around it.
    const row = auditRowOf(e, frontier.size + 1, Date.now())
    const leaf = leafHash(canonicalEventJson(row))
    insert.run({ ...row, leaf_hash: leaf })
    frontier.append(leaf)
    writeState.run(frontier.size, frontier.encode())
  })
  return (entry) => append.immediate(entry)
}

type VerifyOpen = () => Promise<{ db: Executor; reader?: ReaderSpec; close: () => Promise<void> }>

/** `workers: 0`: one pass on the connection itself (the baseline: how verify ran before worker threads). */
async function measureVerify(label: string, open: VerifyOpen, runs: number, workers?: number): Promise<number[]> {
  const samples: number[] = []
  for (let i = 0; i < runs; i++) {
    if (i > 0 && samples.reduce((a, b) => a + b, 0) > VERIFY_BUDGET_MS) {
      log(`verify (${label}): time budget spent after ${i} run${i === 1 ? '' : 's'}`)
      break
    }
    // Its own read-only connection, as `gatehouse audit verify` does.
    const store = await open()
    try {
      const start = process.hrtime.bigint()
      const result = await verifyLedger(store.db, { reader: store.reader, workers })
      samples.push(Number(process.hrtime.bigint() - start) / 1e6)
      if (!result.ok) throw new Error(`verify failed on the bench store (${label}): ${result.message}`)
      log(`verify (${label}) run ${i + 1}/${runs}: ${result.count.toLocaleString('en-US')} events in ${formatMs(samples[i]!)} (${result.workers > 0 ? `${result.workers} workers` : 'one pass'})`)
    } finally {
      await store.close()
    }
  }
  return samples
}

function sqliteVerifier(file: string, key: Buffer | null): VerifyOpen {
  return async () => {
    const db = key ? openDatabase(file, key, { readonly: true }) : new Database(file, { readonly: true, fileMustExist: true })
    const store = sqliteStoreOver(db, { key: key ?? Buffer.alloc(32), file, dataDir: file, created: false, encrypted: key !== null })
    return { db: store.db, reader: store.readerSpec, close: () => store.close() }
  }
}

function measureConf(db: Db, dir: string): { samples: number[]; bytes: number } {
  const rows = db.prepare('SELECT * FROM audit_events ORDER BY seq LIMIT ?').all(CONF_EVENTS) as AuditRow[]
  // Real ledger events; a --quick store has fewer, so they repeat under new sequence numbers.
  const events = Array.from({ length: CONF_EVENTS }, (_, i) => ({ ...auditRowToDto(rows[i % rows.length]!), seq: i + 1 }))
  // electron-store's own defaults: dot-notation access, tab-indented JSON, atomic fsynced writes.
  const store = new Conf<{ events: unknown[] }>({ cwd: dir, configName: 'audit', projectName: 'gatehouse-bench', accessPropertiesByDotNotation: true })
  store.set('events', events)
  const bytes = statSync(store.path).size
  log(`conf store: ${events.length.toLocaleString('en-US')} events, ${(bytes / 1e6).toFixed(1)} MB of JSON; appending ${CONF_SAMPLES} times (slow by design)`)
  const template = events[events.length - 1]!
  const samples: number[] = []
  for (let i = 0; i < CONF_SAMPLES + 1; i++) {
    const event = { ...template, seq: events.length + i + 1 }
    // The cheapest conf API for this: read, append, rewrite the whole file.
    const start = process.hrtime.bigint()
    store.appendToArray('events', event)
    const ms = Number(process.hrtime.bigint() - start) / 1e6
    if (i >= 1) samples.push(ms)
  }
  return { samples, bytes }
}

interface RoundTrips {
  status: number[]
  auditOne: number[]
}

/**
 * Cheap calls, so the hop itself shows: auth:status and the newest audit event (a users page
 * costs a count of every matching user, which would hide the transport).
 */
async function measureRoundTrips(call: (channel: string, input: unknown) => Promise<Result<unknown>>): Promise<RoundTrips> {
  const status: number[] = []
  const auditOne: number[] = []
  for (let i = 0; i < 100 + ROUND_TRIPS; i++) {
    const a = await timed(async () => unwrap(await call('auth:status', {}), 'auth:status'))
    const b = await timed(async () => unwrap(await call('audit:list', { limit: 1 }), 'audit:list'))
    if (i >= 100) {
      status.push(a)
      auditOne.push(b)
    }
  }
  return { status, auditOne }
}

async function measureWorker(options: BenchOptions, target: { dataDir: string; store?: string }, keySource: KeySource): Promise<RoundTrips> {
  const worker: CoreClient = await startCoreWorker({ ...target, keySource, workerPath: options.workerPath, create: false, tickMs: 0 })
  try {
    const connection = await worker.connect(META)
    unwrap(await worker.call(connection, 'auth:sign-in', { email: OWNER.email, password: OWNER.password }), 'auth:sign-in')
    return await measureRoundTrips((channel, input) => worker.call(connection, channel, input))
  } finally {
    await worker.close()
  }
}

// --- the run ------------------------------------------------------------------------------

export async function runBench(options: BenchOptions): Promise<void> {
  benchStart = process.hrtime.bigint()
  const root = mkdtempSync(join(tmpdir(), 'gatehouse-bench-'))
  const passphrase = randomBytes(18).toString('base64url')
  const keySource: KeySource = { kind: 'passphrase', passphrase }
  const encDir = join(root, 'encrypted')
  const plainDir = join(root, 'plain')
  const pgDir = join(root, 'postgres')
  const open: Core[] = []
  const cleanups: Array<() => Promise<void>> = []
  const loadStart = loadavg()[0]!.toFixed(2)
  log(`data in ${root} (${fileSystemOf(root)}); ${options.users.toLocaleString('en-US')} users, ${options.events.toLocaleString('en-US')} events per store`)
  try {
    // PostgreSQL: a server given by URL, or a throwaway local one.
    const external = process.env.GATEHOUSE_BENCH_POSTGRES || options.store
    let server: PgServer | null = null
    if (!external) {
      log('starting a throwaway PostgreSQL 15 server on 127.0.0.1')
      server = await startPgServer()
      const started = server
      cleanups.push(() => started.stop())
    }
    const serverUrl = external ?? server!.url
    const pgSettings = server?.settings ?? `PostgreSQL at ${redactUrl(external!)}`
    const suffix = randomBytes(4).toString('hex')
    const benchDb = await createBenchDatabase(serverUrl, `gatehouse_bench_${suffix}`)
    cleanups.unshift(() => benchDb.drop())
    const supportDb = await createBenchDatabase(serverUrl, `gatehouse_bench_support_${suffix}`)
    cleanups.unshift(() => supportDb.drop())
    mkdirSync(pgDir, { recursive: true, mode: 0o700 })

    log('seeding PostgreSQL in a child process, SQLite here, at the same time')
    const pgSeeding = seedPostgresInChild(options, benchDb.url, join(pgDir, 'cli'), passphrase)
    let pgSeeded = false
    // Rejections are awaited below; this only keeps an early one from being reported as unhandled.
    pgSeeding.then(() => (pgSeeded = true)).catch(() => undefined)

    const encCore = await openCore({ dataDir: encDir, keySource, tickMs: 0 })
    open.push(encCore)
    await setUp(encCore)
    const seedEnc = await seed(encCore, options)

    log('copying the seeded rows into the unencrypted twin')
    const copyStart = process.hrtime.bigint()
    mkdirSync(plainDir, { recursive: true, mode: 0o700 })
    const plainFile = join(plainDir, 'gatehouse-plain.db')
    copyToPlain(rawOf(encCore), plainFile)
    const copySeconds = secondsSince(copyStart)
    log(`copied in ${copySeconds.toFixed(1)} s`)
    const storeKey = resolveKey(encDir, keySource, false).key
    // Planner statistics, as the store gathers them when it closes (PRAGMA optimize): what any
    // store that has been restarted once has. Sampled (analysis_limit), the same on both files.
    const analyzeStart = process.hrtime.bigint()
    for (const db of [rawOf(encCore), openPlainDb(plainFile)]) {
      db.pragma('analysis_limit = 1000')
      db.exec('ANALYZE')
      if (db !== rawOf(encCore)) db.close()
    }
    const analyzeSeconds = secondsSince(analyzeStart)
    const plainCore = await openPlainCore(plainDir, plainFile, storeKey)
    open.push(plainCore)
    if (startsWithSqliteHeader(databasePath(encDir)) || !startsWithSqliteHeader(plainFile)) {
      throw new Error('bench stores are not what they claim: the encrypted file must not start with the SQLite header and the plain one must')
    }

    if (!pgSeeded) log('waiting for the PostgreSQL seeding')
    const seedPg = await pgSeeding
    const vacuumStart = process.hrtime.bigint()
    // What autovacuum would have done before anyone pages: statistics and the visibility map.
    await vacuumAnalyze(benchDb.url)
    const pgCore = await openCore({ dataDir: join(pgDir, 'core'), store: benchDb.url, keySource, tickMs: 0, create: false })
    open.push(pgCore)
    // The seeding's dirty pages written now, not by a checkpoint in the middle of the measurements
    // (a role without the right to CHECKPOINT leaves it to the server's schedule).
    await sql`CHECKPOINT`.execute(pgCore.store.db).catch((error: unknown) => log(`CHECKPOINT: ${String(error)}`))
    const vacuumSeconds = secondsSince(vacuumStart)
    log(`VACUUM ANALYZE + CHECKPOINT in ${vacuumSeconds.toFixed(1)} s`)

    const enc: BenchStore = { label: 'encrypted', core: encCore, connectionId: await signIn(encCore) }
    const plain: BenchStore = { label: 'unencrypted', core: plainCore, connectionId: await signIn(plainCore) }
    const pg: BenchStore = { label: 'postgres', core: pgCore, connectionId: await signIn(pgCore) }
    const stores = [enc, plain, pg]

    const fragments = searchFragments(rawOf(encCore))
    const visits = visitsOf(fragments)
    await settle()
    log('measuring users pages')
    const users = await measureUsers(stores, fragments, visits)
    if (users.differing.get(plain)! > 0) throw new Error(`users pages: the encrypted and unencrypted stores returned different rows in ${users.differing.get(plain)} visits`)
    await settle()
    log('measuring the baseline: LIKE + ORDER BY + COUNT(*), OFFSET paging')
    const baseline = await measureBaseline([enc, pg], visits)
    await settle()
    log('measuring audit pages')
    const audit = await measureAudit(stores)
    await settle()
    log('measuring login history')
    const logins = await measureLogins([enc, pg])
    await settle()
    log('measuring an export of every audit event as CSV')
    const auditExport = await measureAuditExport(enc)
    await settle()
    const auditExportPg = await measureAuditExport(pg)
    for (const [label, e] of [['SQLite', auditExport], ['PostgreSQL', auditExportPg]] as const) {
      log(`audit export on ${label}: ${e.rows.toLocaleString('en-US')} rows, ${(e.bytes / 1e6).toFixed(0)} MB of CSV in ${e.seconds.toFixed(2)} s, resident memory +${e.rssGrowthMb.toFixed(0)} MB at most`)
    }
    await settle()
    log('measuring in-process round trips')
    const inProcess = await measureRoundTrips((channel, input) => enc.core.dispatch(enc.connectionId, channel, input))
    const inProcessPg = await measureRoundTrips((channel, input) => pg.core.dispatch(pg.connectionId, channel, input))
    await settle()
    log('measuring single-event appends (one durable transaction each)')
    const { port: appends, beforePort } = await measureAppends(stores, enc)
    log('verifying the ledger')
    const verify = await measureVerify('encrypted', sqliteVerifier(databasePath(encDir), storeKey), VERIFY_RUNS)
    // The unencrypted verify only when it fits the time budget: it shows the cipher's share of a full scan.
    const verifyPlain = p50(verify) <= 15_000 ? await measureVerify('unencrypted', sqliteVerifier(plainFile, null), 2) : []
    const pgVerifier: VerifyOpen = async () => {
      const store = await openPostgresStore(benchDb.url, keySource, { readonly: true })
      return { db: store.db, reader: store.readerSpec, close: () => store.close() }
    }
    const verifyPg = await measureVerify('PostgreSQL', pgVerifier, VERIFY_RUNS)
    // The baseline in the same run: one pass on the connection, as verify ran before its worker threads.
    const verifyOnePass = await measureVerify('encrypted, one pass', sqliteVerifier(databasePath(encDir), storeKey), 1, 0)
    const verifyOnePassPg = await measureVerify('PostgreSQL, one pass', pgVerifier, 1, 0)
    const conf = measureConf(rawOf(enc.core), join(root, 'conf'))
    await settle()
    log('measuring team-filtered users pages')
    // What else the server is doing (autovacuum after the seeding and the appends slows every PostgreSQL row).
    const background = await sql<{ what: string }>`SELECT coalesce(string_agg(query, '; '), 'none') AS what FROM pg_stat_activity WHERE backend_type = 'autovacuum worker'`
      .execute(pgCore.store.db)
      .then((r) => r.rows[0]?.what ?? 'none', (error: unknown) => `unknown (${String(error)})`)
    log(`PostgreSQL autovacuum at work: ${background}`)
    const teamPages = await measureTeamPages(enc.core, enc.connectionId, { samples: 300, pageSize: PAGE, pages: 5 })
    const teamPagesPg = await measureTeamPages(pg.core, pg.connectionId, { samples: 300, pageSize: PAGE, pages: 5 })
    for (const [label, pages] of [['SQLite', teamPages], ['PostgreSQL', teamPagesPg]] as const) {
      log(`team pages, warm-up on ${label} (first visits, not in the table): ${pages.cold.length} pages, p50 ${formatMs(p50(pages.cold))}, p95 ${formatMs(p95(pages.cold))}, slowest ${formatMs(Math.max(...pages.cold))}`)
      log(`team pages, slowest on ${label}: ${pages.slowest.join(' · ')}`)
    }
    await settle()
    log('measuring a 10,000-row CSV import (preview, then commit)')
    const csvImport = await measureUsersImport(enc.core, enc.connectionId, 10_000)
    const csvImportPg = await measureUsersImport(pg.core, pg.connectionId, 10_000)
    await settle()
    log('ordinary calls while 10 connections preview a large users CSV each (the core\'s limit on heavy work)')
    const heavyLoad = await measureHeavyLoad(enc.core, () => signIn(enc.core), { heavy: 10, samples: 200, rows: HEAVY_CSV_ROWS })
    const heavyLoadPg = await measureHeavyLoad(pg.core, () => signIn(pg.core), { heavy: 10, samples: 200, rows: HEAVY_CSV_ROWS })

    // One writer at a time: the worker opens the same store after the in-process core closes.
    for (const core of [enc.core, pg.core]) {
      await core.close()
      open.splice(open.indexOf(core), 1)
    }
    await settle()
    log('measuring worker round trips (the core in its worker thread)')
    const viaWorker = await measureWorker(options, { dataDir: encDir }, keySource)
    const viaWorkerPg = await measureWorker(options, { dataDir: join(pgDir, 'core'), store: benchDb.url }, keySource)
    await settle()
    log('measuring support-access revocation: 20 live agents, 200 disables, through the web host')
    const revocation = await benchSupportRevocation({ runs: 200, agents: 20, workerPath: options.workerPath })
    const revocationPg = await benchSupportRevocation({ runs: 200, agents: 20, workerPath: options.workerPath, store: supportDb.url })

    const u = (s: BenchStore) => users.times.get(s)!
    const b = (s: BenchStore) => baseline.get(s)!
    const a = (s: BenchStore) => audit.get(s)!
    const l = (s: BenchStore) => logins.times.get(s)!
    const under = (ms: number) => (samples: number[]) => samples.length > 0 && p95(samples) <= ms
    const pageTarget = 'p95 ≤ 10 ms'
    const bothRow = (measurement: string, sqliteSamples: number[], pgSamples: number[], target?: { text: string; ok: (samples: number[]) => boolean }): Row => ({
      measurement,
      sqlite: sqliteSamples,
      postgres: pgSamples,
      target: target?.text,
      ok: target ? { sqlite: target.ok(sqliteSamples), postgres: target.ok(pgSamples) } : undefined
    })
    const pageRow = (measurement: string, sqliteSamples: number[], pgSamples: number[]) => bothRow(measurement, sqliteSamples, pgSamples, { text: pageTarget, ok: under(10) })
    const plainRow = (measurement: string, samples: number[], encrypted: number[]): Row => {
      const ratio = p50(encrypted) / p50(samples)
      return { measurement, sqlite: samples, target: 'enc/plain ≤ 1.25×', ratio: `${formatRatio(ratio)} enc/plain`, ok: { sqlite: ratio <= 1.25 } }
    }
    const oursVsBaseline = (ours: { sqlite: number[]; postgres: number[] }, base: { sqlite: number[]; postgres: number[] }) =>
      `${formatRatio(p50(ours.sqlite) / p50(base.sqlite))} · ${formatRatio(p50(ours.postgres) / p50(base.postgres))}`
    const encAppend = appends.get(enc)!
    const pgAppend = appends.get(pg)!
    const confRatio = p50(conf.samples) / p50(encAppend)
    const confRatioPg = p50(conf.samples) / p50(pgAppend)
    const revocationOk = (r: SupportRevocationResult) => r.fromSendP95Ms <= 250 && r.allEnded
    const rows: Row[] = [
      pageRow('users page 1: search + sort + total', u(enc).first, u(pg).first),
      plainRow('users page 1 (unencrypted SQLite)', u(plain).first, u(enc).first),
      {
        ...bothRow("  baseline: LIKE '%term%' + ORDER BY + COUNT(*)", b(enc).first, b(pg).first),
        ratio: `${oursVsBaseline({ sqlite: u(enc).first, postgres: u(pg).first }, { sqlite: b(enc).first, postgres: b(pg).first })} ours/base`
      },
      pageRow('users next page: keyset', u(enc).next, u(pg).next),
      plainRow('users next page (unencrypted SQLite)', u(plain).next, u(enc).next),
      {
        ...bothRow('  baseline: OFFSET, same depth', b(enc).next, b(pg).next),
        ratio: `${oursVsBaseline({ sqlite: u(enc).next, postgres: u(pg).next }, { sqlite: b(enc).next, postgres: b(pg).next })} ours/base`
      },
      pageRow('audit page: action, first + deep', a(enc).action, a(pg).action),
      plainRow('audit page: action (unencrypted SQLite)', a(plain).action, a(enc).action),
      pageRow('audit page: action + actor', a(enc).actionActor, a(pg).actionActor),
      plainRow('audit page: action + actor (unencrypted SQLite)', a(plain).actionActor, a(enc).actionActor),
      pageRow('audit page: a week', a(enc).week, a(pg).week),
      pageRow('audit page: actor, first + deep', a(enc).actor, a(pg).actor),
      pageRow('audit page: target, first + deep', a(enc).target, a(pg).target),
      pageRow('audit page: actor + Users actions + a week', a(enc).combined, a(pg).combined),
      bothRow('audit search: a surname', a(enc).search, a(pg).search, { text: 'p95 ≤ 50 ms', ok: under(50) }),
      bothRow("audit search: common words ('signed', 'changed role')", a(enc).searchCommon, a(pg).searchCommon, { text: 'p95 ≤ 50 ms', ok: under(50) }),
      bothRow('audit total (all, a week, an action, a surname)', a(enc).count, a(pg).count, { text: 'p95 ≤ 50 ms', ok: under(50) }),
      bothRow('audit events per day, a year (all, an action)', a(enc).series, a(pg).series, { text: 'p95 ≤ 20 ms', ok: under(20) }),
      pageRow(`login history of a person + 30-day chart (${logins.events.toLocaleString('en-US')} login events)`, l(enc).person, l(pg).person),
      pageRow('login history page, first + deep', l(enc).page, l(pg).page),
      pageRow('login history page: failed attempts', l(enc).failed, l(pg).failed),
      pageRow('login history page: one IP address', l(enc).address, l(pg).address),
      pageRow('login history page: failed + a person + a month', l(enc).combined, l(pg).combined),
      bothRow('dormant members, 30 days, page + total', l(enc).dormant, l(pg).dormant, { text: 'p95 ≤ 50 ms', ok: under(50) }),
      {
        measurement: `audit export, every event as CSV (${auditExport.rows.toLocaleString('en-US')} · ${auditExportPg.rows.toLocaleString('en-US')} rows, one run)`,
        sqlite: [auditExport.seconds * 1000],
        postgres: [auditExportPg.seconds * 1000],
        target: '≥ 300,000 rows/s, ≤ 100 MB',
        ratio: `${Math.round(auditExport.rowsPerSecond).toLocaleString('en-US')} · ${Math.round(auditExportPg.rowsPerSecond).toLocaleString('en-US')} rows/s; +${auditExport.rssGrowthMb.toFixed(0)} · +${auditExportPg.rssGrowthMb.toFixed(0)} MB`,
        ok: {
          sqlite: auditExport.rowsPerSecond >= 300_000 && auditExport.rssGrowthMb <= 100,
          postgres: auditExportPg.rowsPerSecond >= 300_000 && auditExportPg.rssGrowthMb <= 100
        }
      },
      bothRow('append 1 event, 1 durable tx', encAppend, pgAppend),
      {
        measurement: '  the same with the statements before the store port',
        sqlite: beforePort,
        target: 'port/before ≤ 1.2×',
        ratio: `${formatRatio(p50(encAppend) / p50(beforePort))} port/before`,
        ok: { sqlite: p50(encAppend) / p50(beforePort) <= 1.2 }
      },
      plainRow('append 1 event (unencrypted SQLite)', appends.get(plain)!, encAppend),
      {
        measurement: `append 1 event to conf JSON (${CONF_EVENTS / 1000}k events)`,
        sqlite: conf.samples,
        target: 'conf/store ≥ 1000×',
        ratio: `${formatRatio(confRatio)} · ${formatRatio(confRatioPg)} conf/store`,
        ok: { sqlite: confRatio >= 1000, postgres: confRatioPg >= 1000 }
      },
      {
        ...bothRow('verify ledger (worker threads, own read-only connections)', verify, verifyPg, { text: '≤ 5 s', ok: (s) => s.length > 0 && Math.max(...s) <= 5000 }),
        ratio: `${formatRatio(p50(verify) / p50(verifyOnePass))} · ${formatRatio(p50(verifyPg) / p50(verifyOnePassPg))} workers/one pass`
      },
      bothRow('verify ledger, one pass (baseline)', verifyOnePass, verifyOnePassPg),
      ...(verifyPlain.length > 0 ? [{ measurement: 'verify ledger (unencrypted SQLite)', sqlite: verifyPlain, ratio: `${formatRatio(p50(verify) / p50(verifyPlain))} enc/plain` }] : []),
      pageRow('users page 1 by team', teamPages.first, teamPagesPg.first),
      pageRow('users next page by team', teamPages.next, teamPagesPg.next),
      bothRow('CSV import: validate 10,000 rows', [csvImport.previewMs], [csvImportPg.previewMs], { text: '≤ 1 s', ok: (s) => s[0]! <= 1000 }),
      bothRow(`CSV import: commit ${csvImport.invited.toLocaleString('en-US')} rows`, [csvImport.commitMs], [csvImportPg.commitMs], { text: '≤ 2 s', ok: (s) => s[0]! <= 2000 }),
      {
        measurement: `ordinary calls, 10 connections previewing ${(heavyLoad.csvBytes / 1e6).toFixed(1)} MB CSVs (${heavyLoad.finished} · ${heavyLoadPg.finished} previews done, ${heavyLoad.refused + heavyLoadPg.refused} refused; peak RSS ${heavyLoad.peakRssMb.toFixed(0)} · ${heavyLoadPg.peakRssMb.toFixed(0)} MB)`,
        sqlite: heavyLoad.ordinary,
        postgres: heavyLoadPg.ordinary,
        target: 'p95 ≤ 50 ms',
        ok: { sqlite: p95(heavyLoad.ordinary) <= 50, postgres: p95(heavyLoadPg.ordinary) <= 50 }
      },
      {
        measurement: `support off → session:ended, ${revocation.agents} agents (${revocation.pushesReceived}/${revocation.runs * revocation.agents} · ${revocationPg.pushesReceived}/${revocationPg.runs * revocationPg.agents} ended)`,
        sqlite: revocation.fromSendMs,
        postgres: revocationPg.fromSendMs,
        target: 'p95 ≤ 250 ms, all ended',
        ok: { sqlite: revocationOk(revocation), postgres: revocationOk(revocationPg) }
      },
      bothRow('auth:status in-process', inProcess.status, inProcessPg.status),
      {
        ...bothRow('auth:status via worker', viaWorker.status, viaWorkerPg.status),
        ratio: `${formatRatio(p50(viaWorker.status) / p50(inProcess.status))} · ${formatRatio(p50(viaWorkerPg.status) / p50(inProcessPg.status))} worker/in-proc`
      },
      bothRow('audit:list 1 row in-process', inProcess.auditOne, inProcessPg.auditOne),
      {
        ...bothRow('audit:list 1 row via worker', viaWorker.auditOne, viaWorkerPg.auditOne),
        ratio: `${formatRatio(p50(viaWorker.auditOne) / p50(inProcess.auditOne))} · ${formatRatio(p50(viaWorkerPg.auditOne) / p50(inProcessPg.auditOne))} worker/in-proc`
      }
    ]
    const cpu = cpus()[0]?.model.trim() ?? 'unknown cpu'
    const header =
      `Gatehouse bench · ${cpu} · ${cpus().length} cores · Node ${process.version} · ${process.platform}/${process.arch} · ` +
      `${options.users.toLocaleString('en-US')} users, ${options.events.toLocaleString('en-US')} audit events per store (seedDemo seed ${SEED}) · ` +
      `SQLite: temp dir on ${fileSystemOf(root)}, encrypted (chacha20), WAL, synchronous=FULL, seeded in ${seedEnc.toFixed(1)} s, copied to the unencrypted twin in ${copySeconds.toFixed(1)} s, ANALYZE (sampled) ${analyzeSeconds.toFixed(1)} s · ` +
      `PostgreSQL: ${pgSettings}, seeded in ${seedPg.toFixed(1)} s (beside the SQLite seeding), VACUUM ANALYZE + CHECKPOINT ${vacuumSeconds.toFixed(1)} s · ` +
      `conf file ${(conf.bytes / 1e6).toFixed(1)} MB · load average ${loadStart} at start, ${loadavg()[0]!.toFixed(2)} at end`
    const notes =
      'Times in ms/µs/s. Each section starts after a full garbage collection of what the sections before it left. PG/SQLite compares p50s of the same measurement on the encrypted SQLite file and on PostgreSQL, taken in this run ' +
      '(users and audit pages and appends measured engine by engine: the two SQLite files interleaved with each other, then PostgreSQL on its own, as a single-engine installation runs). ' +
      "In the ratio column: enc/plain for the cipher's overhead, ours/base for our plans against the baseline (SQLite · PostgreSQL), " +
      'conf/store for the JSON file against each store, worker/in-proc for the worker hop. ' +
      `Pages are ${PAGE} rows through core.dispatch (validation + session check included); a page-1 sample is one visit (search + sort + total, status counts and seats), ` +
      `next-page samples are up to ${NEXT_PAGES_PER_SCENARIO} keyset pages of that visit; the baseline runs the first visits' searches straight on the store handle ` +
      `(LIKE '%term%' over name and email, ORDER BY the sort column, COUNT(*) for the total, OFFSET ${PAGE}–${PAGE * NEXT_PAGES_PER_SCENARIO} for the next pages). ` +
      'Both users sections start after a warm-up visit (the users pages: every search fragment once; the team pages: every team by every sort, first visits logged apart). ' +
      `PostgreSQL showed the same people in the same order as the encrypted SQLite file in ${users.visits - users.differing.get(pg)!} of ${users.visits} visits. ` +
      '"verify" p95 is the slowest run. The unencrypted twin holds a row-for-row copy of the seeded encrypted store; PostgreSQL holds the same people and events, seeded by `gatehouse demo`. ' +
      `Rows with fewer samples than planned (${PAGE_SCENARIOS} visits, ${BASELINE_SCENARIOS} baseline visits, ${VERIFY_RUNS} verify runs) were cut by the time budget that keeps the bench under 15 minutes.`
    process.stdout.write(`${header}\n\n${formatTable(rows)}\n\n${notes}\n`)
    log(`done in ${secondsSince(benchStart).toFixed(1)} s`)
  } finally {
    for (const core of open) await core.close().catch(() => undefined)
    for (const cleanup of cleanups) await cleanup().catch((error: unknown) => log(`cleanup: ${String(error)}`))
    rmSync(root, { recursive: true, force: true })
  }
}
