import { randomUUID } from 'node:crypto'
import { cpSync } from 'node:fs'
import pg from 'pg'
import { expect, inject } from 'vitest'
import type { Result } from '../../src/shared/contract'
import type { Role } from '../../src/shared/permissions'
import { hashPassword } from '../../src/main/core/auth/passwords'
import { loadMemberPrincipal } from '../../src/main/core/auth/principals-repository'
import { ManualClock } from '../../src/main/core/clock'
import type { Core } from '../../src/main/core/core'
import type { CoreEvent } from '../../src/main/core/host'
import { openCore } from '../../src/main/core/in-process'
import { unwrapWithPassphrase } from '../../src/main/core/store/key-envelope'
import { createTestDatabase } from './postgres'
import { META, openTestCore, setupAccount, tempDir, TEST_PASSPHRASE, TEST_STORE, testDb, type TestMember } from './core'

/** The password every fast member gets (hashed once per test file: scrypt is slow on purpose). */
export const MEMBER_PASSWORD = 'amber-falcon-meadow-77'
let cachedHash: Promise<string> | null = null

export async function accountIdOf(core: Core): Promise<string> {
  return (await testDb(core).get<{ account_id: string }>('SELECT account_id FROM accounts ORDER BY created_at LIMIT 1'))!.account_id
}

/**
 * A member written straight into the store with a shared password hash, for tests that need many
 * people. Through the contract, people arrive by invitation; these tests exercise that separately.
 */
export async function quickMember(
  core: Core,
  member: { name?: string; email?: string; role: Role; status?: 'active' | 'invited' | 'deactivated'; inviteExpiresAt?: number | null }
): Promise<TestMember> {
  const hash = await (cachedHash ??= hashPassword(MEMBER_PASSWORD))
  const accountId = await accountIdOf(core)
  const personId = randomUUID()
  const membershipId = randomUUID()
  const email = member.email ?? `${member.role}-${membershipId.slice(0, 8)}@example.com`
  const name = member.name ?? `${member.role[0]!.toUpperCase()}${member.role.slice(1)} ${membershipId.slice(0, 4)}`
  const status = member.status ?? 'active'
  const db = testDb(core)
  await db.run('INSERT INTO persons (person_id, account_id, email, name, password_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)', personId, accountId, email, name, hash, core.clock.now())
  await db.run(
    'INSERT INTO memberships (membership_id, account_id, person_id, role, status, invite_expires_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    membershipId,
    accountId,
    personId,
    member.role,
    status,
    status === 'invited' ? (member.inviteExpiresAt ?? core.clock.now() + 86_400_000) : null,
    core.clock.now()
  )
  return { personId, membershipId, email, name, password: MEMBER_PASSWORD }
}

/** A new connection with a session for this member, started directly (skips the scrypt check of sign-in). */
export async function sessionOf(core: Core, membershipId: string): Promise<string> {
  const connectionId = core.connect(META)
  const principal = await loadMemberPrincipal(core.store.db, membershipId)
  if (!principal) throw new Error(`no membership ${membershipId}`)
  await core.sessions.start(connectionId, principal)
  return connectionId
}

export async function ownerMembershipId(core: Core): Promise<string> {
  return (await testDb(core).get<{ id: string }>("SELECT membership_id AS id FROM memberships WHERE role = 'owner'"))!.id
}

export function expectError(result: Result<unknown>, code: string, message?: RegExp): void {
  if (result.ok) throw new Error(`expected ${code}, got ok: ${JSON.stringify(result.value).slice(0, 200)}`)
  expect(result.error.code, result.error.message).toBe(code)
  if (message) expect(result.error.message).toMatch(message)
}

export function expectOk<T = unknown>(result: Result<unknown>): T {
  if (!result.ok) throw new Error(`expected ok, got ${result.error.code}: ${result.error.message}`)
  return result.value as T
}

export function ledgerSize(core: Core): Promise<number> {
  return core.ledger.size()
}

/** Audit events of this account from `afterSeq` on, oldest first. */
export async function auditSince(
  core: Core,
  afterSeq: number
): Promise<Array<{ seq: number; action: string; summary: string; before: unknown; after: unknown; actorEmail: string | null; targetName: string | null }>> {
  return (
    await testDb(core).all<{ seq: number; action: string; summary: string; before_json: string | null; after_json: string | null; actor_email: string | null; target_name: string | null }>(
      'SELECT seq, action, summary, before_json, after_json, actor_email, target_name FROM audit_events WHERE seq > ? ORDER BY seq',
      afterSeq
    )
  ).map((r) => ({
    seq: Number(r.seq),
    action: r.action,
    summary: r.summary,
    before: r.before_json ? JSON.parse(r.before_json) : null,
    after: r.after_json ? JSON.parse(r.after_json) : null,
    actorEmail: r.actor_email,
    targetName: r.target_name
  }))
}

/** The token of a `gatehouse://invite/<token>` link. */
export function tokenOf(link: string | null, kind: 'invite' | 'reset' = 'invite'): string {
  const match = new RegExp(`^gatehouse://${kind}/([A-Za-z0-9_-]{43})$`).exec(link ?? '')
  if (!match) throw new Error(`not an ${kind === 'invite' ? 'invitation' : 'password reset'} link: ${link}`)
  return match[1]!
}

export interface FreshCore {
  core: Core
  clock: ManualClock
  dir: string
  events: CoreEvent[]
  /** The Owner's window (a session started directly). */
  owner: string
  ownerMembershipId: string
  dispose: () => Promise<void>
}

async function withPg<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    return await fn(client)
  } finally {
    await client.end()
  }
}

/**
 * One set-up account (Owner, seats) copied for each test and opened with the raw database key:
 * the passphrase's scrypt (deliberately slow) runs once per file, not per test. On SQLite the data
 * folder is copied; on PostgreSQL the template's database is the TEMPLATE of a new one.
 */
export async function accountTemplate(options: { seats?: number; plan?: 'trial' | 'paid' } = {}): Promise<{ fresh: () => Promise<FreshCore>; dispose: () => Promise<void> }> {
  const pgTemplate = TEST_STORE === 'postgres' ? await openTemplateDatabase() : undefined
  const template = await openTestCore(undefined, new ManualClock(), pgTemplate)
  await setupAccount(template.core, options)
  const envelope = await template.core.store.readEnvelope()
  const key = unwrapWithPassphrase(envelope!, TEST_PASSPHRASE)
  await template.close()
  const opened: FreshCore[] = []
  return {
    fresh: async () => {
      const copy = tempDir('gatehouse-users-')
      let database: { url: string; drop: () => Promise<void> } | undefined
      if (pgTemplate) database = await pgTemplate.copy()
      else cpSync(template.dir, copy.dir, { recursive: true })
      const clock = new ManualClock()
      const core = await openCore({ dataDir: copy.dir, store: database?.url, keySource: { kind: 'key', key }, clock, tickMs: 0, create: false, checkOutputs: true })
      const events: CoreEvent[] = []
      core.onEvent((e) => events.push(e))
      const ownerId = await ownerMembershipId(core)
      let closed = false
      const fresh: FreshCore = {
        core,
        clock,
        dir: copy.dir,
        events,
        owner: await sessionOf(core, ownerId),
        ownerMembershipId: ownerId,
        dispose: async () => {
          if (closed) return
          closed = true
          await core.close()
          copy.remove()
          await database?.drop()
        }
      }
      opened.push(fresh)
      return fresh
    },
    dispose: async () => {
      for (const f of opened) await f.dispose()
      await template.dispose()
    }
  }
}

/** A PostgreSQL database to set the template account up in, and copies of it (CREATE DATABASE … TEMPLATE). */
async function openTemplateDatabase(): Promise<{ url: string; drop: () => Promise<void>; copy: () => Promise<{ url: string; drop: () => Promise<void> }> }> {
  const server = inject('postgresUrl')
  const base = await createTestDatabase(server)
  const name = new URL(base.url).pathname.slice(1)
  const at = (database: string) => {
    const url = new URL(server)
    url.pathname = `/${database}`
    return url.toString()
  }
  return {
    url: base.url,
    drop: base.drop,
    copy: async () => {
      const copyName = `${name}_${randomUUID().replace(/-/g, '').slice(0, 8)}`
      await withPg(server, (c) => c.query(`CREATE DATABASE ${copyName} TEMPLATE ${name} STRATEGY FILE_COPY`))
      return {
        url: at(copyName),
        drop: async () => {
          await withPg(server, (c) => c.query(`DROP DATABASE IF EXISTS ${copyName} WITH (FORCE)`))
        }
      }
    }
  }
}
