import { createHash, randomUUID } from 'node:crypto'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { hashPassword } from '../../src/main/core/auth/passwords'
import { ManualClock } from '../../src/main/core/clock'
import type { Core } from '../../src/main/core/core'
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
  /** Close the core (keeping files). */
  close: () => void
  /** Close and delete the data folder. */
  dispose: () => void
  reopen: () => TestCore
}

/** A real encrypted store in a temp folder, with a clock the test moves. */
export function openTestCore(dir?: string, clock = new ManualClock()): TestCore {
  const temp = dir ? { dir, remove: () => rmSync(dir, { recursive: true, force: true }) } : tempDir()
  const core = openCore({ dataDir: temp.dir, keySource: { kind: 'passphrase', passphrase: TEST_PASSPHRASE }, clock, tickMs: 0 })
  const events: CoreEvent[] = []
  core.onEvent((e) => events.push(e))
  let closed = false
  const close = () => {
    if (!closed) core.close()
    closed = true
  }
  return {
    core,
    clock,
    dir: temp.dir,
    events,
    close,
    dispose: () => {
      close()
      temp.remove()
    },
    reopen: () => {
      close()
      return openTestCore(temp.dir, clock)
    }
  }
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
export function rowCounts(db: Db): Record<string, number> {
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as Array<{ name: string }>
  const counts: Record<string, number> = {}
  for (const { name } of tables) counts[name] = (db.prepare(`SELECT count(*) AS n FROM "${name}"`).get() as { n: number }).n
  counts['ledger_state.tree_size'] = (db.prepare('SELECT tree_size AS n FROM ledger_state WHERE ledger_id = 1').get() as { n: number }).n
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
      db.exec(migration.up)
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
  const account = member.accountId
    ? { account_id: member.accountId }
    : (core.db.prepare('SELECT account_id FROM accounts ORDER BY created_at, rowid LIMIT 1').get() as { account_id: string })
  const password = member.password ?? 'amber-falcon-meadow-77'
  const personId = randomUUID()
  const membershipId = randomUUID()
  const now = core.clock.now()
  const hash = await hashPassword(password)
  core.tx(() => {
    core.db
      .prepare('INSERT INTO persons (person_id, account_id, email, name, password_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(personId, account.account_id, member.email, member.name, hash, now)
    core.db
      .prepare('INSERT INTO memberships (membership_id, account_id, person_id, role, status, created_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(membershipId, account.account_id, personId, member.role, member.status ?? 'active', now)
  })
  return { personId, membershipId, email: member.email, name: member.name, password }
}

/** A new connection signed in as `email`; returns its id. */
export async function signIn(core: Core, email: string, password: string, meta: ConnectionMeta = META): Promise<string> {
  const connectionId = core.connect(meta)
  await call(core, connectionId, 'auth:sign-in', { email, password })
  return connectionId
}

/** The SQLite error code `fn` fails with (e.g. SQLITE_CONSTRAINT_UNIQUE), or null if it succeeds. */
export function sqliteErrorCode(fn: () => unknown): string | null {
  try {
    fn()
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
