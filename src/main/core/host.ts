import type { EventName, Result } from '../../shared/contract'

/** Where a connection comes from; recorded on login events and audit events. */
export interface ConnectionMeta {
  transport: 'electron' | 'web' | 'cli'
  ip: string | null
  device: string | null
  /**
   * The web host's origin (http://127.0.0.1:PORT): single sign-on sends this connection's browser
   * back to the host's own callback route instead of a loopback listener of the core.
   */
  callbackBase?: string
}

/** An event the core addresses to one connection (a window or a WebSocket). */
export interface CoreEvent {
  connectionId: string
  event: EventName
  payload: unknown
}

/**
 * The one surface every transport (Electron IPC bridge, web host, CLI) uses to reach the core,
 * whether the core runs in-process (tests, CLI) or in a worker thread (desktop app, web host).
 *
 * A connection is one window or one WebSocket. A session (a signed-in principal) lives on a
 * connection; when the core ends it, it emits `session:ended` for that connection.
 * `call` validates the channel and input again inside the core (transports validate first).
 */
export interface CoreClient {
  connect(meta: ConnectionMeta): Promise<string>
  disconnect(connectionId: string): Promise<void>
  call(connectionId: string, channel: string, input: unknown): Promise<Result<unknown>>
  onEvent(listener: (event: CoreEvent) => void): () => void
  close(): Promise<void>
}

/** How the core obtains the database key. */
export type KeySource =
  | { kind: 'passphrase'; passphrase: string }
  /** A raw 32-byte key already unwrapped by the caller (the desktop shell, via safeStorage). */
  | { kind: 'key'; key: Uint8Array }

export interface CoreOptions {
  dataDir: string
  /** A postgres:// URL (the shared directory); absent: the encrypted SQLite file in `dataDir`. */
  store?: string
  /** Open although the ledger lost events recorded beside the file (`gatehouse store accept-loss`; audited). */
  acceptLoss?: boolean
  keySource: KeySource
  /** Create the store if none exists (wrapping the new key with the passphrase). Default true. */
  create?: boolean
  /** Path of a better-sqlite3 addon built for another runtime (the desktop app's Electron build). */
  nativeBinding?: string
}
