import { mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises'
import { networkInterfaces, tmpdir } from 'node:os'
import { join } from 'node:path'
import { connect } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ManualClock } from '../../src/main/core/clock'
import type { ConnectionMeta, CoreClient } from '../../src/main/core/host'
import { createInProcessCore } from '../../src/main/core/in-process'
import { MAX_FRAME_BYTES, startWebHost, type WebHost } from '../../src/main/web-host/server'
import { httpGet, IpcClient, tryUpgrade } from './web-host-support'
import { TEST_STORE, testPostgresDatabase } from '../support/core'

interface CoreSpy {
  core: CoreClient
  calls: string[]
  connects: ConnectionMeta[]
  disconnects: string[]
}

/** The real core, wrapped only to record what reached it. */
function spyOn(inner: CoreClient): CoreSpy {
  const spy: CoreSpy = { calls: [], connects: [], disconnects: [], core: inner }
  spy.core = {
    connect: (meta) => {
      spy.connects.push(meta)
      return inner.connect(meta)
    },
    disconnect: (id) => {
      spy.disconnects.push(id)
      return inner.disconnect(id)
    },
    call: (id, channel, input) => {
      spy.calls.push(channel)
      return inner.call(id, channel, input)
    },
    onEvent: (listener) => inner.onEvent(listener),
    close: () => inner.close()
  }
  return spy
}

const INDEX_HTML = '<!doctype html><html><head><script type="module" src="./assets/app.js"></script></head><body></body></html>'
const APP_JS = 'console.log("gatehouse")'

let tmp: string
let rendererDir: string
let inner: Awaited<ReturnType<typeof createInProcessCore>>
let clock: ManualClock
let spy: CoreSpy
let host: WebHost
let port: number
// In the postgres run the core behind the host works on a fresh PostgreSQL database.
let pg: { url: string; drop: () => Promise<void> } | undefined

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'gatehouse-web-host-'))
  rendererDir = join(tmp, 'renderer')
  await mkdir(join(rendererDir, 'assets'), { recursive: true })
  await writeFile(join(rendererDir, 'index.html'), INDEX_HTML)
  await writeFile(join(rendererDir, 'assets', 'app.js'), APP_JS)
  await writeFile(join(rendererDir, 'assets', 'app.css'), 'body{margin:0}')
  // Things outside the renderer folder that must never be served.
  await writeFile(join(tmp, 'package.json'), '{"secret":true}')
  await symlink(join(tmp, 'package.json'), join(rendererDir, 'assets', 'escape.json'))
  clock = new ManualClock()
  // The real core over a real encrypted store; the timer is off so the test moves time itself.
  pg = TEST_STORE === 'postgres' ? await testPostgresDatabase() : undefined
  inner = await createInProcessCore({
    dataDir: join(tmp, 'data'),
    store: pg?.url,
    keySource: { kind: 'passphrase', passphrase: 'test passphrase' },
    clock,
    tickMs: 0
  })
  spy = spyOn(inner)
  host = await startWebHost({ core: spy.core, rendererDir })
  port = host.port
})

afterAll(async () => {
  await host?.close()
  await inner?.close()
  await pg?.drop()
  await rm(tmp, { recursive: true, force: true })
})

async function cookieFromRedirect(): Promise<string> {
  const res = await httpGet(port, `/?token=${host.token}`, { Host: `127.0.0.1:${port}` })
  const setCookie = res.headers['set-cookie']?.[0] ?? ''
  return setCookie.split(';')[0] ?? ''
}

describe('web host: listening', () => {
  it('binds 127.0.0.1 only and prints a token URL', async () => {
    expect(host.address.address).toBe('127.0.0.1')
    expect(host.address.family).toBe('IPv4')
    expect(host.url).toBe(`http://127.0.0.1:${port}/?token=${host.token}`)
    // 32 random bytes, base64url.
    expect(host.token).toMatch(/^[A-Za-z0-9_-]{43}$/)

    const external = Object.values(networkInterfaces())
      .flat()
      .find((i) => i && i.family === 'IPv4' && !i.internal)
    if (external) {
      const refused = await new Promise<boolean>((resolve) => {
        const s = connect({ host: external.address, port })
        s.once('connect', () => {
          s.destroy()
          resolve(false)
        })
        s.once('error', () => resolve(true))
      })
      expect(refused).toBe(true)
    }
  })

  it('refuses an unusable token option', async () => {
    await expect(startWebHost({ core: spy.core, rendererDir, token: 'short' })).rejects.toThrow(/token/)
    await expect(startWebHost({ core: spy.core, rendererDir, token: 'a'.repeat(20) + ';x' })).rejects.toThrow(/token/)
  })

  it('refuses a missing renderer build with a clear error', async () => {
    await expect(startWebHost({ core: spy.core, rendererDir: join(tmp, 'nope') })).rejects.toThrow(/renderer build is missing/)
  })
})

describe('web host: HTTP', () => {
  it('serves index.html at / without the token, with the security headers and no-store', async () => {
    const res = await httpGet(port, '/', { Host: `127.0.0.1:${port}` })
    expect(res.status).toBe(200)
    expect(res.body).toBe(INDEX_HTML)
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8')
    expect(res.headers['cache-control']).toBe('no-store')
    const csp = String(res.headers['content-security-policy'] ?? '')
    for (const directive of [
      "default-src 'self'",
      "script-src 'self'",
      "style-src 'self'",
      `connect-src 'self' ws://127.0.0.1:${port} ws://localhost:${port}`,
      "img-src 'self' data:",
      "object-src 'none'",
      "base-uri 'none'",
      "frame-ancestors 'none'"
    ]) {
      expect(csp.split('; ')).toContain(directive)
    }
    expect(csp).not.toContain('unsafe')
    expect(res.headers['x-content-type-options']).toBe('nosniff')
    expect(res.headers['referrer-policy']).toBe('no-referrer')
    expect(res.headers['x-frame-options']).toBe('DENY')
    expect(res.headers['set-cookie']).toBeUndefined()
  })

  it('serves assets without the token, with their content types', async () => {
    const js = await httpGet(port, '/assets/app.js', { Host: `localhost:${port}` })
    expect(js.status).toBe(200)
    expect(js.body).toBe(APP_JS)
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8')
    expect(js.headers['x-content-type-options']).toBe('nosniff')
    const css = await httpGet(port, '/assets/app.css', { Host: `127.0.0.1:${port}` })
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8')
    const head = await httpGet(port, '/assets/app.js', { Host: `127.0.0.1:${port}` }, 'HEAD')
    expect(head.status).toBe(200)
    expect(head.headers['content-length']).toBe(String(APP_JS.length))
    expect(head.body).toBe('')
  })

  it('answers 404 for missing files and directories, 405 for other methods', async () => {
    expect((await httpGet(port, '/assets/missing.js', { Host: `127.0.0.1:${port}` })).status).toBe(404)
    expect((await httpGet(port, '/assets/', { Host: `127.0.0.1:${port}` })).status).toBe(404)
    expect((await httpGet(port, '/assets', { Host: `127.0.0.1:${port}` })).status).toBe(404)
    const post = await httpGet(port, '/', { Host: `127.0.0.1:${port}` }, 'POST')
    expect(post.status).toBe(405)
    expect(post.headers['content-security-policy']).toBeDefined()
  })

  it('with the right token sets the HttpOnly SameSite=Strict cookie and redirects to /', async () => {
    const res = await httpGet(port, `/?token=${host.token}`, { Host: `127.0.0.1:${port}` })
    expect(res.status).toBe(303)
    expect(res.headers.location).toBe('/')
    expect(res.headers['set-cookie']).toEqual([`gatehouse_token=${host.token}; HttpOnly; SameSite=Strict; Path=/`])
    expect(res.headers['x-frame-options']).toBe('DENY')
  })

  it('with a wrong or empty token answers 403 and sets no cookie', async () => {
    for (const query of ['?token=wrong', `?token=${host.token}x`, '?token=']) {
      const res = await httpGet(port, `/${query}`, { Host: `127.0.0.1:${port}` })
      expect(res.status).toBe(403)
      expect(res.headers['set-cookie']).toBeUndefined()
      expect(res.body).toMatch(/token/i)
    }
  })

  it('refuses a foreign Host header (DNS rebinding) even for static assets and the token URL', async () => {
    for (const hostHeader of [`evil.example:${port}`, `127.0.0.1:${port + 1}`, '127.0.0.1', `localhost.evil.example:${port}`, `[::1]:${port}`]) {
      for (const path of ['/', '/assets/app.js', `/?token=${host.token}`]) {
        const res = await httpGet(port, path, { Host: hostHeader })
        expect(res.status, `${hostHeader} ${path}`).toBe(421)
        expect(res.headers['set-cookie']).toBeUndefined()
        expect(res.body.length).toBeLessThan(200)
      }
    }
  })

  it('refuses path traversal, raw or encoded, and symlinks that leave the folder', async () => {
    for (const path of [
      '/../package.json',
      '/assets/../../package.json',
      '/%2e%2e/package.json',
      '/%2E%2E/package.json',
      '/assets/%2e%2e/%2e%2e/package.json',
      '/..%2fpackage.json',
      '/assets/..%2f..%2fpackage.json',
      '/..%5cpackage.json',
      '/assets/app.js%00.html',
      '/%'
    ]) {
      const res = await httpGet(port, path, { Host: `127.0.0.1:${port}` })
      expect(res.status, path).toBeGreaterThanOrEqual(400)
      expect(res.body, path).not.toContain('secret')
    }
    const link = await httpGet(port, '/assets/escape.json', { Host: `127.0.0.1:${port}` })
    expect(link.status).toBe(404)
    expect(link.body).not.toContain('secret')
  })
})

describe('web host: WebSocket upgrade', () => {
  const goodHost = (): Record<string, string> => ({ Host: `127.0.0.1:${port}` })

  it('refuses an upgrade without the token', async () => {
    const res = await tryUpgrade(port, goodHost())
    expect(res.status).toBe(401)
    await expect(IpcClient.open(port)).rejects.toThrow(/401/)
  })

  it('refuses a wrong token, by Bearer or by cookie', async () => {
    expect((await tryUpgrade(port, { ...goodHost(), Authorization: 'Bearer wrong' })).status).toBe(401)
    expect((await tryUpgrade(port, { ...goodHost(), Authorization: `Bearer ${host.token}x` })).status).toBe(401)
    expect((await tryUpgrade(port, { ...goodHost(), Cookie: 'gatehouse_token=wrong' })).status).toBe(401)
    expect((await tryUpgrade(port, { ...goodHost(), Cookie: `other=${host.token}` })).status).toBe(401)
    // The query string is no way in for the socket.
    expect((await tryUpgrade(port, goodHost(), `/ipc?token=${host.token}`)).status).toBe(401)
  })

  it('refuses a foreign Origin even with the right token', async () => {
    for (const origin of ['http://evil.example', `http://evil.example:${port}`, `http://127.0.0.1:${port + 1}`, `https://127.0.0.1:${port}`, 'null']) {
      const res = await tryUpgrade(port, { ...goodHost(), Origin: origin, Authorization: `Bearer ${host.token}` })
      expect(res.status, origin).toBe(403)
    }
    const cookie = await cookieFromRedirect()
    await expect(IpcClient.open(port, { cookie, origin: 'http://evil.example' })).rejects.toThrow(/403/)
  })

  it('refuses a foreign Host header even with the right token and Origin', async () => {
    for (const hostHeader of [`evil.example:${port}`, `127.0.0.1:${port + 1}`]) {
      const res = await tryUpgrade(port, { Host: hostHeader, Origin: `http://127.0.0.1:${port}`, Authorization: `Bearer ${host.token}` })
      expect(res.status, hostHeader).toBe(421)
    }
  })

  it('accepts the socket only at /ipc', async () => {
    const res = await tryUpgrade(port, { ...goodHost(), Authorization: `Bearer ${host.token}` }, '/other')
    expect(res.status).toBe(404)
    const plain = await httpGet(port, '/ipc', goodHost())
    expect(plain.status).toBe(426)
  })

  it('accepts the cookie from the token redirect, with the page Origin', async () => {
    const cookie = await cookieFromRedirect()
    expect(cookie).toBe(`gatehouse_token=${host.token}`)
    for (const origin of [`http://127.0.0.1:${port}`, `http://localhost:${port}`]) {
      const client = await IpcClient.open(port, { cookie: `theme=dark; ${cookie}`, origin })
      const status = await client.call('auth:status', {})
      expect(status.ok).toBe(true)
      await client.close()
    }
  })

  it('accepts a Bearer token from a script (no Origin) and records the device', async () => {
    const before = spy.connects.length
    const client = await IpcClient.open(port, { bearer: host.token })
    expect((await client.call('auth:status')).ok).toBe(true)
    await client.close()
    expect(spy.connects[before]).toEqual({ transport: 'web', ip: '127.0.0.1', device: 'script', callbackBase: `http://127.0.0.1:${port}` })

    const browser = await IpcClient.open(port, {
      bearer: host.token,
      userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36'
    })
    await browser.close()
    expect(spy.connects[before + 1]?.device).toBe('Chrome 156 on Linux')
  })
})

describe('web host: frames', () => {
  let client: IpcClient
  beforeAll(async () => {
    client = await IpcClient.open(port, { bearer: host.token })
  })
  afterAll(async () => {
    await client.close()
  })

  it('answers an unknown channel with a VALIDATION envelope and does not call the core', async () => {
    const calls = spy.calls.length
    const result = await client.call('users:drop-all', {})
    expect(result).toEqual({ ok: false, error: { code: 'VALIDATION', message: 'Unknown channel: users:drop-all' } })
    expect(spy.calls.length).toBe(calls)
  })

  it('answers an invalid auth:sign-in input with a VALIDATION envelope and does not call the core', async () => {
    const calls = spy.calls.length
    const result = await client.call('auth:sign-in', { email: 'not-an-email' })
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.error.code).toBe('VALIDATION')
    const fields = (result.error.details as { fields: Array<{ path: string; label: string }> }).fields
    expect(fields.map((f) => [f.path, f.label])).toEqual([
      ['email', 'Email address'],
      ['password', 'Password']
    ])
    expect(result.error.message).toBe('Email address: enter a valid email address. Password: required')
    // Unknown keys are refused too (strict schemas).
    const extra = await client.call('auth:sign-in', { email: 'a@example.com', password: 'x', admin: true })
    expect(extra.ok).toBe(false)
    expect(spy.calls.length).toBe(calls)
  })

  it('answers malformed frames with id null and VALIDATION', async () => {
    const calls = spy.calls.length
    const cases = ['not json', '[1,2]', 'null', '42', '"text"', '{"channel":"auth:status"}', '{"id":1.5,"channel":"auth:status"}', '{"id":{},"channel":"auth:status"}', `{"id":${Number.MAX_SAFE_INTEGER + 2},"channel":"auth:status"}`, JSON.stringify({ id: 'x'.repeat(200), channel: 'auth:status' })]
    for (const text of cases) {
      const reply = client.replyTo(null)
      client.send(text)
      const { result } = await reply
      expect(result.ok, text).toBe(false)
      if (!result.ok) expect(result.error.code, text).toBe('VALIDATION')
    }
    const binary = client.replyTo(null)
    client.ws.send(Buffer.from('{"id":1,"channel":"auth:status"}'), { binary: true })
    expect((await binary).result).toMatchObject({ ok: false, error: { code: 'VALIDATION' } })
    expect(spy.calls.length).toBe(calls)
    // The connection survives bad frames.
    expect((await client.call('auth:status')).ok).toBe(true)
  })

  it('answers concurrent calls by their own ids, numbers or strings', async () => {
    const ids: Array<number | string> = [101, 'a', 102, 'b-2', 0, -5]
    const replies = ids.map((id) => client.replyTo(id))
    for (const id of ids) client.send(JSON.stringify({ id, channel: 'auth:status', input: {} }))
    const answered = await Promise.all(replies)
    expect(answered.map((r) => r.id)).toEqual(ids)
    for (const r of answered) expect(r.result.ok).toBe(true)
  })

  it('closes the socket on a frame over the frame limit', async () => {
    const big = await IpcClient.open(port, { bearer: host.token })
    big.send(JSON.stringify({ id: 1, channel: 'auth:status', input: { pad: 'x'.repeat(MAX_FRAME_BYTES + 10) } }))
    const closed = await big.closed
    expect(closed.code).toBe(1009)
  })
})

describe('web host: through the real core', () => {
  const CHROME_UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36'
  const owner = { email: 'ada@example.com', password: 'correct horse battery staple 42' }
  let page: IpcClient
  let script: IpcClient

  beforeAll(async () => {
    const cookie = await cookieFromRedirect()
    page = await IpcClient.open(port, { cookie, origin: `http://127.0.0.1:${port}`, userAgent: CHROME_UA })
    script = await IpcClient.open(port, { bearer: host.token })
  })
  afterAll(async () => {
    await page.close()
    await script.close()
  })

  it('auth:status says there is no account yet', async () => {
    expect(await page.call('auth:status', {})).toEqual({ ok: true, value: { initialized: false, accounts: [], session: null } })
  })

  it('auth:setup returns the recovery key and signs this connection in, not the other', async () => {
    const setup = await page.call('auth:setup', {
      accountName: 'Northwind',
      plan: 'trial',
      seats: 25,
      ownerName: 'Ada Lovelace',
      ownerEmail: owner.email,
      ownerPassword: owner.password
    })
    expect(setup.ok).toBe(true)
    if (!setup.ok) return
    const value = setup.value as { recoveryKey: string; session: { principal: { email: string; role: string } } }
    expect(value.recoveryKey.length).toBeGreaterThan(20)
    expect(value.session.principal).toMatchObject({ email: owner.email, role: 'owner' })

    const mine = await page.call('auth:status')
    expect(mine).toMatchObject({ ok: true, value: { initialized: true, session: { principal: { email: owner.email } } } })
    // Each connection is its own session.
    const other = await script.call('auth:status')
    expect(other).toMatchObject({ ok: true, value: { initialized: true, session: null } })
    expect(await script.call('users:list', {})).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } })
    const users = await page.call('users:list', { sort: 'name' })
    expect(users).toMatchObject({ ok: true, value: { total: 1 } })
  })

  it('a wrong password on the other connection is an error envelope', async () => {
    const wrong = await script.call('auth:sign-in', { email: owner.email, password: 'not the password at all' })
    expect(wrong).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } })
  })

  it('signing in on the other connection pushes data:changed to the first one only', async () => {
    const pushed = page.nextPush('data:changed')
    const signIn = await script.call('auth:sign-in', owner)
    expect(signIn).toMatchObject({ ok: true, value: { principal: { email: owner.email } } })
    expect((await pushed).payload).toEqual({ topics: ['users', 'audit'] })
    expect(script.pushes.filter((p) => p.event === 'data:changed')).toEqual([])
  })

  it('records the IP and a short device summary on audit events', async () => {
    const audit = await page.call('audit:list', {})
    expect(audit.ok).toBe(true)
    if (!audit.ok) return
    const rows = (audit.value as { rows: Array<{ action: string; ip: string | null; device: string | null }> }).rows
    expect(rows.find((r) => r.action === 'account.created')).toMatchObject({ ip: '127.0.0.1', device: 'Chrome 156 on Linux' })
    expect(rows.find((r) => r.action === 'auth.signed-in')).toMatchObject({ ip: '127.0.0.1', device: 'script' })
  })

  it('sign-out ends the session of that connection only', async () => {
    expect(await page.call('auth:sign-out', {})).toEqual({ ok: true, value: { signedOut: true } })
    expect(await page.call('auth:status')).toMatchObject({ ok: true, value: { session: null } })
    expect(await page.call('audit:list', {})).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } })
    expect(await script.call('auth:status')).toMatchObject({ ok: true, value: { session: { principal: { email: owner.email } } } })
  })

  it('forwards session:ended when the core ends a session (idle timeout)', async () => {
    const ended = script.nextPush('session:ended')
    clock.advance(31 * 60_000)
    inner.core.tick()
    expect((await ended).payload).toMatchObject({ reason: 'idle-timeout' })
    expect(page.pushes.some((p) => p.event === 'session:ended')).toBe(false)
    expect(await script.call('auth:status')).toMatchObject({ ok: true, value: { session: null } })
  })

  it('disconnects the core connection when the socket closes', async () => {
    const before = spy.disconnects.length
    const extra = await IpcClient.open(port, { bearer: host.token })
    await extra.call('auth:status')
    await extra.close()
    await expect.poll(() => spy.disconnects.length).toBe(before + 1)
  })
})

describe('web host: close()', () => {
  it('closes sockets with 1001, disconnects their core connections and leaves the core running', async () => {
    const second = await startWebHost({ core: spy.core, rendererDir, token: 'a-token-chosen-by-the-caller' })
    expect(second.token).toBe('a-token-chosen-by-the-caller')
    expect(second.url).toBe(`http://127.0.0.1:${second.port}/?token=a-token-chosen-by-the-caller`)
    const a = await IpcClient.open(second.port, { bearer: second.token })
    const b = await IpcClient.open(second.port, { bearer: second.token })
    await a.call('auth:status')
    await b.call('auth:status')
    const disconnectsBefore = spy.disconnects.length

    const closing = second.close()
    expect(second.close()).toBe(closing)
    await closing
    expect((await a.closed).code).toBe(1001)
    expect((await b.closed).code).toBe(1001)
    expect(spy.disconnects.length).toBe(disconnectsBefore + 2)

    await expect(httpGet(second.port, '/', { Host: `127.0.0.1:${second.port}` })).rejects.toThrow(/ECONNREFUSED/)
    // The caller owns the core: it still answers, and the first host still serves.
    const id = await inner.connect({ transport: 'cli', ip: null, device: null })
    expect(await inner.call(id, 'auth:status', {})).toMatchObject({ ok: true, value: { initialized: true } })
    await inner.disconnect(id)
    const still = await IpcClient.open(port, { bearer: host.token })
    expect((await still.call('auth:status')).ok).toBe(true)
    await still.close()
  })
})

describe('web host: back-pressure', () => {
  it('refuses calls beyond 64 in flight on one connection with LIMIT, and answers the rest', async () => {
    // The real core behind a gate, so calls stay in flight until the test opens it.
    let open: () => void = () => {}
    const gate = new Promise<void>((resolve) => (open = resolve))
    const gated: CoreClient = {
      ...spy.core,
      call: async (id, channel, input) => {
        await gate
        return spy.core.call(id, channel, input)
      }
    }
    const third = await startWebHost({ core: gated, rendererDir })
    const client = await IpcClient.open(third.port, { bearer: third.token })
    const replies = Array.from({ length: 70 }, (_, i) => client.replyTo(i))
    for (let i = 0; i < 70; i++) client.send(JSON.stringify({ id: i, channel: 'auth:status' }))
    const refused = await Promise.all(replies.slice(64))
    for (const r of refused) expect(r.result).toMatchObject({ ok: false, error: { code: 'LIMIT' } })
    open()
    const answered = await Promise.all(replies.slice(0, 64))
    for (const r of answered) expect(r.result.ok).toBe(true)
    await client.close()
    await third.close()
  })
})
