import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import {
  APP_ENTRY_URL,
  CONTENT_SECURITY_POLICY,
  isAppUrl,
  registerAppProtocol,
  registerAppScheme,
  serveAppRequest
} from '../../../src/main/shell/app-protocol'
import { protocol, resetElectronMock } from '../../mocks/electron'

vi.mock('electron', () => import('../../mocks/electron'))

const SECRET = 'TOP-SECRET-CONTENT'
let base: string
let root: string

beforeAll(async () => {
  base = await realpath(await mkdtemp(join(tmpdir(), 'gatehouse-protocol-')))
  root = join(base, 'renderer')
  await mkdir(join(root, 'assets'), { recursive: true })
  await writeFile(join(root, 'index.html'), '<!doctype html><title>Gatehouse</title>')
  await writeFile(join(root, 'assets', 'index-abc.js'), 'console.log(1)')
  await writeFile(join(base, 'secret.txt'), SECRET)
  await symlink(join(base, 'secret.txt'), join(root, 'assets', 'escape.txt'))
})

afterAll(async () => {
  await rm(base, { recursive: true, force: true })
})

/** Requests built from a raw string, as Electron hands them over (no URL normalisation on our side). */
function get(url: string, method = 'GET'): Promise<Response> {
  const request = { url, method } as unknown as Request
  return serveAppRequest(request, root)
}

describe('app:// protocol', () => {
  beforeEach(() => resetElectronMock())

  it('serves index.html with a strict CSP header and no caching', async () => {
    const response = await get(APP_ENTRY_URL)
    expect(response.status).toBe(200)
    expect(await response.text()).toContain('<title>Gatehouse</title>')
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY)
    expect(response.headers.get('cache-control')).toBe('no-store')
    expect(response.headers.get('x-content-type-options')).toBe('nosniff')
  })

  it('has a CSP with no inline script, no eval, no remote origins', () => {
    const directives = new Map(CONTENT_SECURITY_POLICY.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1)]))
    expect(directives.get('default-src')).toEqual(["'none'"])
    expect(directives.get('script-src')).toEqual(["'self'"])
    expect(directives.get('object-src')).toEqual(["'none'"])
    expect(directives.get('frame-ancestors')).toEqual(["'none'"])
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-inline|unsafe-eval|https?:|\*/)
  })

  it('serves the root as index.html, and assets with their type', async () => {
    expect((await get('app://gatehouse/')).status).toBe(200)
    const asset = await get('app://gatehouse/assets/index-abc.js')
    expect(asset.status).toBe(200)
    expect(asset.headers.get('content-type')).toBe('text/javascript; charset=utf-8')
    expect(asset.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY)
  })

  const traversals = [
    'app://gatehouse/../secret.txt',
    'app://gatehouse/assets/../../secret.txt',
    'app://gatehouse/%2e%2e/secret.txt',
    'app://gatehouse/%2E%2E%2Fsecret.txt',
    'app://gatehouse/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
    'app://gatehouse/..%5csecret.txt',
    'app://gatehouse/assets\\..\\..\\secret.txt',
    'app://gatehouse/%00index.html',
    'app://gatehouse/assets/escape.txt',
    'app://gatehouse/%2Fetc%2Fpasswd',
    'app://gatehouse//etc/passwd',
    'app://gatehouse/%E0%A4%A'
  ]
  for (const url of traversals) {
    it(`refuses ${url}`, async () => {
      const response = await get(url)
      expect([400, 404]).toContain(response.status)
      expect(await response.text()).not.toContain(SECRET)
      expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY)
    })
  }

  it('refuses an absolute path to a file outside the root', async () => {
    const response = await get(`app://gatehouse/${encodeURIComponent(join(base, 'secret.txt'))}`)
    expect(response.status).toBe(404)
    expect(await response.text()).not.toContain(SECRET)
  })

  it('lists no directories', async () => {
    expect((await get('app://gatehouse/assets/')).status).toBe(404)
    expect((await get('app://gatehouse/assets')).status).toBe(404)
  })

  it('answers only its own host', async () => {
    expect((await get('app://evil/index.html')).status).toBe(404)
    expect((await get('app://gatehouse.evil/index.html')).status).toBe(404)
  })

  it('answers GET and HEAD only', async () => {
    expect((await get(APP_ENTRY_URL, 'POST')).status).toBe(405)
    const head = await get(APP_ENTRY_URL, 'HEAD')
    expect(head.status).toBe(200)
    expect(await head.text()).toBe('')
  })

  it('registers app:// as a standard, secure scheme before ready', () => {
    registerAppScheme()
    expect(protocol.privileged).toEqual([
      { scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true }) }
    ])
    const privileges = protocol.privileged[0]?.privileges ?? {}
    // Nothing that would loosen the page: no CSP bypass, no service workers.
    expect(privileges.bypassCSP).not.toBe(true)
    expect(privileges.allowServiceWorkers).not.toBe(true)
  })

  it('registers a handler that serves the renderer build', async () => {
    await registerAppProtocol(root)
    const handler = protocol.handlers.get('app')
    expect(handler).toBeDefined()
    const response = await handler!({ url: APP_ENTRY_URL, method: 'GET' } as unknown as Request)
    expect(response.status).toBe(200)
  })

  it('recognises the app origin exactly', () => {
    expect(isAppUrl('app://gatehouse/index.html')).toBe(true)
    expect(isAppUrl('app://gatehouse')).toBe(true)
    expect(isAppUrl('APP://GATEHOUSE/x')).toBe(true)
    expect(isAppUrl('app://gatehouse:8080/')).toBe(false)
    expect(isAppUrl('app://a@gatehouse/')).toBe(false)
    expect(isAppUrl('https://gatehouse/')).toBe(false)
    expect(isAppUrl('app://gatehousex/')).toBe(false)
    expect(isAppUrl('')).toBe(false)
  })
})
