import { beforeEach, describe, expect, it, vi } from 'vitest'
import { EVENT_CHANNEL, INVOKE_CHANNEL } from '../../../src/main/shell/ipc-bridge'
import { CHANNEL_NAMES, EVENT_NAMES } from '../../../src/shared/contract'
import type { GatehouseApi } from '../../../src/shared/contract/api'
import { contextBridge, ipcRenderer, mockEvent, resetElectronMock } from '../../mocks/electron'

vi.mock('electron', () => import('../../mocks/electron'))

/** Runs the preload afresh, as a new page load does, and returns what it exposed. */
async function loadPreload(): Promise<GatehouseApi> {
  resetElectronMock()
  vi.resetModules()
  await import('../../../src/preload/index')
  return contextBridge.exposed.get('gatehouse') as GatehouseApi
}

/** What the main process sends: `webContents.send('gatehouse:event', name, payload)`. */
function push(name: unknown, payload: unknown): void {
  ipcRenderer.emit(EVENT_CHANNEL, mockEvent({ sender: ipcRenderer }), name, payload)
}

describe('preload surface', () => {
  let api: GatehouseApi

  beforeEach(async () => {
    api = await loadPreload()
  })

  it('exposes exactly one global, gatehouse, frozen, with only invoke and on', () => {
    expect([...contextBridge.exposed.keys()]).toEqual(['gatehouse'])
    expect(Object.isFrozen(api)).toBe(true)
    expect(Object.keys(api).sort()).toEqual(['invoke', 'on'])
    expect(typeof api.invoke).toBe('function')
    expect(typeof api.on).toBe('function')
  })

  it('hands the page nothing that reaches ipcRenderer, process or the environment', () => {
    const seen = new Set<unknown>()
    const walk = (value: unknown): void => {
      if ((typeof value !== 'object' && typeof value !== 'function') || value === null || seen.has(value)) return
      seen.add(value)
      expect(value).not.toBe(ipcRenderer)
      expect(value).not.toBe(process)
      expect(value).not.toBe(process.env)
      for (const key of Object.getOwnPropertyNames(value)) {
        if (key === 'caller' || key === 'callee' || key === 'arguments') continue
        walk((value as Record<string, unknown>)[key])
      }
    }
    walk(api)
  })

  it('invokes a listed channel on the bridge’s IPC name and returns its envelope', async () => {
    ipcRenderer.invoke.mockResolvedValueOnce({ ok: true, value: { initialized: false, accounts: [], session: null } })
    const result = await api.invoke('auth:status', {})
    expect(ipcRenderer.invoke).toHaveBeenCalledWith(INVOKE_CHANNEL, 'auth:status', {})
    expect(result).toEqual({ ok: true, value: { initialized: false, accounts: [], session: null } })
  })

  it('accepts every contract channel and nothing else', async () => {
    for (const channel of CHANNEL_NAMES) {
      ipcRenderer.invoke.mockResolvedValueOnce({ ok: true, value: null })
      expect(await api.invoke(channel, {} as never)).toEqual({ ok: true, value: null })
    }
    expect(ipcRenderer.invoke).toHaveBeenCalledTimes(CHANNEL_NAMES.length)
  })

  it('refuses unlisted channels with a VALIDATION envelope without touching IPC', async () => {
    const invoke = api.invoke as (channel: unknown, input: unknown) => Promise<unknown>
    for (const channel of ['users:delete-all', 'gatehouse:invoke', 'electron-store-get-data', '__proto__', 'constructor', '', 7, null]) {
      expect(await invoke(channel, {})).toMatchObject({ ok: false, error: { code: 'VALIDATION' } })
    }
    expect(ipcRenderer.invoke).not.toHaveBeenCalled()
  })

  it('turns a rejected IPC call into an INTERNAL envelope', async () => {
    ipcRenderer.invoke.mockRejectedValueOnce(new Error("No handler registered for 'gatehouse:invoke'"))
    expect(await api.invoke('auth:status', {})).toEqual({ ok: false, error: { code: 'INTERNAL', message: 'Connection to Gatehouse lost' } })
  })

  it('answers input that cannot cross IPC with VALIDATION, not a thrown error', async () => {
    ipcRenderer.invoke.mockImplementationOnce(() => {
      throw new Error('An object could not be cloned.')
    })
    const invoke = api.invoke as (channel: string, input: unknown) => Promise<unknown>
    expect(await invoke('auth:sign-in', { email: 'a@b.c', password: () => 'x' })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } })
  })

  it('delivers listed events with the payload only, never the IPC event', () => {
    const listener = vi.fn()
    api.on('session:ended', listener)
    push('session:ended', { reason: 'idle-timeout', message: 'Signed out after 30 minutes without activity.' })
    expect(listener).toHaveBeenCalledTimes(1)
    expect(listener.mock.calls[0]).toEqual([{ reason: 'idle-timeout', message: 'Signed out after 30 minutes without activity.' }])
  })

  it('subscribes to every contract event and refuses others', () => {
    for (const event of EVENT_NAMES) expect(typeof api.on(event, () => {})).toBe('function')
    const on = api.on as (event: unknown, listener: unknown) => unknown
    for (const event of ['gatehouse:event', 'session:hijack', '__proto__', 3]) {
      expect(() => on(event, () => {})).toThrow(TypeError)
    }
    expect(() => on('data:changed', 'not a function')).toThrow(TypeError)
  })

  it('routes each event to its own listeners and stops after unsubscribe', () => {
    const ended = vi.fn()
    const changed = vi.fn()
    const stop = api.on('data:changed', changed)
    api.on('session:ended', ended)
    push('data:changed', { topics: ['users'] })
    stop()
    push('data:changed', { topics: ['audit'] })
    expect(changed.mock.calls).toEqual([[{ topics: ['users'] }]])
    expect(ended).not.toHaveBeenCalled()
  })

  it('ignores pushes with a non-string name and survives a throwing listener', () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {})
    const second = vi.fn()
    api.on('data:changed', () => {
      throw new Error('listener bug')
    })
    api.on('data:changed', second)
    expect(() => push({ evil: true }, {})).not.toThrow()
    push('data:changed', { topics: ['users'] })
    expect(second).toHaveBeenCalledTimes(1)
    error.mockRestore()
  })

  it('listens on the IPC name the bridge sends on, once', () => {
    expect(ipcRenderer.listenerCount(EVENT_CHANNEL)).toBe(1)
    expect(ipcRenderer.eventNames()).toEqual([EVENT_CHANNEL])
  })
})
