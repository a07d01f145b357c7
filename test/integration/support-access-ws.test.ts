import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ManualClock } from '../../src/main/core/clock'
import { createInProcessCore } from '../../src/main/core/in-process'
import { startWebHost, type WebHost } from '../../src/main/web-host/server'
import { OWNER, testDb } from '../support/core'
import { AGENT_PASSWORD, DAY, freshStoreFiles, insertAgent, insertMember, keySourceOf, MINUTE, removeTemplates } from './support-access-fixtures'
import { IpcClient } from './web-host-support'

/**
 * Issue 4, "done when": through the web host's WebSocket alone (no UI), an agent connection is
 * refused while access is off, accepted while on, and receives `session:ended` when the Owner turns
 * it off; a non-owner's `support-access:*` calls get FORBIDDEN. Real core, real store, real sockets.
 */
describe('Support Team Access over the web host WebSocket', () => {
  let tmp: string
  let data: Awaited<ReturnType<typeof freshStoreFiles>>
  let inner: Awaited<ReturnType<typeof createInProcessCore>>
  let host: WebHost
  let clock: ManualClock
  let account: string
  const clients: IpcClient[] = []
  const open = async () => {
    const c = await IpcClient.open(host.port, { bearer: host.token, userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Firefox/145.0' })
    clients.push(c)
    return c
  }
  const agentSignIn = (c: IpcClient) => c.call('auth:support-sign-in', { email: 'sam@vendor.example', password: AGENT_PASSWORD, account })

  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'gatehouse-support-ws-'))
    await writeFile(join(tmp, 'index.html'), '<!doctype html><title>Gatehouse</title>')
    data = await freshStoreFiles('paid')
    clock = new ManualClock(Date.UTC(2026, 10, 23, 14, 2, 0))
    inner = await createInProcessCore({ dataDir: data.dir, store: data.store, keySource: keySourceOf(data.key, data.store), clock, tickMs: 0 })
    await insertAgent(inner.core, { email: 'sam@vendor.example', name: 'Sam Support' })
    await insertMember(inner.core, { email: 'adam@example.com', name: 'Adam Admin', role: 'admin', password: 'adam-admin-password-1' })
    account = (await testDb(inner.core).get<{ account_id: string }>('SELECT account_id FROM accounts'))!.account_id
    host = await startWebHost({ core: inner, rendererDir: tmp })
  })

  afterAll(async () => {
    for (const c of clients) await c.close()
    await host?.close()
    await inner?.close()
    await rm(tmp, { recursive: true, force: true })
    await rm(data.dir, { recursive: true, force: true })
    await data.drop?.()
    await removeTemplates()
  })

  it('lists the accounts before sign-in, so the agent can choose one', async () => {
    const c = await open()
    expect(await c.call('auth:status', {})).toEqual({ ok: true, value: { initialized: true, accounts: [{ id: account, name: 'Acme Support' }], session: null } })
  })

  it('refuses a non-owner every support-access call with FORBIDDEN', async () => {
    const admin = await open()
    expect(await admin.call('auth:sign-in', { email: 'adam@example.com', password: 'adam-admin-password-1' })).toMatchObject({ ok: true })
    for (const [channel, input] of [
      ['support-access:status', {}],
      ['support-access:extend', { duration: 'day', scope: 'full' }],
      ['support-access:change', { duration: 'day', scope: 'full' }],
      ['support-access:disable', {}],
      ['support-access:log', {}],
      ['support-access:logins', {}],
      ['support-access:export-log', {}],
      ['support-access:export-logins', {}]
    ] as const) {
      expect(await admin.call(channel, input), channel).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } })
    }
  })

  it('refuses the agent while off, accepts while on, and ends the session with a push when the Owner turns access off', async () => {
    const owner = await open()
    const agent = await open()
    expect(await owner.call('auth:sign-in', { email: OWNER.email, password: OWNER.password })).toMatchObject({ ok: true })
    expect(await agentSignIn(agent)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', message: expect.stringContaining('is off') } })

    expect(await owner.call('support-access:extend', { duration: 'day', scope: 'read-only', reason: 'TICKET-77' })).toMatchObject({ ok: true })
    expect(await agentSignIn(agent)).toMatchObject({ ok: true, value: { principal: { kind: 'support', role: null, accountId: account } } })
    expect(await agent.call('users:list', {})).toMatchObject({ ok: true })
    expect(await agent.call('teams:create', { name: 'Escalations' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } })
    expect(await agent.call('support-access:status', {})).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } })

    const changed = agent.nextPush('session:changed')
    expect(await owner.call('support-access:change', { duration: 'day', scope: 'full' })).toMatchObject({ ok: true })
    await changed
    expect(await agent.call('teams:create', { name: 'Escalations' })).toMatchObject({ ok: true })

    const ended = agent.nextPush('session:ended')
    const disabled = await owner.call('support-access:disable', {})
    expect(disabled).toMatchObject({ ok: true, value: { entry: { action: 'disable', sessionsEnded: 1 } } })
    expect(await ended).toEqual({
      event: 'session:ended',
      payload: { reason: 'support-access-disabled', message: 'Support access was turned off by the account owner.' }
    })
    expect(await agent.call('users:list', {})).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } })
    expect(await agentSignIn(agent)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } })

    const logins = await owner.call('support-access:logins', {})
    expect(logins).toMatchObject({ ok: true, value: { rows: [{ agentEmail: 'sam@vendor.example', endReason: 'support-access-disabled', device: expect.stringContaining('Firefox') }] } })
  })

  it('pushes session:ended to the agent when the grant expires and the timer fires', async () => {
    const owner = await open()
    const agent = await open()
    expect(await owner.call('auth:sign-in', { email: OWNER.email, password: OWNER.password })).toMatchObject({ ok: true })
    expect(await owner.call('support-access:extend', { duration: 'day', scope: 'read-only' })).toMatchObject({ ok: true })
    clock.advance(DAY - 5 * MINUTE)
    expect(await agentSignIn(agent)).toMatchObject({ ok: true })
    const ended = agent.nextPush('session:ended')
    clock.advance(10 * MINUTE)
    await inner.core.tick()
    expect(await ended).toEqual({ event: 'session:ended', payload: { reason: 'support-access-expired', message: 'Support access expired.' } })
  })
})
