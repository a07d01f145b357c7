import { BrowserWindow, app, screen, type BrowserWindowConstructorOptions } from 'electron'
import { APP_ENTRY_URL } from './app-protocol'
import { DEFAULT_HEIGHT, DEFAULT_WIDTH, MIN_HEIGHT, MIN_WIDTH, fitBounds, type SavedBounds } from './window-state'

/** The part of the preferences store a window needs; electron-store backs it in the app. */
export interface WindowPrefs {
  getBounds(): SavedBounds | undefined
  setBounds(bounds: SavedBounds): void
}

/**
 * Every flag of the Electron security checklist that lives on the window, spelled out even
 * where it is Electron's default so a later default change (or a careless edit) shows in review
 * and fails the shell tests. DevTools exist only in development: a packaged build (`npm run
 * package`) has none, whatever shortcut or menu item asks for them.
 */
export function windowOptions(preloadPath: string, bounds?: SavedBounds, packaged: boolean = app.isPackaged): BrowserWindowConstructorOptions {
  return {
    ...(bounds ? { x: bounds.x, y: bounds.y, width: bounds.width, height: bounds.height } : { width: DEFAULT_WIDTH, height: DEFAULT_HEIGHT }),
    minWidth: MIN_WIDTH,
    minHeight: MIN_HEIGHT,
    title: 'Gatehouse',
    // Shown on ready-to-show, so the first frame is the app and not a white flash.
    show: false,
    autoHideMenuBar: true,
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: false,
      devTools: !packaged
    }
  }
}

export interface MainWindowOptions {
  preloadPath: string
  prefs: WindowPrefs
}

/** Creates the console window on `app://gatehouse/`, restoring and keeping its bounds. */
export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const workAreas = screen.getAllDisplays().map((display) => display.workArea)
  const bounds = fitBounds(options.prefs.getBounds(), workAreas)
  const window = new BrowserWindow(windowOptions(options.preloadPath, bounds))
  if (bounds?.maximized) window.maximize()
  window.once('ready-to-show', () => window.show())
  window.on('close', () => {
    // Normal bounds, so a maximised window comes back maximised over the right place.
    options.prefs.setBounds({ ...window.getNormalBounds(), maximized: window.isMaximized() })
  })
  void window.loadURL(APP_ENTRY_URL)
  return window
}

/** Bring a window forward for a second launch or a deep link. */
export function focusWindow(window: BrowserWindow | null): void {
  if (!window || window.isDestroyed()) return
  if (window.isMinimized()) window.restore()
  if (!window.isVisible()) window.show()
  window.focus()
}
