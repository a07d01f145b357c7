import { randomBytes, randomUUID, scryptSync } from 'node:crypto'
import { cpSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ManualClock } from '../../src/main/core/clock'
import type { Core } from '../../src/main/core/core'
import type { ConnectionMeta, CoreEvent } from '../../src/main/core/host'
import { openCore } from '../../src/main/core/in-process'
import type { Result } from '../../src/shared/contract/result'
import type { SessionInfo } from '../../src/shared/contract/auth'
import { call, META, OWNER, setupAccount } from '../support/core'

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
export function insertAgent(core: Core, agent: { email: string; name: string; password?: string }): TestAgent {
  const id = randomUUID()
  const password = agent.password ?? AGENT_PASSWORD
  core.tx(() => {
    core.db
      .prepare('INSERT INTO support_agents (agent_id, account_id, email, name, password_hash, created_at) VALUES (?, NULL, ?, ?, ?, ?)')
      .run(id, agent.email, agent.name, cheapHash(password), core.clock.now())
  })
  return { id, email: agent.email, name: agent.name, password }
}

/** An active member with a cheap password check, written straight into the store. */
export function insertMember(core: Core, member: { email: string; name: string; role: 'admin' | 'agent' | 'viewer'; password: string }): string {
  const account = accountIdOf(core)
  const personId = randomUUID()
  const now = core.clock.now()
  core.tx(() => {
    core.db
      .prepare('INSERT INTO persons (person_id, account_id, email, name, password_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(personId, account, member.email, member.name, cheapHash(member.password), now)
    core.db
      .prepare("INSERT INTO memberships (membership_id, account_id, person_id, role, status, created_at) VALUES (?, ?, ?, ?, 'active', ?)")
      .run(randomUUID(), account, personId, member.role, now)
  })
  return personId
}

/** Make a member's stored password cheap to check (same password). */
export function cheapenPassword(core: Core, email: string, password: string): void {
  core.db.prepare('UPDATE persons SET password_hash = ? WHERE email = ?').run(cheapHash(password), email)
}

export function accountIdOf(core: Core): string {
  return (core.db.prepare('SELECT account_id FROM accounts ORDER BY created_at LIMIT 1').get() as { account_id: string }).account_id
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

export function logRows(core: Core): LogDbRow[] {
  return core.db.prepare('SELECT * FROM support_access_log ORDER BY log_id').all() as LogDbRow[]
}

export interface SessionDbRow {
  session_id: string
  person_id: string
  started_at: number
  ended_at: number | null
  end_reason: string | null
}

export function supportSessionRows(core: Core): SessionDbRow[] {
  return core.db
    .prepare("SELECT session_id, person_id, started_at, ended_at, end_reason FROM sessions WHERE principal_kind = 'support' ORDER BY rowid")
    .all() as SessionDbRow[]
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
  events: CoreEvent[]
  close: () => void
  dispose: () => void
  /** Close (keeping the files) and open a new core over them: a restart. */
  reopen: () => KeyedCore
}

/**
 * The core over an existing store, opened with its raw key: no passphrase KDF, so a test can open
 * and restart stores quickly. Everything else is the production path (openCore).
 */
export function openKeyedCore(dir: string, key: Buffer, clock: ManualClock, options: { durable?: boolean } = {}): KeyedCore {
  const core = openCore({ dataDir: dir, keySource: { kind: 'key', key }, clock, tickMs: 0, create: false })
  // Thousands of tiny transactions: without fsync at each commit (durability is not what these tests are about).
  if (options.durable === false) core.db.pragma('synchronous = OFF')
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
    dir,
    key,
    events,
    close,
    dispose: () => {
      close()
      rmSync(dir, { recursive: true, force: true })
    },
    reopen: () => {
      close()
      return openKeyedCore(dir, key, clock, options)
    }
  }
}

interface Template {
  dir: string
  key: Buffer
}

const templates = new Map<string, Promise<Template>>()

/** Set up the account once per plan (the recovery key's KDF is slow), then copy the files per test. */
function template(plan: 'trial' | 'paid'): Promise<Template> {
  let t = templates.get(plan)
  if (!t) {
    t = (async () => {
      const dir = mkdtempSync(join(tmpdir(), `gatehouse-support-template-${plan}-`))
      const key = randomBytes(32)
      const clock = new ManualClock()
      const core = openCore({ dataDir: dir, keySource: { kind: 'key', key }, clock, tickMs: 0 })
      try {
        await setupAccount(core, { plan })
        cheapenPassword(core, OWNER.email, OWNER.password)
      } finally {
        core.close()
      }
      return { dir, key }
    })()
    templates.set(plan, t)
  }
  return t
}

/** A copy of the set-up store (account + Owner, whose password check is cheap): its folder and raw key. */
/** Delete the set-up stores this test file made (call from afterAll). */
export async function removeTemplates(): Promise<void> {
  const made = await Promise.all([...templates.values()])
  templates.clear()
  for (const { dir } of made) rmSync(dir, { recursive: true, force: true })
}

export async function freshStoreFiles(plan: 'trial' | 'paid'): Promise<{ dir: string; key: Buffer }> {
  const { dir: source, key } = await template(plan)
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-support-'))
  cpSync(source, dir, { recursive: true })
  return { dir, key }
}

export async function freshStore(plan: 'trial' | 'paid', options: { durable?: boolean } = {}): Promise<KeyedCore> {
  const { dir, key } = await freshStoreFiles(plan)
  return openKeyedCore(dir, key, new ManualClock(), options)
}
