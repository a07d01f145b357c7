import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { IpcMainInvokeEvent } from 'electron'
import { ManualClock } from '../../../src/main/core/clock'
import type { ConnectionMeta, CoreClient, CoreEvent } from '../../../src/main/core/host'
import { createInProcessCore } from '../../../src/main/core/in-process'
import { EVENT_CHANNEL, INVOKE_CHANNEL, registerIpcBridge, type IpcBridge } from '../../../src/main/shell/ipc-bridge'
import type { Result } from '../../../src/shared/contract'
import { BrowserWindow, WebFrameMain, ipcMain, resetElectronMock } from '../../mocks/electron'

vi.mock('electron', () => import('../../mocks/electron'))

const APP_PAGE = 'app://gatehouse/index.html'
const DEVICE = 'Gatehouse 0.1.0 desktop (Linux 6.8)'

interface Recorder {
  core: CoreClient
  calls: Array<{ connectionId: string; channel: string; input: unknown }>
  connects: ConnectionMeta[]
  disconnects: string[]
}

/** Wraps a core (the real one, or a scripted one) to record what reached it. */
function record(inner: CoreClient): Recorder {
  const rec: Recorder = { core: inner, calls: [], connects: [], disconnects: [] }
  rec.core = {
    connect: (meta) => {
      rec.connects.push(meta)
      return inner.connect(meta)
    },
    disconnect: (id) => {
      rec.disconnects.push(id)
      return inner.disconnect(id)
    },
    call: (connectionId, channel, input) => {
      rec.calls.push({ connectionId, channel, input })
      return inner.call(connectionId, channel, input)
    },
    onEvent: (listener) => inner.onEvent(listener),
    close: () => inner.close()
  }
  return rec
}

/** A window of ours showing the app, as the shell creates it. */
function appWindow(url = APP_PAGE): BrowserWindow {
  const window = new BrowserWindow()
  window.webContents.mainFrame.url = url
  return window
}

function eventFrom(window: BrowserWindow, frame: WebFrameMain | null = window.webContents.mainFrame): IpcMainInvokeEvent {
  return { sender: window.webContents, senderFrame: frame } as unknown as IpcMainInvokeEvent
}

function invoke(event: IpcMainInvokeEvent, channel: unknown, input?: unknown): Promise<Result<unknown>> {
  const handler = ipcMain.handlers.get(INVOKE_CHANNEL)
  if (!handler) throw new Error('the bridge registered no handler')
  return handler(event, channel, input) as Promise<Result<unknown>>
}

const owner = { ownerName: 'Ada Lovelace', ownerEmail: 'ada@example.com', ownerPassword: 'analytical-engine-1843' }
const setupInput = { accountName: 'Acme', plan: 'paid', seats: 10, ...owner }

describe('IPC bridge over the real core', () => {
  let dataDir: string
  let clock: ManualClock
  let inner: Awaited<ReturnType<typeof createInProcessCore>>
  let rec: Recorder
  let bridge: IpcBridge
  const known = new Set<BrowserWindow>()

  beforeEach(async () => {
    resetElectronMock()
    known.clear()
    dataDir = await mkdtemp(join(tmpdir(), 'gatehouse-bridge-'))
    clock = new ManualClock()
    // A raw key, as the desktop shell passes it: no scrypt per test.
    inner = await createInProcessCore({ dataDir, keySource: { kind: 'key', key: randomBytes(32) }, clock, tickMs: 0 })
    rec = record(inner)
    bridge = registerIpcBridge({ core: rec.core, isKnownWindow: (w) => known.has(w as unknown as BrowserWindow), device: DEVICE })
  })

  afterEach(async () => {
    await bridge.dispose()
    await inner.close()
    await rm(dataDir, { recursive: true, force: true })
  })

  const trusted = (): BrowserWindow => {
    const window = appWindow()
    known.add(window)
    return window
  }

  it('registers exactly one handler, on gatehouse:invoke', () => {
    expect([...ipcMain.handlers.keys()]).toEqual(['gatehouse:invoke'])
  })

  it('answers a valid call from our window through the core', async () => {
    const result = await invoke(eventFrom(trusted()), 'auth:status', {})
    expect(result).toEqual({ ok: true, value: { initialized: false, accounts: [], session: null } })
    expect(rec.connects).toEqual([{ transport: 'electron', ip: null, device: DEVICE }])
  })

  describe('sender check: FORBIDDEN, and the core never hears of it', () => {
    const cases: Array<[string, () => IpcMainInvokeEvent]> = [
      ['a foreign origin in our window', () => eventFrom(trusted(), new WebFrameMain('https://evil.example/'))],
      ['our window navigated to file://', () => {
        const window = trusted()
        window.webContents.mainFrame.url = 'file:///work/main/out/renderer/index.html'
        return eventFrom(window)
      }],
      ['an app:// page on another host', () => eventFrom(trusted(), new WebFrameMain('app://evil/index.html'))],
      ['a look-alike origin', () => eventFrom(trusted(), new WebFrameMain('app://gatehouse.evil/index.html'))],
      ['a subframe, even of our origin', () => {
        const window = trusted()
        return eventFrom(window, new WebFrameMain(APP_PAGE, window.webContents.mainFrame))
      }],
      ['a frame that is gone (senderFrame null)', () => eventFrom(trusted(), null)],
      ['a window the shell did not create', () => eventFrom(appWindow())],
      ['a webContents with no window at all', () => {
        const stray = appWindow()
        BrowserWindow.all.splice(BrowserWindow.all.indexOf(stray), 1)
        return eventFrom(stray)
      }]
    ]
    for (const [name, makeEvent] of cases) {
      it(name, async () => {
        const result = await invoke(makeEvent(), 'auth:status', {})
        expect(result).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } })
        expect(rec.connects).toEqual([])
        expect(rec.calls).toEqual([])
      })
    }
  })

  describe('validation: VALIDATION envelope before the core', () => {
    const cases: Array<[string, unknown, unknown]> = [
      ['an unknown channel', 'users:delete-everything', {}],
      ['a prototype key as channel', '__proto__', {}],
      ['a non-string channel', 42, {}],
      ['sign-in without a password', 'auth:sign-in', { email: 'ada@example.com' }],
      ['sign-in with a malformed email', 'auth:sign-in', { email: 'not-an-email', password: 'x'.repeat(12) }],
      ['an extra field on a strict input', 'auth:sign-in', { email: 'ada@example.com', password: 'x'.repeat(12), admin: true }],
      ['a page size out of range', 'users:list', { limit: 100000 }],
      ['input of the wrong type', 'audit:list', 'everything']
    ]
    for (const [name, channel, input] of cases) {
      it(name, async () => {
        const result = await invoke(eventFrom(trusted()), channel, input)
        expect(result).toMatchObject({ ok: false, error: { code: 'VALIDATION' } })
        expect(rec.calls).toEqual([])
      })
    }
  })

  it('passes the parsed input (defaults applied) to the core', async () => {
    const window = trusted()
    await invoke(eventFrom(window), 'auth:setup', setupInput)
    await invoke(eventFrom(window), 'users:list', {})
    const call = rec.calls.find((c) => c.channel === 'users:list')
    expect(call?.input).toMatchObject({ sort: 'name', direction: 'asc', limit: 100 })
  })

  it('gives each window its own connection, so a session belongs to one window', async () => {
    const a = trusted()
    const b = trusted()
    const setup = await invoke(eventFrom(a), 'auth:setup', setupInput)
    expect(setup.ok).toBe(true)
    const statusA = await invoke(eventFrom(a), 'auth:status', {})
    const statusB = await invoke(eventFrom(b), 'auth:status', {})
    expect(statusA).toMatchObject({ ok: true, value: { session: { principal: { email: 'ada@example.com' } } } })
    expect(statusB).toMatchObject({ ok: true, value: { initialized: true, session: null } })
    expect(rec.connects).toHaveLength(2)
    const ids = new Set(rec.calls.map((c) => c.connectionId))
    expect(ids.size).toBe(2)
  })

  it('connects lazily, once per window, even for concurrent first calls', async () => {
    const window = trusted()
    expect(rec.connects).toHaveLength(0)
    await Promise.all([invoke(eventFrom(window), 'auth:status', {}), invoke(eventFrom(window), 'auth:status', {})])
    await invoke(eventFrom(window), 'auth:status', {})
    expect(rec.connects).toHaveLength(1)
  })

  it('disconnects the window’s connection when its webContents is destroyed', async () => {
    const window = trusted()
    await invoke(eventFrom(window), 'auth:setup', setupInput)
    const connectionId = rec.calls[0]?.connectionId
    window.close()
    await vi.waitFor(() => expect(rec.disconnects).toEqual([connectionId]))
    expect(inner.core.liveSessionCount()).toBe(0)
  })

  it('pushes core events to the window whose session they concern, and no other', async () => {
    const a = trusted()
    const b = trusted()
    await invoke(eventFrom(a), 'auth:setup', setupInput)
    await invoke(eventFrom(b), 'auth:status', {})
    // Idle past the 30-minute timeout: the core ends A's session and says so at once.
    clock.advance(31 * 60_000)
    await inner.core.tick()
    expect(a.webContents.sent).toEqual([
      [EVENT_CHANNEL, 'session:ended', expect.objectContaining({ reason: 'idle-timeout' })]
    ])
    expect(b.webContents.sent).toEqual([])
    const after = await invoke(eventFrom(a), 'users:list', {})
    expect(after).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } })
  })

  it('dispose removes the handler and disconnects every window', async () => {
    const a = trusted()
    const b = trusted()
    await invoke(eventFrom(a), 'auth:status', {})
    await invoke(eventFrom(b), 'auth:status', {})
    await bridge.dispose()
    expect(ipcMain.handlers.has(INVOKE_CHANNEL)).toBe(false)
    expect(rec.disconnects).toHaveLength(2)
    // Re-register so afterEach's dispose has something to do.
    bridge = registerIpcBridge({ core: rec.core, isKnownWindow: () => false, device: DEVICE })
  })
})

/** A scripted core, for failures the real one cannot be made to produce on demand. */
function scriptedCore(overrides: Partial<CoreClient> = {}): CoreClient & { emit(event: CoreEvent): void } {
  const listeners = new Set<(event: CoreEvent) => void>()
  let next = 1
  return {
    connect: async () => `conn-${next++}`,
    disconnect: async () => {},
    call: async () => ({ ok: true, value: null }),
    onEvent: (listener) => {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    close: async () => {},
    emit: (event) => listeners.forEach((l) => l(event)),
    ...overrides
  }
}

describe('IPC bridge when the core misbehaves', () => {
  beforeEach(() => resetElectronMock())

  const setUp = (core: CoreClient): { window: BrowserWindow; bridge: IpcBridge } => {
    const window = appWindow()
    const bridge = registerIpcBridge({ core, isKnownWindow: (w) => w === (window as unknown), device: DEVICE })
    return { window, bridge }
  }

  it('turns a refused connect into INTERNAL, and tries again on the next call', async () => {
    let attempts = 0
    const core = scriptedCore({
      connect: async () => {
        attempts++
        if (attempts === 1) throw new Error('core starting')
        return 'conn-ok'
      }
    })
    const { window, bridge } = setUp(core)
    expect(await invoke(eventFrom(window), 'auth:status', {})).toMatchObject({ ok: false, error: { code: 'INTERNAL' } })
    expect(await invoke(eventFrom(window), 'auth:status', {})).toEqual({ ok: true, value: null })
    expect(attempts).toBe(2)
    await bridge.dispose()
  })

  it('turns a throwing core call into INTERNAL instead of rejecting', async () => {
    const core = scriptedCore({
      call: async () => {
        throw new Error('SQLITE_BUSY with a path in it')
      }
    })
    const { window, bridge } = setUp(core)
    const result = await invoke(eventFrom(window), 'auth:status', {})
    expect(result).toEqual({ ok: false, error: { code: 'INTERNAL', message: 'The call failed; see the application log.' } })
    await bridge.dispose()
  })

  it('disconnects a connection that arrives after its window closed', async () => {
    let release: (id: string) => void = () => {}
    const disconnects: string[] = []
    const core = scriptedCore({
      connect: () => new Promise<string>((resolve) => (release = resolve)),
      disconnect: async (id) => void disconnects.push(id)
    })
    const { window, bridge } = setUp(core)
    const pending = invoke(eventFrom(window), 'auth:status', {})
    window.close()
    release('late-conn')
    expect(await pending).toMatchObject({ ok: false, error: { code: 'INTERNAL' } })
    await vi.waitFor(() => expect(disconnects).toEqual(['late-conn']))
    await bridge.dispose()
  })

  it('drops events for unknown connections and for windows already destroyed', async () => {
    const core = scriptedCore()
    const { window, bridge } = setUp(core)
    await invoke(eventFrom(window), 'auth:status', {})
    core.emit({ connectionId: 'someone-else', event: 'data:changed', payload: { topics: ['users'] } })
    expect(window.webContents.sent).toEqual([])
    core.emit({ connectionId: 'conn-1', event: 'data:changed', payload: { topics: ['users'] } })
    expect(window.webContents.sent).toEqual([[EVENT_CHANNEL, 'data:changed', { topics: ['users'] }]])
    window.close()
    expect(() => core.emit({ connectionId: 'conn-1', event: 'data:changed', payload: { topics: ['audit'] } })).not.toThrow()
    await bridge.dispose()
  })
})
