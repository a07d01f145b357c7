import { useEffect } from 'react'
import { getBridge } from '../../app/bridge'
import { useTheme, type Theme } from '../../app/theme-store'

/** The theme is part of the person's profile: apply the stored one when they sign in. */
export function useProfileTheme(personId: string): void {
  useEffect(() => {
    let current = true
    void getBridge()
      .invoke('profile:get', {})
      .then((result) => {
        if (current && result.ok) useTheme.getState().setTheme(result.value.theme)
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
