import { EventEmitter } from 'node:events'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runInNewContext } from 'node:vm'
import { loadConfigFromFile, PreloadConfigFactory } from 'electron-vite'
import { build, type InlineConfig } from 'vite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

/**
 * The source-level preload tests cannot see how it is bundled. A sandboxed preload may
 * require only 'electron' (and a few Node shims): if the build left `require("zod")` in
 * out/preload/index.cjs, the window would open with no `window.gatehouse` at all. So this
 * builds the preload with the project's own electron-vite config (into a temp folder, not
 * out/) and runs the bundle under a require that knows nothing but 'electron'.
 */
const root = join(__dirname, '..', '..', '..')
let outDir: string
let bundle: string

beforeAll(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'gatehouse-preload-'))
  const { config } = await loadConfigFromFile({ command: 'build', mode: 'production' }, join(root, 'electron.vite.config.ts'), root, 'silent')
  if (!config.preload || typeof config.preload === 'function') throw new Error('electron.vite.config.ts has no preload object')
  const resolved = (await new PreloadConfigFactory(config.preload, { logLevel: 'silent' }, { root }).build()) as InlineConfig
  await build({ ...resolved, configFile: false, logLevel: 'silent', build: { ...resolved.build, outDir, emptyOutDir: true } })
  bundle = await readFile(join(outDir, 'index.cjs'), 'utf8')
}, 60_000)

afterAll(async () => {
  await rm(outDir, { recursive: true, force: true })
})

interface FakeIpc extends EventEmitter {
  invoke: (...args: unknown[]) => Promise<unknown>
}

function runSandboxed(): { exposed: Map<string, unknown>; ipc: FakeIpc; calls: unknown[][]; required: string[] } {
  const exposed = new Map<string, unknown>()
  const calls: unknown[][] = []
  const required: string[] = []
  const ipc = new EventEmitter() as FakeIpc
  ipc.invoke = async (...args: unknown[]) => {
    calls.push(args)
    return { ok: true, value: 'pong' }
  }
  const electron = { contextBridge: { exposeInMainWorld: (key: string, api: unknown) => exposed.set(key, api) }, ipcRenderer: ipc }
  const sandboxRequire = (name: string): unknown => {
    required.push(name)
    if (name === 'electron') return electron
    throw new Error(`module not found: ${name}`)
  }
  const module = { exports: {} }
  const wrapper = runInNewContext(`(function (require, module, exports) {\n${bundle}\n})`, { console }, { filename: 'index.cjs' }) as (
    require: (name: string) => unknown,
    module: unknown,
    exports: unknown
  ) => void
  wrapper(sandboxRequire, module, module.exports)
  return { exposed, ipc, calls, required }
}

describe('the built preload (out/preload/index.cjs)', () => {
  it('is CommonJS and requires nothing but electron', () => {
    expect(bundle).not.toMatch(/^\s*import\s/m)
    const requires = [...bundle.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1])
    expect(new Set(requires)).toEqual(new Set(['electron']))
  })

  it('runs under the sandbox’s require and exposes the working bridge', async () => {
    const { exposed, ipc, calls, required } = runSandboxed()
    expect(required).toEqual(['electron'])
    expect([...exposed.keys()]).toEqual(['gatehouse'])
    const api = exposed.get('gatehouse') as {
      invoke: (channel: string, input: unknown) => Promise<unknown>
      on: (event: string, cb: (p: unknown) => void) => () => void
    }
    expect(Object.isFrozen(api)).toBe(true)
    expect(await api.invoke('auth:status', {})).toEqual({ ok: true, value: 'pong' })
    expect(calls).toEqual([['gatehouse:invoke', 'auth:status', {}]])
    expect(await api.invoke('users:drop-table', {})).toMatchObject({ ok: false, error: { code: 'VALIDATION' } })
    let got: unknown
    api.on('session:ended', (payload) => (got = payload))
    ipc.emit('gatehouse:event', {}, 'session:ended', { reason: 'signed-out', message: 'Signed out.' })
    expect(got).toEqual({ reason: 'signed-out', message: 'Signed out.' })
  })
})
