import type { Page } from '@playwright/test'

/**
 * Test-only access to the page's own IPC socket, without any hook in the app: an init script
 * remembers the WebSocket the console opens, so a spec can send a frame on the SAME connection (the
 * same session) as the person on screen — e.g. a write the UI hides for a read-only support agent.
 */
const TAP = `(() => {
  const Native = window.WebSocket
  window.WebSocket = class extends Native {
    constructor(url, protocols) {
      super(url, protocols)
      window.__e2eSocket = this
    }
  }
})()`

/** Call before the page opens the console. */
export async function tapSocket(page: Page): Promise<void> {
  await page.addInitScript({ content: TAP })
}

export interface ForcedResult {
  ok: boolean
  value?: unknown
  error?: { code: string; message: string }
}

interface TappedSocket {
  send(data: string): void
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void
  removeEventListener(type: 'message', listener: (event: { data: unknown }) => void): void
}

let nextId = 900_000

/** Sends `{id, channel, input}` on the page's socket and resolves with the core's envelope. */
export async function forceCall(page: Page, channel: string, input: unknown): Promise<ForcedResult> {
  const id = nextId++
  return page.evaluate(
    ({ id, channel, input }) =>
      new Promise<ForcedResult>((resolve, reject) => {
        const socket = (globalThis as unknown as { __e2eSocket?: TappedSocket }).__e2eSocket
        if (!socket) {
          reject(new Error('No tapped socket: call tapSocket(page) before opening the console'))
          return
        }
        const onMessage = (event: { data: unknown }): void => {
          if (typeof event.data !== 'string') return
          const frame = JSON.parse(event.data) as { id?: number; result?: ForcedResult }
          if (frame.id !== id || !frame.result) return
          socket.removeEventListener('message', onMessage)
          resolve(frame.result)
        }
        socket.addEventListener('message', onMessage)
        socket.send(JSON.stringify({ id, channel, input }))
      }),
    { id, channel, input }
  )
}
