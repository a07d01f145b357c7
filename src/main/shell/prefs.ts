import Store from 'electron-store'
import type { WindowPrefs } from './window'
import { readSavedBounds, type SavedBounds } from './window-state'

/**
 * Non-secret preferences only (window bounds, theme, last screen): electron-store rewrites the
 * whole file on every change and its encryption is not authenticated, so it never holds data or keys.
 */
interface Preferences {
  window?: SavedBounds
  theme?: 'light' | 'dark' | 'system'
  lastScreen?: string
}

export function openPrefs(): WindowPrefs {
  // `clearInvalidConfig`: a hand-damaged file resets the preferences instead of stopping the app.
  const store = new Store<Preferences>({ name: 'preferences', clearInvalidConfig: true })
  return {
    getBounds: () => readSavedBounds(store.get('window')),
    setBounds: (bounds) => store.set('window', bounds)
  }
}
