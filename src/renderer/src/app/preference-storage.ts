/**
 * Preferences this device remembers before anyone signs in (theme, language): localStorage, which
 * can be unavailable (privacy settings, tests in Node). A preference is never worth an error.
 */
export function readPreference<T extends string>(key: string, allowed: readonly T[]): T | null {
  try {
    const stored = localStorage.getItem(key)
    return (allowed as readonly (string | null)[]).includes(stored) ? (stored as T) : null
  } catch {
    return null
  }
}

/** Not remembered when storage is unavailable; the caller still applies it to this window. */
export function writePreference(key: string, value: string): void {
  try {
    localStorage.setItem(key, value)
  } catch {
    // Nothing to do: the preference holds for this window only.
  }
}
