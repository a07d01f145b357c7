import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import { CHANNEL_NAMES, EVENT_NAMES, fail, type Result } from '../shared/contract'
import type { GatehouseApi } from '../shared/contract/api'

/**
 * Runs sandboxed, before the page. The page gets one frozen object, `window.gatehouse`, and
 * never `ipcRenderer`, `process` or the environment. Names are checked here against the
 * contract's lists (a cheap first gate); the main process validates every call again.
 */
// Mirrors src/main/shell/ipc-bridge.ts (the preload cannot import main); a shell test pins them equal.
const INVOKE_CHANNEL = 'gatehouse:invoke'
const EVENT_CHANNEL = 'gatehouse:event'

const channels: ReadonlySet<string> = new Set(CHANNEL_NAMES)
const events: ReadonlySet<string> = new Set(EVENT_NAMES)
const listeners = new Map<string, Set<(payload: unknown) => void>>()

// One IPC listener for all events; the page's callbacks get the payload only, never the IPC event.
ipcRenderer.on(EVENT_CHANNEL, (_event: IpcRendererEvent, name: unknown, payload: unknown) => {
  if (typeof name !== 'string') return
  for (const listener of [...(listeners.get(name) ?? [])]) {
    try {
      listener(payload)
    } catch (error) {
      console.error(`gatehouse: a listener for ${name} failed`, error)
    }
  }
})

async function invoke(channel: string, input: unknown): Promise<Result<unknown>> {
  if (typeof channel !== 'string' || !channels.has(channel)) {
    return fail('VALIDATION', `Unknown channel: ${String(channel).slice(0, 80)}`)
  }
  try {
    return (await ipcRenderer.invoke(INVOKE_CHANNEL, channel, input)) as Result<unknown>
  } catch (error) {
    // Functions, DOM nodes and the like cannot cross IPC (structured clone); that is the caller's input.
    if (error instanceof Error && /could not be cloned/i.test(error.message)) {
      return fail('VALIDATION', 'This request cannot be sent: it holds something that is not data (a function or a page element).')
    }
    return fail('INTERNAL', 'Connection to Gatehouse lost')
  }
}

function on(event: string, listener: (payload: unknown) => void): () => void {
  if (typeof event !== 'string' || !events.has(event)) throw new TypeError(`Unknown event: ${String(event).slice(0, 80)}`)
  if (typeof listener !== 'function') throw new TypeError('A listener must be a function.')
  let set = listeners.get(event)
  if (!set) {
    set = new Set()
    listeners.set(event, set)
  }
  set.add(listener)
  return () => {
    set.delete(listener)
  }
}

const api = Object.freeze({ invoke, on }) as GatehouseApi
contextBridge.exposeInMainWorld('gatehouse', api)
