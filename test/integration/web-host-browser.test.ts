import { existsSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type Browser } from '@playwright/test'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CoreClient } from '../../src/main/core/host'
import { createInProcessCore } from '../../src/main/core/in-process'
import { startWebHost, type WebHost } from '../../src/main/web-host/server'
import { TEST_STORE, testPostgresDatabase } from '../support/core'

/**
 * The web host as a real browser meets it: the token URL, the HttpOnly cookie, the page's own
 * WebSocket, the CSP header, and the attacks a browser makes possible (a page on another local
 * port, which is same-site and so even carries the cookie; a rebound host name).
 */
const CHROMIUM = '/usr/bin/chromium'
const hasChromium = existsSync(CHROMIUM)
if (!hasChromium) console.warn(`web-host-browser: skipped, no Chromium at ${CHROMIUM} (apt-get install -y chromium)`)

// The inline script must be blocked by the CSP; the module asset must run.
const INDEX_HTML = `<!doctype html><html><head><meta charset="utf-8">
<script>window.inlineRan = true</script>
<script type="module" src="./app.js"></script></head><body><p id="out">loading</p></body></html>`
const APP_JS = `
window.violations = []
document.addEventListener('securitypolicyviolation', (e) => window.violations.push(e.violatedDirective))
window.ipc = new Promise((resolve) => {
  const ws = new WebSocket('ws://' + location.host + '/ipc')
  ws.onopen = () => ws.send(JSON.stringify({ id: 1, channel: 'auth:status', input: {} }))
  ws.onmessage = (e) => { resolve({ reply: JSON.parse(e.data) }); ws.close() }
  ws.onclose = () => resolve({ closedBeforeReply: true })
})
`

describe.skipIf(!hasChromium)('web host in Chromium', () => {
  let tmp: string
  let core: CoreClient
  let host: WebHost
  let browser: Browser
  let foreign: Server
  const log: string[] = []
  // In the postgres run the core behind the host works on a fresh PostgreSQL database.
  let pg: { url: string; drop: () => Promise<void> } | undefined

  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'gatehouse-web-host-browser-'))
    await writeFile(join(tmp, 'index.html'), INDEX_HTML)
    await writeFile(join(tmp, 'app.js'), APP_JS)
    pg = TEST_STORE === 'postgres' ? await testPostgresDatabase() : undefined
    core = await createInProcessCore({ dataDir: join(tmp, 'data'), store: pg?.url, keySource: { kind: 'passphrase', passphrase: 'test passphrase' }, tickMs: 0 })
    host = await startWebHost({ core, rendererDir: tmp, log: (line) => log.push(line) })
    // Another local site: same host name, other port, so same-site for cookies.
    foreign = createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html' })
      res.end(`<!doctype html><script>
        window.attack = new Promise((resolve) => {
          const ws = new WebSocket('ws://127.0.0.1:${host.port}/ipc')
          ws.onopen = () => resolve('opened')
          ws.onclose = () => resolve('refused')
        })
      </script>`)
    })
    await new Promise<void>((resolve) => foreign.listen(0, '127.0.0.1', resolve))
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        // A DNS-rebinding stand-in: evil.example resolves to the loopback address.
        '--host-resolver-rules=MAP evil.example 127.0.0.1'
      ]
    })
  }, 60_000)

  afterAll(async () => {
    await browser?.close()
    await new Promise((resolve) => foreign?.close(resolve))
    await host?.close()
    await core?.close()
    await pg?.drop()
    await rm(tmp, { recursive: true, force: true })
  })

  it('the token URL sets an HttpOnly cookie, drops the token from the address bar, and the page reaches the core', async () => {
    const context = await browser.newContext()
    const page = await context.newPage()
    const consoleErrors: string[] = []
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text())
    })
    const response = await page.goto(host.url)
    expect(response?.status()).toBe(200)
    expect(page.url()).toBe(`http://127.0.0.1:${host.port}/`)
    const ipc = (await page.evaluate('window.ipc')) as { reply?: { id: number; result: { ok: boolean; value?: { initialized: boolean } } } }
    expect(ipc.reply).toEqual({ id: 1, result: { ok: true, value: { initialized: false, accounts: [], session: null } } })
    // HttpOnly: the page's scripts cannot read the token.
    expect(await page.evaluate('document.cookie')).toBe('')
    const cookies = await context.cookies()
    expect(cookies).toEqual([expect.objectContaining({ name: 'gatehouse_token', value: host.token, httpOnly: true, sameSite: 'Strict', path: '/' })])
    // The CSP header blocked the inline script, and nothing the page did afterwards (the socket included).
    expect(await page.evaluate('window.inlineRan')).toBeUndefined()
    // (Chromium may also log the 404 of /favicon.ico, which this fixture does not have.)
    expect(consoleErrors.filter((m) => m.includes('Content Security Policy'))).toEqual([expect.stringMatching(/inline script/)])
    expect(await page.evaluate('window.violations')).toEqual([])
    await context.close()
  })

  it('without the token the page loads but its socket is refused', async () => {
    const context = await browser.newContext()
    const page = await context.newPage()
    expect((await page.goto(`http://127.0.0.1:${host.port}/`))?.status()).toBe(200)
    expect(await page.evaluate('window.ipc')).toEqual({ closedBeforeReply: true })
    expect(log.at(-1)).toMatch(/Missing or wrong token/)
    await context.close()
  })

  it('a page on another local port (same-site, so it may carry the cookie) is refused by Origin', async () => {
    const context = await browser.newContext()
    const page = await context.newPage()
    await page.goto(host.url)
    expect((await page.evaluate('window.ipc')) as object).toHaveProperty('reply')
    const other = `http://127.0.0.1:${(foreign.address() as AddressInfo).port}/`
    await page.goto(other)
    expect(await page.evaluate('window.attack')).toBe('refused')
    expect(log.at(-1)).toMatch(/Foreign Origin/)
    await context.close()
  })

  it('a rebound host name is refused for pages and sockets', async () => {
    const context = await browser.newContext()
    const page = await context.newPage()
    const response = await page.goto(`http://evil.example:${host.port}/?token=${host.token}`)
    expect(response?.status()).toBe(421)
    expect(await context.cookies()).toEqual([])
    const socket = await page.evaluate(
      (port) =>
        new Promise<string>((resolve) => {
          const ws = new WebSocket(`ws://evil.example:${port}/ipc`)
          ws.onopen = () => resolve('opened')
          ws.onclose = () => resolve('refused')
        }),
      host.port
    )
    expect(socket).toBe('refused')
    expect(log.at(-1)).toMatch(/Wrong Host header/)
    await context.close()
  })
})
