import type { JSX } from 'react'
import { THEMES, useTheme, type Theme } from './theme-store'
import { saveTheme } from '../features/settings/profile-theme'

const LABELS: Record<Theme, string> = { light: 'Light', dark: 'Dark', system: 'System' }

export function ThemeSwitch(): JSX.Element {
  const theme = useTheme((s) => s.theme)
  return (
    <fieldset className="theme-switch">
      <legend className="visually-hidden">Theme</legend>
      <div className="segmented">
        {THEMES.map((value) => (
          <label key={value}>
            <input type="radio" name="theme" value={value} checked={theme === value} onChange={() => void saveTheme(value)} />
            {LABELS[value]}
          </label>
        ))}
      </div>
    </fieldset>
  )
}
