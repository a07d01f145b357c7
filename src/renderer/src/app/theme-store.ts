import { readPreference, writePreference } from './preference-storage'
import { create } from 'zustand'

export const THEMES = ['light', 'dark', 'system'] as const
export type Theme = (typeof THEMES)[number]

const STORAGE_KEY = 'gatehouse.theme'

function readStoredTheme(): Theme {
  return readPreference(STORAGE_KEY, THEMES) ?? 'system'
}

/** The CSS resolves "system" itself (color-scheme + light-dark()), so no media listener is needed. */
export function applyTheme(theme: Theme): void {
  document.documentElement.dataset.theme = theme
}

interface ThemeState {
  theme: Theme
  setTheme(theme: Theme): void
}

export const useTheme = create<ThemeState>()((set) => ({
  theme: readStoredTheme(),
  setTheme(theme) {
    writePreference(STORAGE_KEY, theme)
    applyTheme(theme)
    set({ theme })
  }
}))
