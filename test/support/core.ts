import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ManualClock } from '../../src/main/core/clock'
import type { Core } from '../../src/main/core/core'
import type { ConnectionMeta, CoreEvent } from '../../src/main/core/host'
import { openCore } from '../../src/main/core/in-process'

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
