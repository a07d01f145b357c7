import Database from 'better-sqlite3-multiple-ciphers'
import Conf from 'conf'
import { measureTeamPages, measureUsersImport } from './users-bench'
import { benchSupportRevocation } from './bench-support-access'
import { mkdirSync, mkdtempSync, openSync, readSync, closeSync, rmSync, statSync, statfsSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import type { Result } from '../../shared/contract/result'
import { auditRowToDto } from '../core/audit/handlers'
import { verifyLedger, type AuditEntry, type AuditRow } from '../core/audit/ledger'
import { systemClock } from '../core/clock'
import { Core } from '../core/core'
import { seedDemo } from '../core/demo/seed-demo'
import type { ConnectionMeta, CoreClient, KeySource } from '../core/host'
import { openCore } from '../core/in-process'
import { databasePath, migrate, openDatabase, resolveKey, type Db } from '../core/store/connection'
import { sqliteStoreOver, type SqliteStore } from '../core/store/sqlite-store'
import { startCoreWorker } from '../core/worker-client'

export interface BenchOptions {
  users: number
  events: number
  workerPath: string
  /** A PostgreSQL server (--store / GATEHOUSE_STORE) for the PostgreSQL column; its rows are not measured yet. */
  store?: string
}

const SEED = 1
const META: ConnectionMeta = { transport: 'cli', ip: '127.0.0.1', device: 'gatehouse bench' }
const OWNER = { name: 'Bench Owner', email: 'owner@bench.example', password: 'bench-violet-harbour-lantern-42' }
const CONF_EVENTS = 100_000
const PAGE = 100

// Sample counts. Pages and appends are cheap, so plenty; the JSON store rewrites ~60 MB per append.
const PAGE_SCENARIOS = 200
// Time budgets keep the whole run near 8 minutes even where a query misses its target by far;
// a row cut short shows its smaller n and the notes say why.
const USERS_BUDGET_MS = 75_000
const USERS_WARMUP_BUDGET_MS = 8_000
const VERIFY_BUDGET_MS = 45_000
const NEXT_PAGES_PER_SCENARIO = 3
const AUDIT_SAMPLES = 300
const APPEND_SAMPLES = 300
const CONF_SAMPLES = 10
const VERIFY_RUNS = 3
const ROUND_TRIPS = 600

// --- statistics and the table -------------------------------------------------------------

interface Row {
  measurement: string
  samples: number[] // milliseconds
  target?: string
  ratio?: number
  ok?: boolean // undefined: no target for this row
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
  if (ratio >= 100) return `${Math.round(ratio).toLocaleString('en-US')}×`
  return `${ratio.toFixed(2)}×`
}

export function formatTable(rows: readonly Row[]): string {
  const header = ['measurement', 'n', 'p50', 'p95', 'target', 'ratio', 'verdict']
  const body = rows.map((r) => [
    r.measurement,
    String(r.samples.length),
    formatMs(percentile(r.samples, 0.5)),
    formatMs(percentile(r.samples, 0.95)),
    r.target ?? '—',
    r.ratio === undefined ? '—' : formatRatio(r.ratio),
    r.ok === undefined ? '—' : r.ok ? 'ok' : 'MISSED'
  ])
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((cells) => cells[i]!.length)))
  // Numbers right-aligned so their magnitudes line up.
  const right = new Set([1, 2, 3, 5])
  const line = (cells: string[]) => cells.map((c, i) => (right.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join(' | ')
  return [line(header), widths.map((w) => '-'.repeat(w)).join('-|-'), ...body.map(line)].join('\n')
}

const p50 = (samples: readonly number[]) => percentile(samples, 0.5)
const p95 = (samples: readonly number[]) => percentile(samples, 0.95)

// --- helpers ------------------------------------------------------------------------------

let benchStart = process.hrtime.bigint()

/** Progress for the person watching, on stderr, stamped with the time since the bench started. */
function log(message: string): void {
  const elapsed = (Number(process.hrtime.bigint() - benchStart) / 1e9).toFixed(1).padStart(6)
  process.stderr.write(`[bench ${elapsed} s] ${message}\n`)
}

function seconds(fromNs: bigint): string {
  return `${(Number(process.hrtime.bigint() - fromNs) / 1e9).toFixed(1)} s`
}

async function timed(fn: () => unknown): Promise<number> {
  const start = process.hrtime.bigint()
  await fn()
  return Number(process.hrtime.bigint() - start) / 1e6
}

/** Small deterministic PRNG so both stores see the same query mix. */
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

// --- the two stores -----------------------------------------------------------------------

interface Store {
  label: 'encrypted' | 'unencrypted'
  core: Core
  connectionId: string
}

async function setUp(core: Core): Promise<void> {
  const connectionId = core.connect(META)
  unwrap(
    await core.dispatch(connectionId, 'auth:setup', {
      accountName: 'Bench Corp',
      plan: 'paid',
      seats: 1000,
      ownerName: OWNER.name,
      ownerEmail: OWNER.email,
      ownerPassword: OWNER.password
    }),
    'auth:setup'
  )
  core.disconnect(connectionId)
}

/** A fresh connection signed in as the Owner, the same way on both stores. */
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

function openPlainCore(dir: string, file: string): Promise<Core> {
  const store = sqliteStoreOver(openPlainDb(file), { key: Buffer.alloc(32), file, dataDir: dir, created: false })
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
    seed: SEED,
    progress: ({ users, events }) => {
      const done = events > 0 ? events : users
      if (done >= nextReport) {
        const elapsed = Number(process.hrtime.bigint() - start) / 1e9
        const phase = events > 0 ? `${events.toLocaleString('en-US')} / ${total.toLocaleString('en-US')} events` : `${users.toLocaleString('en-US')} / ${options.users.toLocaleString('en-US')} users`
        log(`seeding: ${phase} (${elapsed.toFixed(1)} s, ${Math.round(done / Math.max(elapsed, 0.001)).toLocaleString('en-US')}/s)`)
        nextReport = done + step
      }
    }
  })
  const elapsedS = Number(process.hrtime.bigint() - start) / 1e9
  log(`seeded the encrypted store in ${elapsedS.toFixed(1)} s`)
  return elapsedS
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
  next: { value: string | number | null; id: string } | null
}

interface PageTimes {
  first: number[]
  next: number[]
}

/** One person's visit: search, sort, then scroll a few keyset pages. */
async function usersScenario(store: Store, search: string, sortIndex: number, into: PageTimes): Promise<void> {
  const { sort, direction } = SORTS[sortIndex % SORTS.length]!
  let page: UsersPage | undefined
  into.first.push(
    await timed(async () => {
      page = unwrap<UsersPage>(await store.core.dispatch(store.connectionId, 'users:list', { search, sort, direction, limit: PAGE }), 'users:list')
    })
  )
  for (let i = 0; i < NEXT_PAGES_PER_SCENARIO && page?.next; i++) {
    const after = page.next
    into.next.push(
      await timed(async () => {
        page = unwrap<UsersPage>(await store.core.dispatch(store.connectionId, 'users:list', { search, sort, direction, after, limit: PAGE }), 'users:list')
      })
    )
  }
}

async function measureUsers(stores: Store[]): Promise<Map<Store, PageTimes>> {
  const fragments = searchFragments(rawOf(stores[0]!.core))
  log(`users pages: ${fragments.length} search fragments (${fragments.slice(0, 6).join(', ')}, …) × ${SORTS.length} sorts`)
  const times = new Map(stores.map((s) => [s, { first: [], next: [] } as PageTimes]))
  // Warm-up: every fragment and sort once (within a budget), results thrown away.
  for (const store of stores) {
    const scratch = { first: [], next: [] }
    const started = Date.now()
    for (let i = 0; i < fragments.length && Date.now() - started < USERS_WARMUP_BUDGET_MS; i++) await usersScenario(store, fragments[i]!, i, scratch)
  }
  const random = mulberry32(7)
  const started = Date.now()
  for (let i = 0; i < PAGE_SCENARIOS; i++) {
    if (i >= 20 && Date.now() - started > USERS_BUDGET_MS) {
      log(`users pages: time budget spent after ${i} visits per store`)
      break
    }
    const fragment = fragments[Math.floor(random() * fragments.length)]!
    // Interleaved so both stores see the same machine state.
    for (const store of stores) await usersScenario(store, fragment, i, times.get(store)!)
  }
  return times
}

interface AuditTimes {
  action: number[]
  actionActor: number[]
}

async function measureAudit(stores: Store[]): Promise<Map<Store, AuditTimes>> {
  const db = rawOf(stores[0]!.core)
  // Admins who changed roles: the actors an investigator filters on.
  const actors = (
    db
      .prepare("SELECT DISTINCT actor_id AS id FROM audit_events WHERE action = 'member.role-changed' AND actor_id IS NOT NULL ORDER BY actor_id LIMIT 200")
      .all() as Array<{ id: string }>
  ).map((r) => r.id)
  const size = (db.prepare('SELECT max(seq) AS n FROM audit_events').get() as { n: number }).n
  log(`audit pages: ${actors.length} admin actors, keyset pages up to seq ${size.toLocaleString('en-US')}`)
  const times = new Map(stores.map((s) => [s, { action: [], actionActor: [] } as AuditTimes]))
  const random = mulberry32(11)
  const sampleInput = (i: number) => {
    // Half first pages, half deep pages somewhere in the middle of the log.
    const before = i % 2 === 0 ? undefined : Math.floor(size * (0.25 + random() * 0.5))
    return { before, actorId: actors[Math.floor(random() * actors.length)] }
  }
  const run = async (store: Store, input: { before?: number; actorId?: string }, withActor: boolean) =>
    unwrap(
      await store.core.dispatch(store.connectionId, 'audit:list', {
        action: 'member.role-changed',
        ...(withActor ? { actorId: input.actorId } : {}),
        ...(input.before !== undefined ? { before: input.before } : {}),
        limit: PAGE
      }),
      'audit:list'
    )
  for (let i = 0; i < 40; i++) {
    const input = sampleInput(i)
    for (const store of stores) {
      await run(store, input, false)
      await run(store, input, true)
    }
  }
  for (let i = 0; i < AUDIT_SAMPLES; i++) {
    const input = sampleInput(i)
    for (const store of stores) {
      const t = times.get(store)!
      t.action.push(await timed(() => run(store, input, false)))
      t.actionActor.push(await timed(() => run(store, input, true)))
    }
  }
  return times
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

async function measureAppends(stores: Store[]): Promise<Map<Store, number[]>> {
  const times = new Map(stores.map((s) => [s, [] as number[]]))
  const owners = new Map(
    stores.map((s) => [
      s,
      rawOf(s.core)
        .prepare("SELECT m.account_id AS accountId, m.person_id AS personId FROM memberships m WHERE m.role = 'owner'")
        .get() as { accountId: string; personId: string }
    ])
  )
  for (let i = 0; i < 20 + APPEND_SAMPLES; i++) {
    for (const store of stores) {
      // Built outside the timer: the measurement is the ledger append and its durable commit.
      const entry = appendEntry(owners.get(store)!, i)
      const ms = await timed(() => store.core.tx((t) => store.core.ledger.append(t, entry)))
      if (i >= 20) times.get(store)!.push(ms)
    }
  }
  return times
}

async function measureVerify(file: string, key: Buffer | null, runs: number): Promise<number[]> {
  const samples: number[] = []
  for (let i = 0; i < runs; i++) {
    if (i > 0 && samples.reduce((a, b) => a + b, 0) > VERIFY_BUDGET_MS) {
      log(`verify: time budget spent after ${i} run${i === 1 ? '' : 's'}`)
      break
    }
    // Its own read-only connection, as `gatehouse audit verify` does.
    const db = key ? openDatabase(file, key, { readonly: true }) : new Database(file, { readonly: true, fileMustExist: true })
    const store = sqliteStoreOver(db, { key: key ?? Buffer.alloc(32), file, dataDir: file, created: false })
    try {
      const start = process.hrtime.bigint()
      const result = await verifyLedger(store.db)
      samples.push(Number(process.hrtime.bigint() - start) / 1e6)
      if (!result.ok) throw new Error(`verify failed on the bench store: ${result.message}`)
      log(`verify run ${i + 1}/${runs}: ${result.count.toLocaleString('en-US')} events in ${formatMs(samples[i]!)}`)
    } finally {
      await store.close()
    }
  }
  return samples
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

// --- the run ------------------------------------------------------------------------------

export async function runBench(options: BenchOptions): Promise<void> {
  benchStart = process.hrtime.bigint()
  const root = mkdtempSync(join(tmpdir(), 'gatehouse-bench-'))
  const keySource: KeySource = { kind: 'passphrase', passphrase: randomBytes(18).toString('base64url') }
  const encDir = join(root, 'encrypted')
  const plainDir = join(root, 'plain')
  let worker: CoreClient | null = null
  const open: Core[] = []
  const loadStart = loadavg()[0]!.toFixed(2)
  log(`data in ${root} (${fileSystemOf(root)}); ${options.users.toLocaleString('en-US')} users, ${options.events.toLocaleString('en-US')} events`)
  try {
    const encCore = await openCore({ dataDir: encDir, keySource, tickMs: 0 })
    open.push(encCore)
    await setUp(encCore)
    const seedEnc = await seed(encCore, options)

    log('copying the seeded rows into the unencrypted twin')
    const copyStart = process.hrtime.bigint()
    mkdirSync(plainDir, { recursive: true, mode: 0o700 })
    const plainFile = join(plainDir, 'gatehouse-plain.db')
    copyToPlain(rawOf(encCore), plainFile)
    const copySeconds = Number(process.hrtime.bigint() - copyStart) / 1e9
    log(`copied in ${copySeconds.toFixed(1)} s`)
    const plainCore = await openPlainCore(plainDir, plainFile)
    open.push(plainCore)
    if (startsWithSqliteHeader(databasePath(encDir)) || !startsWithSqliteHeader(plainFile)) {
      throw new Error('bench stores are not what they claim: the encrypted file must not start with the SQLite header and the plain one must')
    }
    const enc: Store = { label: 'encrypted', core: encCore, connectionId: await signIn(encCore) }
    const plain: Store = { label: 'unencrypted', core: plainCore, connectionId: await signIn(plainCore) }
    const stores = [enc, plain]

    log('measuring users pages')
    const users = await measureUsers(stores)
    log('measuring audit pages')
    const audit = await measureAudit(stores)
    log('measuring in-process round trips')
    const inProcess = await measureRoundTrips((channel, input) => enc.core.dispatch(enc.connectionId, channel, input))
    log('measuring single-event appends (one durable transaction each)')
    const appends = await measureAppends(stores)
    log('verifying the ledger')
    const verify = await measureVerify(databasePath(encDir), resolveKey(encDir, keySource, false).key, VERIFY_RUNS)
    // The unencrypted verify only when it fits the time budget: it shows the cipher's share of a full scan.
    const verifyPlain = p50(verify) <= 15_000 ? await measureVerify(plainFile, null, 1) : []
    const conf = measureConf(rawOf(enc.core), join(root, 'conf'))
    log('measuring team-filtered users pages')
    const teamPages = await measureTeamPages(enc.core, enc.connectionId, { samples: 300, pageSize: PAGE, pages: 5 })
    log('measuring a 10,000-row CSV import (preview, then commit)')
    const csvImport = await measureUsersImport(enc.core, enc.connectionId, 10_000)

    // One writer at a time: the worker opens the same encrypted store after the in-process core closes.
    await enc.core.close()
    open.splice(open.indexOf(enc.core), 1)
    log('starting the core worker')
    worker = await startCoreWorker({ dataDir: encDir, keySource, workerPath: options.workerPath, create: false, tickMs: 0 })
    const client = worker
    const workerConnection = await client.connect(META)
    unwrap(await client.call(workerConnection, 'auth:sign-in', { email: OWNER.email, password: OWNER.password }), 'auth:sign-in')
    log('measuring worker round trips')
    const viaWorker = await measureRoundTrips((channel, input) => client.call(workerConnection, channel, input))
    await client.close()
    worker = null
    log('measuring support-access revocation: 20 live agents, 200 disables, through the web host')
    const revocation = await benchSupportRevocation({ runs: 200, agents: 20, workerPath: options.workerPath })

    const u = (s: Store) => users.get(s)!
    const a = (s: Store) => audit.get(s)!
    const pageTarget = 'p95 ≤ 10 ms'
    const ratioTarget = 'enc/plain ≤ 1.25×'
    const pageRow = (measurement: string, samples: number[]): Row => ({ measurement, samples, target: pageTarget, ok: p95(samples) <= 10 })
    const ratioRow = (measurement: string, samples: number[], encrypted: number[]): Row => {
      const ratio = p50(encrypted) / p50(samples)
      return { measurement, samples, target: ratioTarget, ratio, ok: ratio <= 1.25 }
    }
    const encAppend = appends.get(enc)!
    const confRatio = p50(conf.samples) / p50(encAppend)
    const rows: Row[] = [
      pageRow('users page 1: search + sort + total (encrypted)', u(enc).first),
      ratioRow('users page 1: search + sort + total (unencrypted)', u(plain).first, u(enc).first),
      pageRow('users next page: keyset (encrypted)', u(enc).next),
      ratioRow('users next page: keyset (unencrypted)', u(plain).next, u(enc).next),
      pageRow('audit page: action, first + deep (encrypted)', a(enc).action),
      ratioRow('audit page: action, first + deep (unencrypted)', a(plain).action, a(enc).action),
      pageRow('audit page: action + actor (encrypted)', a(enc).actionActor),
      ratioRow('audit page: action + actor (unencrypted)', a(plain).actionActor, a(enc).actionActor),
      { measurement: 'append 1 event, 1 tx, WAL+FULL (encrypted)', samples: encAppend },
      ratioRow('append 1 event, 1 tx, WAL+FULL (unencrypted)', appends.get(plain)!, encAppend),
      {
        measurement: `append 1 event to conf JSON (${CONF_EVENTS / 1000}k events)`,
        samples: conf.samples,
        target: 'conf/SQLite ≥ 1000×',
        ratio: confRatio,
        ok: confRatio >= 1000
      },
      { measurement: 'verify ledger (encrypted, own connection)', samples: verify, target: '≤ 5 s', ok: Math.max(...verify) <= 5000 },
      ...(verifyPlain.length > 0 ? [{ measurement: 'verify ledger (unencrypted)', samples: verifyPlain, ratio: p50(verify) / p50(verifyPlain) }] : []),
      pageRow('users page 1 by team (encrypted)', teamPages.first),
      pageRow('users next page by team (encrypted)', teamPages.next),
      { measurement: 'CSV import: validate 10,000 rows', samples: [csvImport.previewMs], target: '≤ 1 s', ok: csvImport.previewMs <= 1000 },
      { measurement: `CSV import: commit ${csvImport.invited.toLocaleString('en-US')} rows`, samples: [csvImport.commitMs], target: '≤ 2 s', ok: csvImport.commitMs <= 2000 },
      {
        measurement: `support off → session:ended, ${revocation.agents} agents (${revocation.pushesReceived}/${revocation.runs * revocation.agents} ended)`,
        samples: revocation.fromSendMs,
        target: 'p95 ≤ 250 ms, all ended',
        ok: revocation.fromSendP95Ms <= 250 && revocation.allEnded
      },
      { measurement: 'auth:status in-process', samples: inProcess.status },
      { measurement: 'auth:status via worker', samples: viaWorker.status, ratio: p50(viaWorker.status) / p50(inProcess.status) },
      { measurement: 'audit:list 1 row in-process', samples: inProcess.auditOne },
      { measurement: 'audit:list 1 row via worker', samples: viaWorker.auditOne, ratio: p50(viaWorker.auditOne) / p50(inProcess.auditOne) }
    ]
    const cpu = cpus()[0]?.model.trim() ?? 'unknown cpu'
    const header =
      `Gatehouse bench · ${cpu} · ${cpus().length} cores · Node ${process.version} · ${process.platform}/${process.arch} · ` +
      `${options.users.toLocaleString('en-US')} users, ${options.events.toLocaleString('en-US')} audit events per store · ` +
      `temp dir on ${fileSystemOf(root)} · seeding ${seedEnc.toFixed(1)} s (encrypted, chacha20; seedDemo seed ${SEED}), copy to the unencrypted twin ${copySeconds.toFixed(1)} s · ` +
      `conf file ${(conf.bytes / 1e6).toFixed(1)} MB · load average ${loadStart} at start, ${loadavg()[0]!.toFixed(2)} at end`
    const notes =
      'Times in ms/µs/s; ratios compare p50s (enc/plain for encryption overhead, conf/SQLite for appends, worker/in-process for round trips). ' +
      `Pages are ${PAGE} rows through core.dispatch (validation + session check included); a page-1 sample is one visit (search + sort), ` +
      `next-page samples are up to ${NEXT_PAGES_PER_SCENARIO} keyset pages of that visit. "verify" p95 is the slowest run. ` +
      'The unencrypted twin holds a row-for-row copy of the seeded encrypted store. ' +
      `Rows with fewer samples than planned (${PAGE_SCENARIOS} visits, ${VERIFY_RUNS} verify runs) were cut by the time budget that keeps the bench near 8 minutes.`
    process.stdout.write(`${header}\n\n${formatTable(rows)}\n\n${notes}\n`)
    log(`done in ${seconds(benchStart)}`)
  } finally {
    if (worker) await worker.close().catch(() => undefined)
    for (const core of open) await core.close()
    rmSync(root, { recursive: true, force: true })
  }
}
