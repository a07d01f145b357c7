import type { JSX } from 'react'
import { THEMES, useTheme, type Theme } from './theme-store'
import { saveTheme } from '../features/settings/profile-theme'
import { useT, type MessageKey } from '../i18n/i18n'

const LABELS: Record<Theme, MessageKey> = { light: 'theme.light', dark: 'theme.dark', system: 'theme.system' }

export function ThemeSwitch(): JSX.Element {
  const theme = useTheme((s) => s.theme)
  const t = useT()
  return (
    <fieldset className="theme-switch">
      <legend className="visually-hidden">{t('theme.legend')}</legend>
      <div className="segmented">
        {THEMES.map((value) => (
          <label key={value}>
            <input type="radio" name="theme" value={value} checked={theme === value} onChange={() => void saveTheme(value)} />
            {t(LABELS[value])}
          </label>
        ))}
      </div>
    </fieldset>
  )
}
