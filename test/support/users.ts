import { randomUUID } from 'node:crypto'
import { cpSync } from 'node:fs'
import { expect } from 'vitest'
import type { Result } from '../../src/shared/contract'
import type { Role } from '../../src/shared/permissions'
import { hashPassword } from '../../src/main/core/auth/passwords'
import { ManualClock } from '../../src/main/core/clock'
import type { Core } from '../../src/main/core/core'
import type { CoreEvent } from '../../src/main/core/host'
import { openCore } from '../../src/main/core/in-process'
import { META, openTestCore, setupAccount, tempDir, type TestMember } from './core'

/** The password every fast member gets (hashed once per test file: scrypt is slow on purpose). */
export const MEMBER_PASSWORD = 'amber-falcon-meadow-77'
let cachedHash: Promise<string> | null = null

export function accountIdOf(core: Core): string {
  return (core.db.prepare('SELECT account_id FROM accounts ORDER BY created_at LIMIT 1').get() as { account_id: string }).account_id
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
  const accountId = accountIdOf(core)
  const personId = randomUUID()
  const membershipId = randomUUID()
  const email = member.email ?? `${member.role}-${membershipId.slice(0, 8)}@example.com`
  const name = member.name ?? `${member.role[0]!.toUpperCase()}${member.role.slice(1)} ${membershipId.slice(0, 4)}`
  const status = member.status ?? 'active'
  core.tx(() => {
    core.db
      .prepare('INSERT INTO persons (person_id, account_id, email, name, password_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(personId, accountId, email, name, hash, core.clock.now())
    core.db
      .prepare('INSERT INTO memberships (membership_id, account_id, person_id, role, status, invite_expires_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(membershipId, accountId, personId, member.role, status, status === 'invited' ? (member.inviteExpiresAt ?? core.clock.now() + 86_400_000) : null, core.clock.now())
  })
  return { personId, membershipId, email, name, password: MEMBER_PASSWORD }
}

/** A new connection with a session for this member, started directly (skips the scrypt check of sign-in). */
export function sessionOf(core: Core, membershipId: string): string {
  const connectionId = core.connect(META)
  const principal = core.principalByMembership(membershipId)
  if (!principal) throw new Error(`no membership ${membershipId}`)
  core.startSession(connectionId, principal)
  return connectionId
}

export function ownerMembershipId(core: Core): string {
  return (core.db.prepare("SELECT membership_id AS id FROM memberships WHERE role = 'owner'").get() as { id: string }).id
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

export function ledgerSize(core: Core): number {
  return core.ledger.size()
}

/** Audit events of this account from `afterSeq` on, oldest first. */
export function auditSince(core: Core, afterSeq: number): Array<{ seq: number; action: string; summary: string; before: unknown; after: unknown; actorEmail: string | null; targetName: string | null }> {
  return (
    core.db
      .prepare('SELECT seq, action, summary, before_json, after_json, actor_email, target_name FROM audit_events WHERE seq > ? ORDER BY seq')
      .all(afterSeq) as Array<{ seq: number; action: string; summary: string; before_json: string | null; after_json: string | null; actor_email: string | null; target_name: string | null }>
  ).map((r) => ({
    seq: r.seq,
    action: r.action,
    summary: r.summary,
    before: r.before_json ? JSON.parse(r.before_json) : null,
    after: r.after_json ? JSON.parse(r.after_json) : null,
    actorEmail: r.actor_email,
    targetName: r.target_name
  }))
}

/** The token of a `gatehouse://invite/<token>` link. */
export function tokenOf(link: string | null): string {
  const match = /^gatehouse:\/\/invite\/([A-Za-z0-9_-]{43})$/.exec(link ?? '')
  if (!match) throw new Error(`not an invitation link: ${link}`)
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
  dispose: () => void
}

/**
 * One set-up account (Owner, seats) copied into a new folder for each test and opened with the raw
 * database key: the passphrase's scrypt (deliberately slow) runs once per file, not per test.
 */
export async function accountTemplate(options: { seats?: number; plan?: 'trial' | 'paid' } = {}): Promise<{ fresh: () => FreshCore; dispose: () => void }> {
  const template = openTestCore()
  await setupAccount(template.core, options)
  const key = Buffer.from(template.core.storeKey)
  template.close()
  const opened: FreshCore[] = []
  return {
    fresh: () => {
      const copy = tempDir('gatehouse-users-')
      cpSync(template.dir, copy.dir, { recursive: true })
      const clock = new ManualClock()
      const core = openCore({ dataDir: copy.dir, keySource: { kind: 'key', key }, clock, tickMs: 0, create: false })
      const events: CoreEvent[] = []
      core.onEvent((e) => events.push(e))
      const ownerId = ownerMembershipId(core)
      let closed = false
      const fresh: FreshCore = {
        core,
        clock,
        dir: copy.dir,
        events,
        owner: sessionOf(core, ownerId),
        ownerMembershipId: ownerId,
        dispose: () => {
          if (!closed) core.close()
          closed = true
          copy.remove()
        }
      }
      opened.push(fresh)
      return fresh
    },
    dispose: () => {
      for (const f of opened) f.dispose()
      template.dispose()
    }
  }
}
