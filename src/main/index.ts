import { BrowserWindow, app, dialog, session } from 'electron'
import { release } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { CoreClient, KeySource } from './core/host'
import { startCoreWorker } from './core/worker-client'
import { registerAppProtocol, registerAppScheme } from './shell/app-protocol'
import { DEEP_LINK_SCHEME, findDeepLink, parseDeepLink, type DeepLink } from './shell/deep-link'
import { registerIpcBridge, type IpcBridge } from './shell/ipc-bridge'
import { decideKeySource, desktopDataDir } from './shell/key-vault'
import { addonHint, dataDirArgument, describeDevice, electronAddonPath, storeChoice } from './shell/launch'
import { openPrefs } from './shell/prefs'
import { hardenSession, hardenWebContents } from './shell/security'
import { createMainWindow, focusWindow } from './shell/window'

/**
 * Composition root: single-instance lock → key → core worker → IPC bridge → window.
 * Every decision lives in src/main/shell (tested with a stubbed electron); this file only wires.
 */
const here = dirname(fileURLToPath(import.meta.url))
const PRELOAD = join(here, '../preload/index.cjs')
const RENDERER = join(here, '../renderer')
const WORKER = join(here, 'worker.js')

// The same folder names as the CLI's defaultDataDir, whatever package.json calls the app.
app.setName('Gatehouse')
app.setPath('userData', join(app.getPath('appData'), 'Gatehouse'))
app.enableSandbox()
registerAppScheme()

let mainWindow: BrowserWindow | null = null
const windows = new Set<BrowserWindow>()

if (!app.requestSingleInstanceLock()) {
  app.quit()
} else {
  void main().catch((error: unknown) => fatal('Gatehouse could not start', error))
}

async function main(): Promise<void> {
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents))
  app.on('second-instance', (_event, argv) => {
    focusWindow(mainWindow)
    openDeepLink(findDeepLink(argv))
  })
  app.on('open-url', (event, url) => {
    event.preventDefault()
    focusWindow(mainWindow)
    openDeepLink(parseDeepLink(url))
  })
  // In development Electron runs as `electron .`; the OS must relaunch it with the app path.
  if (process.defaultApp && process.argv[1]) app.setAsDefaultProtocolClient(DEEP_LINK_SCHEME, process.execPath, [resolve(process.argv[1])])
  else app.setAsDefaultProtocolClient(DEEP_LINK_SCHEME)

  await app.whenReady()
  hardenSession(session.defaultSession)
  await registerAppProtocol(RENDERER)

  const dataDir = dataDirArgument(process.argv, process.cwd()) ?? desktopDataDir()
  const shared = storeChoice(process.argv, process.env)
  const passphrase = process.env.GATEHOUSE_PASSPHRASE || undefined
  // The worker and any child process need not inherit it.
  delete process.env.GATEHOUSE_PASSPHRASE
  if ('error' in shared) return fatal('Gatehouse cannot unlock its data', shared.error)
  let keySource: KeySource
  if (shared.store) keySource = { kind: 'passphrase', passphrase: shared.passphrase }
  else {
    const decision = decideKeySource(dataDir, process.platform, passphrase)
    if (!decision.ok) return fatal('Gatehouse cannot unlock its data', decision.message)
    if (decision.notice) {
      await dialog.showMessageBox({ type: 'warning', title: 'Gatehouse', message: 'Using the passphrase instead of the system keychain', detail: decision.notice })
    }
    keySource = decision.keySource
  }

  let core: CoreClient
  try {
    core = await startCoreWorker({ dataDir, store: shared.store, keySource, nativeBinding: electronAddonPath(app.getAppPath()), workerPath: WORKER })
  } catch (error) {
    return fatal('Gatehouse cannot open its data', error)
  }

  const bridge = registerIpcBridge({
    core,
    isKnownWindow: (window) => windows.has(window),
    device: describeDevice(process.platform, release(), app.getVersion()),
    log: (line) => console.error(line)
  })
  shutDownWith(core, bridge)

  mainWindow = createMainWindow({ preloadPath: PRELOAD, prefs: openPrefs() })
  const window = mainWindow
  windows.add(window)
  window.on('closed', () => {
    windows.delete(window)
    if (mainWindow === window) mainWindow = null
  })
  app.on('window-all-closed', () => app.quit())
  openDeepLink(findDeepLink(process.argv))
}

/** Quitting waits for the core to close the store cleanly (WAL checkpoint, timers stopped). */
function shutDownWith(core: CoreClient, bridge: IpcBridge): void {
  let closed = false
  let closing = false
  app.on('will-quit', (event) => {
    if (closed) return
    event.preventDefault()
    if (closing) return
    closing = true
    void bridge
      .dispose()
      .then(() => core.close())
      .catch((error: unknown) => console.error(`Closing the core failed: ${messageOf(error)}`))
      .finally(() => {
        closed = true
        app.quit()
      })
  })
}

/**
 * Invitation links are only validated for now: accepting one from the sign-in screen arrives
 * with the invitations feature, which adds the renderer event that carries it.
 */
function openDeepLink(link: DeepLink | null): void {
  if (link) focusWindow(mainWindow)
}

function fatal(title: string, error: unknown): void {
  const message = messageOf(error)
  const hint = addonHint(message)
  dialog.showErrorBox(title, hint ? `${message}\n\n${hint}` : message)
  app.exit(1)
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
