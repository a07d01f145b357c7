import { createHash, randomUUID } from 'node:crypto'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { hashPassword } from '../../src/main/core/auth/passwords'
import { ManualClock } from '../../src/main/core/clock'
import { CompiledQuery } from 'kysely'
import { inject } from 'vitest'
import type { Core } from '../../src/main/core/core'
import type { SqliteStore } from '../../src/main/core/store/sqlite-store'
import { createTestDatabase } from './postgres'
import type { ConnectionMeta, CoreEvent } from '../../src/main/core/host'
import { openCore } from '../../src/main/core/in-process'
import { openDatabase, type Db } from '../../src/main/core/store/connection'
import { DATABASE_FILE, generateKey } from '../../src/main/core/store/key-envelope'
import { MIGRATIONS } from '../../src/main/core/store/migrations'
import type { Role } from '../../src/shared/permissions'

export const TEST_PASSPHRASE = 'test passphrase for gatehouse'
export const OWNER = { name: 'Olivia Owner', email: 'olivia@example.com', password: 'violet-harbour-lantern-42' }
export const META: ConnectionMeta = { transport: 'web', ip: '127.0.0.1', device: 'vitest' }

export function tempDir(prefix = 'gatehouse-test-'): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) }
}

export interface TestCore {
  core: Core
  clock: ManualClock
  dir: string
  events: CoreEvent[]
  /** Close the core (keeping its data). */
  close: () => Promise<void>
  /** Close and delete the data (folder, or PostgreSQL database). */
  dispose: () => Promise<void>
  reopen: () => Promise<TestCore>
}

/** Which store the core tests run on: `GATEHOUSE_TEST_STORE=postgres` (a vitest project) or SQLite. */
export const TEST_STORE: 'sqlite' | 'postgres' = process.env.GATEHOUSE_TEST_STORE === 'postgres' ? 'postgres' : 'sqlite'

/** A fresh PostgreSQL database on the run's server (see postgres-global-setup.ts). */
export async function testPostgresDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  return createTestDatabase(inject('postgresUrl'))
}

/**
 * A real store with a clock the test moves: an encrypted SQLite file in a temp folder, or (in the
 * postgres project) a fresh PostgreSQL database. Outputs are checked against the contract.
 */
export async function openTestCore(dir?: string, clock = new ManualClock(), store?: { url: string; drop: () => Promise<void> }): Promise<TestCore> {
  const temp = dir ? { dir, remove: () => rmSync(dir, { recursive: true, force: true }) } : tempDir()
  const pgDb = store ?? (TEST_STORE === 'postgres' ? await testPostgresDatabase() : undefined)
  const core = await openCore({
    dataDir: temp.dir,
    store: pgDb?.url,
    keySource: { kind: 'passphrase', passphrase: TEST_PASSPHRASE },
    clock,
    tickMs: 0,
    checkOutputs: true
  })
  const events: CoreEvent[] = []
  core.onEvent((e) => events.push(e))
  let closed = false
  const close = async () => {
    if (!closed) await core.close()
    closed = true
  }
  return {
    core,
    clock,
    dir: temp.dir,
    events,
    close,
    dispose: async () => {
      await close()
      temp.remove()
      await pgDb?.drop()
    },
    reopen: async () => {
      await close()
      return openTestCore(temp.dir, clock, pgDb)
    }
  }
}

/**
 * Raw SQL for tests on either store, shaped like better-sqlite3 but async: `?` placeholders
 * (rewritten to $1… for PostgreSQL). For setting up and inspecting rows the contract does not reach.
 */
export function testDb(core: Core) {
  const dialect = core.store.dialect
  const compile = (text: string, params: unknown[]) => {
    let n = 0
    const query = dialect === 'postgres' ? text.replace(/\?/g, () => `$${++n}`) : text
    return CompiledQuery.raw(query, params)
  }
  return {
    dialect,
    all: async <T = Record<string, unknown>>(text: string, ...params: unknown[]): Promise<T[]> =>
      (await core.store.db.executeQuery<T>(compile(text, params))).rows,
    get: async <T = Record<string, unknown>>(text: string, ...params: unknown[]): Promise<T | undefined> =>
      (await core.store.db.executeQuery<T>(compile(text, params))).rows[0],
    run: async (text: string, ...params: unknown[]): Promise<number> => Number((await core.store.db.executeQuery(compile(text, params))).numAffectedRows ?? 0)
  }
}

/** The raw SQLite connection of a core on the SQLite store (file-level tests only). */
export function sqliteOf(core: Core): Db {
  const store = core.store as SqliteStore
  if (store.dialect !== 'sqlite') throw new Error('This test needs the SQLite store')
  return store.raw
}

/** Call a channel and return the value, failing the test with the envelope's message otherwise. */
export async function call<T = unknown>(core: Core, connectionId: string, channel: string, input: unknown = {}): Promise<T> {
  const result = await core.dispatch(connectionId, channel, input)
  if (!result.ok) throw new Error(`${channel} failed: ${result.error.code} ${result.error.message}`)
  return result.value as T
}

/** First-run setup through the contract; returns the owner's connection id and the recovery key. */
export async function setupAccount(core: Core, options: { plan?: 'trial' | 'paid'; seats?: number } = {}): Promise<{ connectionId: string; recoveryKey: string }> {
  const connectionId = core.connect(META)
  const value = await call<{ recoveryKey: string }>(core, connectionId, 'auth:setup', {
    accountName: 'Acme Support',
    plan: options.plan ?? 'paid',
    seats: options.seats ?? 25,
    ownerName: OWNER.name,
    ownerEmail: OWNER.email,
    ownerPassword: OWNER.password
  })
  return { connectionId, recoveryKey: value.recoveryKey }
}

// --- store-level helpers (used by the core unit and integration tests) -----------------------

/** sha256 of every file under `dir` (relative path → hex), so a test can prove nothing changed. */
export function fileDigests(dir: string): Record<string, string> {
  const out: Record<string, string> = {}
  const walk = (current: string) => {
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      const full = join(current, entry.name)
      if (entry.isDirectory()) walk(full)
      else out[relative(dir, full)] = createHash('sha256').update(readFileSync(full)).digest('hex')
    }
  }
  walk(dir)
  return out
}

/** Every file under `dir` whose bytes contain `needle` (UTF-8), as relative paths. */
export function filesContaining(dir: string, needle: string | Buffer): string[] {
  const bytes = typeof needle === 'string' ? Buffer.from(needle, 'utf8') : needle
  return Object.keys(fileDigests(dir)).filter((file) => readFileSync(join(dir, file)).includes(bytes))
}

/** Row count of every table in the database, plus the ledger's recorded size. */
export async function rowCounts(core: Core): Promise<Record<string, number>> {
  const db = testDb(core)
  const tables =
    db.dialect === 'sqlite'
      ? // A full-text index is counted by its shadow tables (a contentless one cannot be scanned itself).
        await db.all<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND sql NOT LIKE 'CREATE VIRTUAL TABLE%' ORDER BY name")
      : await db.all<{ name: string }>("SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name")
  const counts: Record<string, number> = {}
  for (const { name } of tables) counts[name] = Number((await db.get<{ n: number }>(`SELECT count(*) AS n FROM "${name}"`))!.n)
  counts['ledger_state.tree_size'] = Number((await db.get<{ n: number }>('SELECT tree_size AS n FROM ledger_state WHERE ledger_id = 1'))!.n)
  return counts
}

/** Flip every bit of one byte of a file (the middle by default); returns the offset. */
export function flipByte(file: string, offset?: number): number {
  const bytes = readFileSync(file)
  const at = offset ?? Math.floor(bytes.length / 2)
  bytes[at] = bytes[at]! ^ 0xff
  writeFileSync(file, bytes)
  return at
}

/**
 * A fresh encrypted database (random raw key, no scrypt) with the migrations up to `version`
 * applied exactly as `migrate` applies them; for the per-migration tests.
 */
export function openMigratedDb(version: number): { db: Db; dir: string; dispose: () => void } {
  const temp = tempDir('gatehouse-migration-')
  const db = openDatabase(join(temp.dir, DATABASE_FILE), generateKey())
  for (const migration of MIGRATIONS) {
    if (migration.version > version) break
    db.transaction(() => {
      db.exec(migration.sqlite)
      db.pragma(`user_version = ${migration.version}`)
    })()
  }
  return {
    db,
    dir: temp.dir,
    dispose: () => {
      if (db.open) db.close()
      temp.remove()
    }
  }
}

export interface TestMember {
  personId: string
  membershipId: string
  email: string
  name: string
  password: string
}

/**
 * A member who can sign in, written straight into the store: this issue has no invite channel
 * yet, and the tests need admins, agents and viewers with passwords.
 */
export async function addMember(
  core: Core,
  member: { name: string; email: string; role: Role; password?: string; status?: 'active' | 'invited' | 'deactivated'; accountId?: string }
): Promise<TestMember> {
  // The first account set up, unless the test names another.
  const db = testDb(core)
  const account = member.accountId
    ? { account_id: member.accountId }
    : (await db.get<{ account_id: string }>('SELECT account_id FROM accounts ORDER BY created_at, account_id LIMIT 1'))!
  const password = member.password ?? 'amber-falcon-meadow-77'
  const personId = randomUUID()
  const membershipId = randomUUID()
  const now = core.clock.now()
  const hash = await hashPassword(password)
  await db.run('INSERT INTO persons (person_id, account_id, email, name, password_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)', personId, account.account_id, member.email, member.name, hash, now)
  await db.run(
    'INSERT INTO memberships (membership_id, account_id, person_id, role, status, created_at) VALUES (?, ?, ?, ?, ?, ?)',
    membershipId,
    account.account_id,
    personId,
    member.role,
    member.status ?? 'active',
    now
  )
  return { personId, membershipId, email: member.email, name: member.name, password }
}

/** A new connection signed in as `email`; returns its id. */
export async function signIn(core: Core, email: string, password: string, meta: ConnectionMeta = META): Promise<string> {
  const connectionId = core.connect(meta)
  await call(core, connectionId, 'auth:sign-in', { email, password })
  return connectionId
}

/** The SQLite error code `fn` fails with (e.g. SQLITE_CONSTRAINT_UNIQUE), or null if it succeeds. */
export async function sqliteErrorCode(fn: () => unknown): Promise<string | null> {
  try {
    await fn()
    return null
  } catch (error) {
    return (error as { code?: string }).code ?? String(error)
  }
}

/** Tables (other than SQLite's own) lacking an account_id column; DESIGN.md wants none. */
export function tablesWithoutAccountId(db: Db): string[] {
  const all = db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as Array<{ name: string; sql: string }>
  // Full-text indexes (virtual tables and their shadow tables) index other tables' rows.
  const virtual = all.filter((t) => /^CREATE VIRTUAL TABLE/i.test(t.sql)).map((t) => t.name)
  const tables = all.filter((t) => !virtual.some((v) => t.name === v || t.name.startsWith(`${v}_`)))
  return tables
    .filter(({ name }) => !(db.prepare(`PRAGMA table_info("${name}")`).all() as Array<{ name: string }>).some((c) => c.name === 'account_id'))
    .map(({ name }) => name)
}

/** Names of the user tables, or of the indexes of one table, in the schema. */
export function schemaNames(db: Db, type: 'table' | 'index', table?: string): string[] {
  const rows = db
    .prepare(`SELECT name FROM sqlite_master WHERE type = ? AND name NOT LIKE 'sqlite_%' ${table ? 'AND tbl_name = ?' : ''} ORDER BY name`)
    .all(...(table ? [type, table] : [type])) as Array<{ name: string }>
  return rows.map((r) => r.name)
}
