// eslint-disable-next-line no-restricted-imports -- the bridge is the one main-side place that owns raw IPC.
import { BrowserWindow, ipcMain, type IpcMainInvokeEvent, type WebContents } from 'electron'
import { fail, type Result } from '../../shared/contract/result'
import { parseCall } from '../../shared/contract/validate'
import type { CoreClient, CoreEvent } from '../core/host'
import { isAppUrl } from './app-protocol'

/** The two IPC names the preload uses; it spells them itself (it cannot import main), a test pins them equal. */
export const INVOKE_CHANNEL = 'gatehouse:invoke'
export const EVENT_CHANNEL = 'gatehouse:event'

export interface IpcBridgeOptions {
  core: CoreClient
  /** Windows the shell created; only their main frames may call. */
  isKnownWindow: (window: BrowserWindow) => boolean
  /** Recorded on login and audit events, e.g. "Gatehouse 0.1.0 desktop (Linux 6.8)". */
  device: string
  log?: (line: string) => void
}

export interface IpcBridge {
  /** Removes the handler and disconnects every window's core connection. */
  dispose(): Promise<void>
}

interface WindowConnection {
  /** The core's connection id, or null once the window is gone or connecting failed. */
  ready: Promise<string | null>
  connectionId: string | null
  closed: boolean
}

const FORBIDDEN = fail('FORBIDDEN', 'This call did not come from a Gatehouse window.')

/**
 * Is this the main frame of one of our windows, showing our app? A subframe, a page that
 * navigated elsewhere, or a webContents we did not create (devtools, a stray window) is refused.
 */
export function isTrustedSender(event: IpcMainInvokeEvent, isKnownWindow: (window: BrowserWindow) => boolean): boolean {
  const frame = event.senderFrame
  if (!frame || frame.parent !== null || !isAppUrl(frame.url)) return false
  const window = BrowserWindow.fromWebContents(event.sender)
  return window !== null && isKnownWindow(window) && window.webContents === event.sender
}

/**
 * The one `ipcMain.handle`: sender check, then the contract's `parseCall`, then the core, on
 * the core connection of the calling window (one connection, hence one session, per
 * webContents). Never throws: the renderer always gets a result envelope.
 */
export function registerIpcBridge(options: IpcBridgeOptions): IpcBridge {
  const { core } = options
  const log = options.log ?? (() => {})
  const byContents = new Map<WebContents, WindowConnection>()
  const byConnectionId = new Map<string, WebContents>()

  const disconnect = (contents: WebContents, conn: WindowConnection): Promise<void> => {
    if (conn.closed) return Promise.resolve()
    conn.closed = true
    byContents.delete(contents)
    return conn.ready.then(async (connectionId) => {
      if (connectionId === null) return
      byConnectionId.delete(connectionId)
      await core.disconnect(connectionId).catch((error: unknown) => log(`ipc bridge: disconnect failed: ${messageOf(error)}`))
    })
  }

  const connectionFor = (contents: WebContents): WindowConnection => {
    const existing = byContents.get(contents)
    if (existing) return existing
    const conn: WindowConnection = { ready: Promise.resolve(null), connectionId: null, closed: false }
    conn.ready = core.connect({ transport: 'electron', ip: null, device: options.device }).then(
      (connectionId) => {
        conn.connectionId = connectionId
        if (conn.closed) {
          // The window went away while the core was connecting.
          void core.disconnect(connectionId).catch(() => {})
          return null
        }
        byConnectionId.set(connectionId, contents)
        return connectionId
      },
      (error: unknown) => {
        log(`ipc bridge: the core refused a connection: ${messageOf(error)}`)
        // Forget it, so the window's next call tries again.
        if (byContents.get(contents) === conn) byContents.delete(contents)
        return null
      }
    )
    byContents.set(contents, conn)
    contents.once('destroyed', () => void disconnect(contents, conn))
    return conn
  }

  const invoke = async (event: IpcMainInvokeEvent, channel: unknown, input: unknown): Promise<Result<unknown>> => {
    if (!isTrustedSender(event, options.isKnownWindow)) {
      log(`ipc bridge: refused a call from ${event.senderFrame?.url ?? 'a gone frame'}`)
      return FORBIDDEN
    }
    const parsed = parseCall(channel, input)
    if (!parsed.ok) return parsed
    try {
      const connectionId = await connectionFor(event.sender).ready
      if (connectionId === null) return fail('INTERNAL', 'The Gatehouse core is not available.')
      return await core.call(connectionId, parsed.value.channel, parsed.value.input)
    } catch (error) {
      log(`ipc bridge: ${parsed.value.channel} failed in the core: ${messageOf(error)}`)
      return fail('INTERNAL', 'The call failed; see the application log.')
    }
  }

  const unsubscribe = core.onEvent((event: CoreEvent) => {
    const contents = byConnectionId.get(event.connectionId)
    if (contents && !contents.isDestroyed()) contents.send(EVENT_CHANNEL, event.event, event.payload)
  })
  ipcMain.handle(INVOKE_CHANNEL, invoke)

  return {
    dispose: async () => {
      ipcMain.removeHandler(INVOKE_CHANNEL)
      unsubscribe()
      await Promise.all([...byContents].map(([contents, conn]) => disconnect(contents, conn)))
    }
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
