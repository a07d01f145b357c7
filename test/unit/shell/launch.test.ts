import { describe, expect, it } from 'vitest'
import { addonHint, dataDirArgument, describeDevice, electronAddonPath, storeChoice } from '../../../src/main/shell/launch'
import { defaultDataDir } from '../../../src/main/paths'
import { fitBounds, readSavedBounds, MIN_HEIGHT, MIN_WIDTH } from '../../../src/main/shell/window-state'

describe('default data folder (shared by the desktop app and the CLI)', () => {
  it('follows each OS’s app-data convention', () => {
    expect(defaultDataDir('linux', {}, '/home/ada')).toBe('/home/ada/.config/Gatehouse/data')
    expect(defaultDataDir('linux', { XDG_CONFIG_HOME: '/xdg' }, '/home/ada')).toBe('/xdg/Gatehouse/data')
    expect(defaultDataDir('darwin', {}, '/Users/ada')).toBe('/Users/ada/Library/Application Support/Gatehouse/data')
    expect(defaultDataDir('win32', { APPDATA: 'C:\\Users\\ada\\AppData\\Roaming' }, 'C:\\Users\\ada')).toBe('C:\\Users\\ada\\AppData\\Roaming\\Gatehouse\\data')
  })

  it('treats empty variables as unset', () => {
    expect(defaultDataDir('linux', { XDG_CONFIG_HOME: '' }, '/home/ada')).toBe('/home/ada/.config/Gatehouse/data')
    expect(defaultDataDir('win32', { APPDATA: '' }, 'C:\\Users\\ada')).toBe('C:\\Users\\ada\\AppData\\Roaming\\Gatehouse\\data')
  })
})

describe('launch helpers', () => {
  it('loads the Electron addon only when it was built', () => {
    expect(electronAddonPath('/app', () => true)).toBe('/app/native/electron/better_sqlite3.node')
    expect(electronAddonPath('/app', () => false)).toBeUndefined()
  })

  it('names the fix when the Node addon reaches Electron', () => {
    const abiError =
      "The module '/app/node_modules/better-sqlite3-multiple-ciphers/build/Release/better_sqlite3.node' was compiled against a different Node.js version using NODE_MODULE_VERSION 115. This version of Node.js requires NODE_MODULE_VERSION 140."
    expect(addonHint(abiError)).toContain('npm run build:native-electron')
    expect(addonHint('Wrong passphrase: the store was not opened and nothing was changed.')).toBeNull()
  })

  it('describes the device without anything identifying the person', () => {
    expect(describeDevice('linux', '6.8.0-45-generic', '0.1.0')).toBe('Gatehouse 0.1.0 desktop (Linux 6.8.0-45-generic)')
    expect(describeDevice('darwin', '24.1.0', '0.1.0')).toBe('Gatehouse 0.1.0 desktop (macOS 24.1.0)')
    expect(describeDevice('freebsd', '14.1', '0.1.0')).toBe('Gatehouse 0.1.0 desktop (freebsd 14.1)')
  })

  it('reads --data-dir in both spellings, relative to the working folder', () => {
    expect(dataDirArgument(['electron', '.', '--data-dir', '/srv/gh'], '/home/ada')).toBe('/srv/gh')
    expect(dataDirArgument(['electron', '.', '--data-dir=rel/gh'], '/home/ada')).toBe('/home/ada/rel/gh')
    expect(dataDirArgument(['electron', '.'], '/home/ada')).toBeUndefined()
    expect(dataDirArgument(['electron', '.', '--data-dir'], '/home/ada')).toBeUndefined()
    expect(dataDirArgument(['electron', '.', '--data-dir', '--inspect'], '/home/ada')).toBeUndefined()
  })
})

describe('window bounds', () => {
  const screen = [{ x: 0, y: 0, width: 1920, height: 1040 }]

  it('accepts only a well-formed saved record', () => {
    expect(readSavedBounds({ x: 1.4, y: 2, width: 1000, height: 700, maximized: true })).toEqual({ x: 1, y: 2, width: 1000, height: 700, maximized: true })
    expect(readSavedBounds({ x: 1, y: 2, width: 1000 })).toBeUndefined()
    expect(readSavedBounds({ x: 'NaN', y: 2, width: 1000, height: 700 })).toBeUndefined()
    expect(readSavedBounds({ x: Infinity, y: 2, width: 1000, height: 700 })).toBeUndefined()
    expect(readSavedBounds('1000x700')).toBeUndefined()
    expect(readSavedBounds(null)).toBeUndefined()
  })

  it('keeps bounds that are on a screen, clamped to the minimum size', () => {
    expect(fitBounds({ x: 100, y: 100, width: 1200, height: 800, maximized: false }, screen)).toEqual({ x: 100, y: 100, width: 1200, height: 800, maximized: false })
    expect(fitBounds({ x: 100, y: 100, width: 10, height: 10, maximized: false }, screen)).toMatchObject({ width: MIN_WIDTH, height: MIN_HEIGHT })
  })

  it('drops bounds whose title bar is off every screen', () => {
    expect(fitBounds({ x: 3000, y: 100, width: 1200, height: 800, maximized: false }, screen)).toBeUndefined()
    expect(fitBounds({ x: 100, y: -500, width: 1200, height: 800, maximized: false }, screen)).toBeUndefined()
    expect(fitBounds({ x: 1900, y: 100, width: 1200, height: 800, maximized: false }, screen)).toBeUndefined()
    expect(fitBounds(undefined, screen)).toBeUndefined()
  })

  it('finds the window on a second monitor', () => {
    const two = [...screen, { x: 1920, y: 0, width: 2560, height: 1400 }]
    expect(fitBounds({ x: 2500, y: 200, width: 1200, height: 800, maximized: false }, two)).toMatchObject({ x: 2500 })
  })

  it('opens a shared PostgreSQL store from --store or GATEHOUSE_STORE, and then needs the passphrase', () => {
    expect(storeChoice(['electron', '.'], {})).toEqual({ store: undefined })
    expect(storeChoice(['electron', '.', '--store', 'postgres://db.example/gh'], { GATEHOUSE_PASSPHRASE: 'pass phrase' })).toEqual({
      store: 'postgres://db.example/gh',
      passphrase: 'pass phrase'
    })
    expect(storeChoice(['electron', '.'], { GATEHOUSE_STORE: 'postgres://db/gh', GATEHOUSE_PASSPHRASE: 'x' })).toMatchObject({ store: 'postgres://db/gh' })
    expect(storeChoice(['electron', '.', '--store=postgres://db/gh'], {})).toEqual({
      error: expect.stringContaining('set GATEHOUSE_PASSPHRASE')
    })
  })
})
