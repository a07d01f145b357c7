import { useEffect } from 'react'
import { getBridge } from '../../app/bridge'
import { useTheme, type Theme } from '../../app/theme-store'
import { useLanguage, type Language } from '../../i18n/i18n'

/** Theme and language are part of the person's profile: apply the stored ones when they sign in. */
export function useProfilePreferences(personId: string): void {
  useEffect(() => {
    let current = true
    void getBridge()
      .invoke('profile:get', {})
      .then((result) => {
        if (!current || !result.ok) return
        useTheme.getState().setTheme(result.value.theme)
        useLanguage.getState().setLanguage(result.value.language)
      })
    return () => {
      current = false
    }
  }, [personId])
}

/** Applies at once and stores it in the profile, so it follows the person to other windows. */
export async function saveTheme(theme: Theme): Promise<string | null> {
  useTheme.getState().setTheme(theme)
  const result = await getBridge().invoke('profile:update', { theme })
  return result.ok ? null : result.error.message
}

/** Applies at once (every word on screen, number and date, and <html lang>) and stores it in the profile. */
export async function saveLanguage(language: Language): Promise<string | null> {
  useLanguage.getState().setLanguage(language)
  const result = await getBridge().invoke('profile:update', { language })
  return result.ok ? null : result.error.message
}
