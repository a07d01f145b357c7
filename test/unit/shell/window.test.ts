import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { SavedBounds } from '../../../src/main/shell/window-state'
import { createMainWindow, focusWindow, windowOptions, type WindowPrefs } from '../../../src/main/shell/window'
import { BrowserWindow, app, resetElectronMock, screen } from '../../mocks/electron'

vi.mock('electron', () => import('../../mocks/electron'))

const PRELOAD = '/app/out/preload/index.cjs'

function memoryPrefs(initial?: SavedBounds): WindowPrefs & { saved: SavedBounds | undefined } {
  const prefs = {
    saved: initial,
    getBounds: () => prefs.saved,
    setBounds: (bounds: SavedBounds) => {
      prefs.saved = bounds
    }
  }
  return prefs
}

describe('window options', () => {
  it('turn on every security flag of the Electron checklist', () => {
    const { webPreferences } = windowOptions(PRELOAD)
    expect(webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false
    })
  })

  it('load the CommonJS preload and nothing else into the page', () => {
    const { webPreferences } = windowOptions(PRELOAD)
    expect(webPreferences?.preload).toBe(PRELOAD)
    expect(webPreferences?.preload).toMatch(/\.cjs$/)
    expect(webPreferences).not.toHaveProperty('additionalArguments')
    expect(webPreferences).not.toHaveProperty('partition')
  })

  it('have DevTools in development and none in a packaged build', () => {
    expect(windowOptions(PRELOAD, undefined, false).webPreferences?.devTools).toBe(true)
    expect(windowOptions(PRELOAD, undefined, true).webPreferences?.devTools).toBe(false)
  })

  it('use the saved bounds when given, a default size otherwise', () => {
    expect(windowOptions(PRELOAD, { x: 10, y: 20, width: 1000, height: 700, maximized: false })).toMatchObject({ x: 10, y: 20, width: 1000, height: 700 })
    const fresh = windowOptions(PRELOAD)
    expect(fresh).not.toHaveProperty('x')
    expect(fresh.width).toBeGreaterThanOrEqual(fresh.minWidth ?? 0)
  })
})

describe('main window', () => {
  beforeEach(() => resetElectronMock())
  afterEach(() => {
    app.isPackaged = false
  })

  it('is created with the secure options and loads the app from app://gatehouse/', () => {
    const window = createMainWindow({ preloadPath: PRELOAD, prefs: memoryPrefs() }) as unknown as BrowserWindow
    expect(window.options).toEqual(windowOptions(PRELOAD))
    expect(window.webContents.getURL()).toBe('app://gatehouse/index.html')
  })

  it('follows app.isPackaged for DevTools: on under `electron .`, off in the packaged app', () => {
    app.isPackaged = false
    const dev = createMainWindow({ preloadPath: PRELOAD, prefs: memoryPrefs() }) as unknown as BrowserWindow
    expect(dev.options).toMatchObject({ webPreferences: { devTools: true } })
    app.isPackaged = true
    const packaged = createMainWindow({ preloadPath: PRELOAD, prefs: memoryPrefs() }) as unknown as BrowserWindow
    expect(packaged.options).toMatchObject({ webPreferences: { devTools: false } })
    expect(packaged.options).toEqual(windowOptions(PRELOAD, undefined, true))
  })

  it('stays hidden until its first frame is ready', () => {
    const window = createMainWindow({ preloadPath: PRELOAD, prefs: memoryPrefs() }) as unknown as BrowserWindow
    expect(window.isVisible()).toBe(false)
    window.emit('ready-to-show')
    expect(window.isVisible()).toBe(true)
  })

  it('restores saved bounds that are on screen, maximised if it was', () => {
    const saved = { x: 100, y: 80, width: 1100, height: 760, maximized: true }
    const window = createMainWindow({ preloadPath: PRELOAD, prefs: memoryPrefs(saved) }) as unknown as BrowserWindow
    expect(window.getBounds()).toEqual({ x: 100, y: 80, width: 1100, height: 760 })
    expect(window.isMaximized()).toBe(true)
  })

  it('ignores saved bounds on a monitor that is gone', () => {
    screen.workAreas = [{ x: 0, y: 0, width: 1440, height: 900 }]
    const saved = { x: 2200, y: 100, width: 1100, height: 760, maximized: false }
    const window = createMainWindow({ preloadPath: PRELOAD, prefs: memoryPrefs(saved) }) as unknown as BrowserWindow
    expect(window.options).not.toHaveProperty('x')
  })

  it('saves its bounds when closed', () => {
    const prefs = memoryPrefs()
    const window = createMainWindow({ preloadPath: PRELOAD, prefs }) as unknown as BrowserWindow
    window.setBounds({ x: 40, y: 50, width: 1200, height: 800 })
    window.close()
    expect(prefs.saved).toEqual({ x: 40, y: 50, width: 1200, height: 800, maximized: false })
  })

  it('comes forward for a second launch: restored, shown, focused', () => {
    const window = new BrowserWindow()
    window.minimized = true
    focusWindow(window as never)
    expect(window).toMatchObject({ minimized: false, visible: true, focused: true })
    expect(() => focusWindow(null)).not.toThrow()
  })
})
