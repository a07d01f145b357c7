import { create } from 'zustand'

export const THEMES = ['light', 'dark', 'system'] as const
export type Theme = (typeof THEMES)[number]

const STORAGE_KEY = 'gatehouse.theme'

function readStoredTheme(): Theme {
  try {
    const stored = localStorage.getItem(STORAGE_KEY)
    return (THEMES as readonly string[]).includes(stored ?? '') ? (stored as Theme) : 'system'
  } catch {
    // Storage can be unavailable (privacy settings); the theme is only a preference.
    return 'system'
  }
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
    try {
      localStorage.setItem(STORAGE_KEY, theme)
    } catch {
      // Not persisted; still applied for this window.
    }
    applyTheme(theme)
    set({ theme })
  }
}))
