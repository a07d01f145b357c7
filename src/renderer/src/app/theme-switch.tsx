import type { JSX } from 'react'
import { THEMES, useTheme, type Theme } from './theme-store'

const LABELS: Record<Theme, string> = { light: 'Light', dark: 'Dark', system: 'System' }

export function ThemeSwitch(): JSX.Element {
  const theme = useTheme((s) => s.theme)
  const setTheme = useTheme((s) => s.setTheme)
  return (
    <fieldset className="theme-switch">
      <legend className="visually-hidden">Theme</legend>
      <div className="segmented">
        {THEMES.map((value) => (
          <label key={value}>
            <input type="radio" name="theme" value={value} checked={theme === value} onChange={() => setTheme(value)} />
            {LABELS[value]}
          </label>
        ))}
      </div>
    </fieldset>
  )
}
