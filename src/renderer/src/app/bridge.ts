import { t } from '../i18n/i18n'
import { create } from 'zustand'
import type { GatehouseApi } from '../../../shared/contract/api'
import type { ChannelName, EventName, EventPayload, InputOf, OutputOf, Result } from '../../../shared/contract'

declare global {
  interface Window {
    /** Exposed by the Electron preload; absent when the web host serves the renderer. */
    readonly gatehouse?: GatehouseApi
  }
}

export type ConnectionState = 'connecting' | 'open' | 'lost' | 'refused'

interface ConnectionStore {
  state: ConnectionState
}

/** Transport health, so the UI can say the core is gone instead of showing stale data. */
export const useConnection = create<ConnectionStore>()(() => ({ state: 'connecting' }))

/** In the window's language: the renderer says it, not the core. */
const lost = (): Result<never> => ({ ok: false, error: { code: 'INTERNAL', message: t('app.lost') } })

type Listener = (payload: unknown) => void

interface ReplyFrame {
  id: number
  result: Result<unknown>
}
interface PushFrame {
  event: EventName
  payload: unknown
}

function isReply(frame: unknown): frame is ReplyFrame {
  if (typeof frame !== 'object' || frame === null) return false
  const f = frame as Record<string, unknown>
  const result = f.result as Record<string, unknown> | undefined
  return typeof f.id === 'number' && typeof result === 'object' && result !== null && typeof result.ok === 'boolean'
}

function isPush(frame: unknown): frame is PushFrame {
  return typeof frame === 'object' && frame !== null && typeof (frame as Record<string, unknown>).event === 'string'
}

/**
 * The web host's transport: the same `invoke`/`on` surface as the preload, over one WebSocket.
 * The socket is authenticated by the cookie the host set when the page loaded with `?token`.
 */
export class WebSocketBridge implements GatehouseApi {
  private readonly socket: WebSocket
  private nextId = 1
  private readonly pending = new Map<number, (result: Result<unknown>) => void>()
  private readonly queue: string[] = []
  private readonly listeners = new Map<EventName, Set<Listener>>()
  private opened = false
  private closed = false

  constructor(url: string) {
    this.socket = new WebSocket(url)
    this.socket.addEventListener('open', () => {
      this.opened = true
      useConnection.setState({ state: 'open' })
      for (const frame of this.queue.splice(0)) this.socket.send(frame)
    })
    this.socket.addEventListener('message', (message) => this.receive(message.data))
    this.socket.addEventListener('close', () => this.fail())
  }

  invoke<C extends ChannelName>(channel: C, input: InputOf<C>): Promise<Result<OutputOf<C>>> {
    if (this.closed) return Promise.resolve(lost())
    const id = this.nextId++
    const frame = JSON.stringify({ id, channel, input })
    return new Promise((resolve) => {
      this.pending.set(id, resolve as (result: Result<unknown>) => void)
      if (this.socket.readyState === WebSocket.OPEN) this.socket.send(frame)
      else this.queue.push(frame)
    })
  }

  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
    let set = this.listeners.get(event)
    if (!set) {
      set = new Set()
      this.listeners.set(event, set)
    }
    const entry = listener as Listener
    set.add(entry)
    return () => {
      set.delete(entry)
    }
  }

  private receive(data: unknown): void {
    if (typeof data !== 'string') return
    let frame: unknown
    try {
      frame = JSON.parse(data)
    } catch {
      return
    }
    if (isReply(frame)) {
      const resolve = this.pending.get(frame.id)
      this.pending.delete(frame.id)
      resolve?.(frame.result)
    } else if (isPush(frame)) {
      for (const listener of this.listeners.get(frame.event) ?? []) listener(frame.payload)
    }
  }

  private fail(): void {
    if (this.closed) return
    this.closed = true
    // Never opened: the host refused us (no or stale token), which a reload alone may not fix.
    useConnection.setState({ state: this.opened ? 'lost' : 'refused' })
    for (const resolve of this.pending.values()) resolve(lost())
    this.pending.clear()
    this.queue.length = 0
  }
}

let bridge: GatehouseApi | null = null

/** `window.gatehouse` in Electron; otherwise the web host's WebSocket at `/ipc`. */
export function getBridge(): GatehouseApi {
  if (bridge) return bridge
  if (window.gatehouse) {
    bridge = window.gatehouse
    useConnection.setState({ state: 'open' })
  } else {
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws'
    bridge = new WebSocketBridge(`${scheme}://${location.host}/ipc`)
  }
  return bridge
}
