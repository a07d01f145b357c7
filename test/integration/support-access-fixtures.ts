import { randomBytes, randomUUID, scryptSync } from 'node:crypto'
import { cpSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ManualClock } from '../../src/main/core/clock'
import type { Core } from '../../src/main/core/core'
import type { ConnectionMeta, CoreEvent, KeySource } from '../../src/main/core/host'
import { openCore } from '../../src/main/core/in-process'
import type { Result } from '../../src/shared/contract/result'
import type { SessionInfo } from '../../src/shared/contract/auth'
import pg from 'pg'
import { call, META, OWNER, setupAccount, sqliteOf, TEST_PASSPHRASE, TEST_STORE, testDb, testPostgresDatabase } from '../support/core'

/**
 * Helpers for the Support Team Access tests (issue 4). Everything runs through the real core and
 * store; the only shortcut is `cheapHash`, which stores passwords with small scrypt parameters
 * (the format carries them, and the real `verifyPassword` reads them) so thousands of sign-ins fit
 * in a test run.
 */

export interface TestAgent {
  id: string
  email: string
  name: string
  password: string
}

export const AGENT_PASSWORD = 'quartz-meadow-signal-19'

/** The stored password format (`scrypt$N$r$p$salt$hash`) with N = 2^6 instead of 2^15. */
export function cheapHash(password: string): string {
  const salt = randomBytes(16)
  const N = 64
  const hash = scryptSync(password.normalize('NFKC'), salt, 32, { N, r: 8, p: 1 })
  return `scrypt$${N}$8$1$${salt.toString('base64')}$${hash.toString('base64')}`
}

/** A support agent written straight into the store (the CLI path is tested on its own). */
export async function insertAgent(core: Core, agent: { email: string; name: string; password?: string }): Promise<TestAgent> {
  const id = randomUUID()
  const password = agent.password ?? AGENT_PASSWORD
  await testDb(core).run(
    'INSERT INTO support_agents (agent_id, account_id, email, name, password_hash, created_at) VALUES (?, NULL, ?, ?, ?, ?)',
    id,
    agent.email,
    agent.name,
    cheapHash(password),
    core.clock.now()
  )
  return { id, email: agent.email, name: agent.name, password }
}

/** An active member with a cheap password check, written straight into the store. */
export async function insertMember(core: Core, member: { email: string; name: string; role: 'admin' | 'agent' | 'viewer'; password: string }): Promise<string> {
  const db = testDb(core)
  const account = await accountIdOf(core)
  const personId = randomUUID()
  const now = core.clock.now()
  await db.run(
    'INSERT INTO persons (person_id, account_id, email, name, password_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)',
    personId,
    account,
    member.email,
    member.name,
    cheapHash(member.password),
    now
  )
  await db.run("INSERT INTO memberships (membership_id, account_id, person_id, role, status, created_at) VALUES (?, ?, ?, ?, 'active', ?)", randomUUID(), account, personId, member.role, now)
  return personId
}

/** Make a member's stored password cheap to check (same password). */
export async function cheapenPassword(core: Core, email: string, password: string): Promise<void> {
  await testDb(core).run('UPDATE persons SET password_hash = ? WHERE email = ?', cheapHash(password), email)
}

export async function accountIdOf(core: Core): Promise<string> {
  return (await testDb(core).get<{ account_id: string }>('SELECT account_id FROM accounts ORDER BY created_at LIMIT 1'))!.account_id
}

export function supportSignIn(core: Core, connectionId: string, agent: TestAgent, account: string): Promise<Result<unknown>> {
  return core.dispatch(connectionId, 'auth:support-sign-in', { email: agent.email, password: agent.password, account })
}

/** A new connection with a support session, failing the test if sign-in is refused. */
export async function signInAgent(core: Core, agent: TestAgent, account: string, meta: ConnectionMeta = META): Promise<string> {
  const connectionId = core.connect(meta)
  await call<SessionInfo>(core, connectionId, 'auth:support-sign-in', { email: agent.email, password: agent.password, account })
  return connectionId
}

export interface LogDbRow {
  log_id: number
  account_id: string
  time: number
  action: string
  actor_kind: string
  owner_id: string | null
  owner_name: string
  owner_email: string | null
  duration: string
  scope: string
  ends_at: number | null
  reason: string | null
  sessions_ended: number
  audit_seq: number
}

export async function logRows(core: Core): Promise<LogDbRow[]> {
  return testDb(core).all<LogDbRow>('SELECT * FROM support_access_log ORDER BY log_id')
}

export interface SessionDbRow {
  session_id: string
  person_id: string
  started_at: number
  ended_at: number | null
  end_reason: string | null
}

/**
 * Support sessions in the order they were written (SQLite: rowid). PostgreSQL keeps no insertion
 * order: there, by start time, ties by agent and end (tests that compare lists with ties sort alike).
 */
export async function supportSessionRows(core: Core): Promise<SessionDbRow[]> {
  const db = testDb(core)
  const order = db.dialect === 'sqlite' ? 'rowid' : 'started_at, ended_at NULLS LAST, session_id'
  return db.all<SessionDbRow>(`SELECT session_id, person_id, started_at, ended_at, end_reason FROM sessions WHERE principal_kind = 'support' ORDER BY ${order}`)
}

export const HOUR = 3_600_000
export const DAY = 24 * HOUR
export const MINUTE = 60_000

// --- a fresh store per test, copied from one set up once ------------------------------------

export interface KeyedCore {
  core: Core
  clock: ManualClock
  dir: string
  key: Buffer
  /** The PostgreSQL URL of this store (postgres runs); undefined on SQLite. */
  store?: string
  events: CoreEvent[]
  close: () => Promise<void>
  dispose: () => Promise<void>
  /** Close (keeping the data) and open a new core over it: a restart. */
  reopen: () => Promise<KeyedCore>
}

/**
 * The core over an existing store, opened with its raw key: no passphrase KDF, so a test can open
 * and restart stores quickly. Everything else is the production path (openCore).
 */
export async function openKeyedCore(
  dir: string,
  key: Buffer,
  clock: ManualClock,
  options: { durable?: boolean; store?: string; drop?: () => Promise<void> } = {}
): Promise<KeyedCore> {
  const core = await openCore({ dataDir: dir, store: options.store, keySource: keySourceOf(key, options.store), clock, tickMs: 0, create: false, checkOutputs: true })
  // Thousands of tiny transactions: without fsync at each commit (durability is not what these tests
  // are about). SQLite only: the test PostgreSQL server already runs with fsync off.
  if (options.durable === false && core.store.dialect === 'sqlite') sqliteOf(core).pragma('synchronous = OFF')
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
    dir,
    key,
    store: options.store,
    events,
    close,
    dispose: async () => {
      await close()
      rmSync(dir, { recursive: true, force: true })
      await options.drop?.()
    },
    reopen: async () => {
      await close()
      return openKeyedCore(dir, key, clock, options)
    }
  }
}

/**
 * SQLite: the raw key (no KDF). PostgreSQL creates its own key and wraps it with a passphrase in
 * the database (a raw key cannot create a store there), so its stores open with the passphrase.
 */
export function keySourceOf(key: Buffer, store: string | undefined): KeySource {
  return store ? { kind: 'passphrase', passphrase: TEST_PASSPHRASE } : { kind: 'key', key }
}

interface Template {
  dir: string
  key: Buffer
  /** PostgreSQL: the set-up database, copied per test with CREATE DATABASE … TEMPLATE. */
  database?: { url: string; drop: () => Promise<void> }
}

const templates = new Map<string, Promise<Template>>()

/** Set up the account once per plan (the recovery key's KDF is slow), then copy the store per test. */
function template(plan: 'trial' | 'paid'): Promise<Template> {
  let t = templates.get(plan)
  if (!t) {
    t = (async () => {
      const dir = mkdtempSync(join(tmpdir(), `gatehouse-support-template-${plan}-`))
      const key = randomBytes(32)
      const clock = new ManualClock()
      const database = TEST_STORE === 'postgres' ? await testPostgresDatabase() : undefined
      const core = await openCore({ dataDir: dir, store: database?.url, keySource: keySourceOf(key, database?.url), clock, tickMs: 0 })
      try {
        await setupAccount(core, { plan })
        await cheapenPassword(core, OWNER.email, OWNER.password)
      } finally {
        await core.close()
      }
      return { dir, key, database }
    })()
    templates.set(plan, t)
  }
  return t
}

/** Delete the set-up stores this test file made (call from afterAll). */
export async function removeTemplates(): Promise<void> {
  const made = await Promise.all([...templates.values()])
  templates.clear()
  for (const { dir, database } of made) {
    rmSync(dir, { recursive: true, force: true })
    await database?.drop()
  }
}

async function copyDatabase(source: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const from = new URL(source)
  const name = `gh_${randomBytes(8).toString('hex')}`
  const server = new URL(source)
  server.pathname = '/postgres'
  const admin = async (text: string) => {
    const client = new pg.Client({ connectionString: server.toString() })
    await client.connect()
    try {
      await client.query(text)
    } finally {
      await client.end()
    }
  }
  await admin(`CREATE DATABASE ${name} TEMPLATE ${from.pathname.slice(1)} STRATEGY FILE_COPY`)
  const url = new URL(source)
  url.pathname = `/${name}`
  let dropped = false
  return {
    url: url.toString(),
    drop: async () => {
      if (dropped) return
      dropped = true
      await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
    }
  }
}

/** A copy of the set-up store (account + Owner, whose password check is cheap): its folder, raw key and (PostgreSQL) URL. */
export async function freshStoreFiles(plan: 'trial' | 'paid'): Promise<{ dir: string; key: Buffer; store?: string; drop?: () => Promise<void> }> {
  const { dir: source, key, database } = await template(plan)
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-support-'))
  cpSync(source, dir, { recursive: true })
  if (!database) return { dir, key }
  const copy = await copyDatabase(database.url)
  return { dir, key, store: copy.url, drop: copy.drop }
}

export async function freshStore(plan: 'trial' | 'paid', options: { durable?: boolean } = {}): Promise<KeyedCore> {
  const { dir, key, store, drop } = await freshStoreFiles(plan)
  return openKeyedCore(dir, key, new ManualClock(), { ...options, store, drop })
}
