import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AppError } from '../../../src/shared/contract/result'
import type { CoreClient, CoreEvent } from '../../../src/main/core/host'
import { startCoreWorker } from '../../../src/main/core/worker-client'
import { fileDigests, META, OWNER, TEST_PASSPHRASE, TEST_STORE, tempDir, testPostgresDatabase } from '../../support/core'

// The source worker: worker-client starts .ts workers through tsx.
const WORKER = fileURLToPath(new URL('../../../src/main/core/worker.ts', import.meta.url))

describe('the core in a worker thread', () => {
  let temp: { dir: string; remove: () => void }
  let client: CoreClient
  const events: CoreEvent[] = []
  // In the postgres run the worker's core works on a fresh PostgreSQL database.
  let pg: { url: string; drop: () => Promise<void> } | undefined

  beforeAll(async () => {
    temp = tempDir('gatehouse-worker-')
    pg = TEST_STORE === 'postgres' ? await testPostgresDatabase() : undefined
    client = await startCoreWorker({ dataDir: temp.dir, store: pg?.url, keySource: { kind: 'passphrase', passphrase: TEST_PASSPHRASE }, workerPath: WORKER, tickMs: 0 })
    client.onEvent((e) => events.push(e))
  })
  afterAll(async () => {
    await client.close()
    await pg?.drop()
    temp.remove()
  })

  it('sets up, signs in and answers through the message channel with the same envelopes', async () => {
    const conn = await client.connect(META)
    expect(typeof conn).toBe('string')
    expect(await client.call(conn, 'auth:status', {})).toEqual({ ok: true, value: { initialized: false, accounts: [], session: null } })
    const setup = await client.call(conn, 'auth:setup', {
      accountName: 'Worker Co',
      plan: 'paid',
      seats: 3,
      ownerName: OWNER.name,
      ownerEmail: OWNER.email,
      ownerPassword: OWNER.password
    })
    expect(setup).toMatchObject({ ok: true, value: { recoveryKey: expect.stringMatching(/^[0-9A-Z]{5}(-[0-9A-Z]{5}){7}$/), session: { principal: { role: 'owner' } } } })
    expect(await client.call(conn, 'auth:status', {})).toMatchObject({ ok: true, value: { initialized: true, session: { principal: { email: OWNER.email } } } })
    expect(await client.call(conn, 'users:list', {})).toMatchObject({ ok: true, value: { total: 1, rows: [{ email: OWNER.email }] } })
  })

  it('refuses invalid input and unknown channels inside the worker too', async () => {
    const conn = await client.connect(META)
    expect(await client.call(conn, 'auth:sign-in', { email: 'x' })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } })
    expect(await client.call(conn, '__proto__', {})).toMatchObject({ ok: false, error: { code: 'VALIDATION' } })
    expect(await client.call(conn, 'users:list', {})).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } })
  })

  it('pushes events to the right connection', async () => {
    const watcher = await client.connect(META)
    const actor = await client.connect({ ...META, device: 'second window' })
    expect(await client.call(watcher, 'auth:sign-in', { email: OWNER.email, password: OWNER.password })).toMatchObject({ ok: true })
    events.length = 0
    expect(await client.call(actor, 'auth:sign-in', { email: OWNER.email, password: OWNER.password })).toMatchObject({ ok: true })
    expect(await client.call(actor, 'auth:sign-out', {})).toEqual({ ok: true, value: { signedOut: true } })
    // The watcher hears about the other window's sign-in and sign-out; the actor is not pushed its own sign-out.
    await expect.poll(() => events.filter((e) => e.connectionId === watcher).length).toBeGreaterThanOrEqual(2)
    expect(events.filter((e) => e.connectionId === watcher).map((e) => e.event)).toEqual(['data:changed', 'data:changed'])
    expect(events.some((e) => e.connectionId === actor && e.event === 'session:ended')).toBe(false)
    expect(await client.call(actor, 'users:list', {})).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } })
    expect(await client.call(watcher, 'users:list', {})).toMatchObject({ ok: true })
  })

  it('answers calls made at the same time, each with its own reply', async () => {
    const conn = await client.connect(META)
    await client.call(conn, 'auth:sign-in', { email: OWNER.email, password: OWNER.password })
    const replies = await Promise.all(Array.from({ length: 20 }, (_, i) => client.call(conn, 'audit:list', { limit: (i % 3) + 1 })))
    expect(replies.map((r) => (r.ok ? (r.value as { rows: unknown[] }).rows.length : -1))).toEqual(Array.from({ length: 20 }, (_, i) => (i % 3) + 1))
  })

  it('ends the sessions with core-stopped and resolves close(); later calls get an envelope, not a hang', async () => {
    const conn = await client.connect(META)
    await client.call(conn, 'auth:sign-in', { email: OWNER.email, password: OWNER.password })
    events.length = 0
    await client.close()
    expect(events).toContainEqual({ connectionId: conn, event: 'session:ended', payload: { reason: 'core-stopped', message: expect.any(String) } })
    expect(await client.call(conn, 'auth:status', {})).toMatchObject({ ok: false, error: { code: 'INTERNAL' } })
    // Closing twice is harmless.
    await client.close()
  })
})

describe('starting the worker on an existing store', () => {
  it('rejects with UNAUTHENTICATED for a wrong passphrase and changes no file', async () => {
    const temp = tempDir('gatehouse-worker-')
    const pg = TEST_STORE === 'postgres' ? await testPostgresDatabase() : undefined
    try {
      const first = await startCoreWorker({ dataDir: temp.dir, store: pg?.url, keySource: { kind: 'passphrase', passphrase: TEST_PASSPHRASE }, workerPath: WORKER, tickMs: 0 })
      await first.close()
      const before = fileDigests(temp.dir)
      const error = await startCoreWorker({ dataDir: temp.dir, store: pg?.url, keySource: { kind: 'passphrase', passphrase: 'a wrong passphrase' }, workerPath: WORKER, tickMs: 0 }).then(
        () => null,
        (e: unknown) => e
      )
      expect(error).toBeInstanceOf(AppError)
      expect(error).toMatchObject({ code: 'UNAUTHENTICATED', message: 'Wrong passphrase: the store was not opened and nothing was changed.' })
      expect(fileDigests(temp.dir)).toEqual(before)
    } finally {
      await pg?.drop()
      temp.remove()
    }
  })
})
