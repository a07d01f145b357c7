import { EventEmitter } from 'node:events'
import { vi } from 'vitest'

/**
 * The one stand-in for the `electron` module (STYLE habit 11). Shell tests load it with
 *   vi.mock('electron', () => import('../../mocks/electron'))
 * and import this file directly for the test-side helpers (`resetElectronMock`, `mockEvent`…).
 * It models only what the shell touches, with enough state to assert on.
 */

export interface MockEvent {
  preventDefault: () => void
  readonly defaultPrevented: boolean
  [key: string]: unknown
}

/** An Electron-style event: `preventDefault()` is recorded, extra fields (url, frame…) ride along. */
export function mockEvent(fields: Record<string, unknown> = {}): MockEvent {
  let prevented = false
  return {
    ...fields,
    preventDefault: () => {
      prevented = true
    },
    get defaultPrevented() {
      return prevented
    }
  }
}

export class WebFrameMain {
  constructor(
    public url: string,
    public parent: WebFrameMain | null = null
  ) {}
  get top(): WebFrameMain {
    return this.parent ? this.parent.top : this
  }
}

let nextContentsId = 1

export class WebContents extends EventEmitter {
  readonly id = nextContentsId++
  readonly mainFrame = new WebFrameMain('about:blank')
  readonly sent: unknown[][] = []
  windowOpenHandler: ((details: { url: string }) => { action: 'allow' | 'deny' }) | null = null
  private destroyed = false

  send(channel: string, ...args: unknown[]): void {
    if (this.destroyed) throw new Error('Object has been destroyed')
    this.sent.push([channel, ...args])
  }
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'allow' | 'deny' }): void {
    this.windowOpenHandler = handler
  }
  async loadURL(url: string): Promise<void> {
    this.mainFrame.url = url
  }
  getURL(): string {
    return this.mainFrame.url
  }
  isDestroyed(): boolean {
    return this.destroyed
  }
  /** Test helper: what Electron does when a window closes. */
  destroy(): void {
    this.destroyed = true
    this.emit('destroyed')
  }
}

interface Rect {
  x: number
  y: number
  width: number
  height: number
}

export class BrowserWindow extends EventEmitter {
  static readonly all: BrowserWindow[] = []
  static fromWebContents(contents: unknown): BrowserWindow | null {
    return BrowserWindow.all.find((window) => window.webContents === contents) ?? null
  }
  static getAllWindows(): BrowserWindow[] {
    return [...BrowserWindow.all]
  }

  readonly webContents = new WebContents()
  bounds: Rect
  maximized = false
  minimized = false
  visible = false
  focused = false
  private destroyed = false

  constructor(readonly options: Record<string, unknown> = {}) {
    super()
    const o = options as Partial<Rect>
    this.bounds = { x: o.x ?? 0, y: o.y ?? 0, width: o.width ?? 800, height: o.height ?? 600 }
    BrowserWindow.all.push(this)
  }
  loadURL(url: string): Promise<void> {
    return this.webContents.loadURL(url)
  }
  getBounds(): Rect {
    return { ...this.bounds }
  }
  getNormalBounds(): Rect {
    return { ...this.bounds }
  }
  setBounds(bounds: Partial<Rect>): void {
    this.bounds = { ...this.bounds, ...bounds }
  }
  maximize(): void {
    this.maximized = true
  }
  isMaximized(): boolean {
    return this.maximized
  }
  isMinimized(): boolean {
    return this.minimized
  }
  restore(): void {
    this.minimized = false
  }
  isVisible(): boolean {
    return this.visible
  }
  show(): void {
    this.visible = true
  }
  focus(): void {
    this.focused = true
  }
  isDestroyed(): boolean {
    return this.destroyed
  }
  /** Test helper: close as the user would (close → destroyed → closed). */
  close(): void {
    this.emit('close', mockEvent())
    this.destroyed = true
    this.webContents.destroy()
    BrowserWindow.all.splice(BrowserWindow.all.indexOf(this), 1)
    this.emit('closed')
  }
}

type InvokeHandler = (event: unknown, ...args: unknown[]) => unknown

export const ipcMain = {
  handlers: new Map<string, InvokeHandler>(),
  handle(channel: string, handler: InvokeHandler): void {
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`)
    this.handlers.set(channel, handler)
  },
  removeHandler(channel: string): void {
    this.handlers.delete(channel)
  },
  on: vi.fn()
}

class IpcRenderer extends EventEmitter {
  invoke = vi.fn(async (_channel: string, ..._args: unknown[]): Promise<unknown> => undefined)
  send = vi.fn()
  sendSync = vi.fn()
}
export const ipcRenderer = new IpcRenderer()

export const contextBridge = {
  exposed: new Map<string, unknown>(),
  exposeInMainWorld(key: string, api: unknown): void {
    if (this.exposed.has(key)) throw new Error(`Cannot bind an API on top of an existing property on the window object: ${key}`)
    this.exposed.set(key, api)
  }
}

type Backend = 'basic_text' | 'gnome_libsecret' | 'kwallet' | 'kwallet5' | 'kwallet6' | 'unknown'

/** Reversible but not plain: lets a test tell sealed from raw, and fail decryption on demand. */
export const safeStorage = {
  backend: 'gnome_libsecret' as Backend,
  available: true,
  failDecrypt: false,
  getSelectedStorageBackend(): Backend {
    return this.backend
  },
  isEncryptionAvailable(): boolean {
    return this.available
  },
  encryptString(plain: string): Buffer {
    if (!this.available) throw new Error('Encryption is not available.')
    return Buffer.concat([Buffer.from('sealed:'), Buffer.from(plain, 'utf8').reverse()])
  },
  decryptString(sealed: Buffer): string {
    const prefix = Buffer.from('sealed:')
    if (this.failDecrypt || !sealed.subarray(0, prefix.length).equals(prefix)) throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.')
    return Buffer.from(sealed.subarray(prefix.length)).reverse().toString('utf8')
  }
}

type ProtocolHandler = (request: Request) => Response | Promise<Response>

export const protocol = {
  privileged: [] as Array<{ scheme: string; privileges?: Record<string, boolean> }>,
  handlers: new Map<string, ProtocolHandler>(),
  registerSchemesAsPrivileged(schemes: Array<{ scheme: string; privileges?: Record<string, boolean> }>): void {
    this.privileged.push(...schemes)
  },
  handle(scheme: string, handler: ProtocolHandler): void {
    this.handlers.set(scheme, handler)
  },
  unhandle(scheme: string): void {
    this.handlers.delete(scheme)
  }
}

class Session extends EventEmitter {
  permissionRequestHandler: ((contents: unknown, permission: string, callback: (granted: boolean) => void, details: unknown) => void) | null = null
  permissionCheckHandler: ((contents: unknown, permission: string, origin: string, details: unknown) => boolean) | null = null
  devicePermissionHandler: ((details: unknown) => boolean) | null = null
  setPermissionRequestHandler(handler: Session['permissionRequestHandler']): void {
    this.permissionRequestHandler = handler
  }
  setPermissionCheckHandler(handler: Session['permissionCheckHandler']): void {
    this.permissionCheckHandler = handler
  }
  setDevicePermissionHandler(handler: Session['devicePermissionHandler']): void {
    this.devicePermissionHandler = handler
  }
}
export const session = { defaultSession: new Session(), Session }

export const shell = { openExternal: vi.fn(async (_url: string) => {}) }

export const dialog = {
  showErrorBox: vi.fn(),
  showMessageBox: vi.fn(async () => ({ response: 0, checkboxChecked: false })),
  showMessageBoxSync: vi.fn(() => 0)
}

export const screen = {
  workAreas: [{ x: 0, y: 0, width: 1920, height: 1040 }] as Rect[],
  getAllDisplays(): Array<{ workArea: Rect }> {
    return this.workAreas.map((workArea) => ({ workArea }))
  }
}

class App extends EventEmitter {
  paths: Record<string, string> = { appData: '/tmp/electron-mock/appData', userData: '/tmp/electron-mock/appData/gatehouse' }
  getPath(name: string): string {
    const path = this.paths[name]
    if (!path) throw new Error(`Failed to get '${name}' path`)
    return path
  }
  setPath(name: string, path: string): void {
    this.paths[name] = path
  }
  getVersion(): string {
    return '0.1.0'
  }
  getAppPath(): string {
    return process.cwd()
  }
  isPackaged = false
  setName = vi.fn()
  quit = vi.fn()
  exit = vi.fn()
  enableSandbox = vi.fn()
  requestSingleInstanceLock = vi.fn(() => true)
  setAsDefaultProtocolClient = vi.fn(() => true)
  whenReady(): Promise<void> {
    return Promise.resolve()
  }
}
export const app = new App()

/** Back to a clean electron between tests: no windows, handlers, exposures or recorded calls. */
export function resetElectronMock(): void {
  BrowserWindow.all.length = 0
  ipcMain.handlers.clear()
  ipcRenderer.removeAllListeners()
  contextBridge.exposed.clear()
  protocol.privileged.length = 0
  protocol.handlers.clear()
  safeStorage.backend = 'gnome_libsecret'
  safeStorage.available = true
  safeStorage.failDecrypt = false
  session.defaultSession = new Session()
  screen.workAreas = [{ x: 0, y: 0, width: 1920, height: 1040 }]
  vi.clearAllMocks()
}
