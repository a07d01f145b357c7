import { useSyncExternalStore } from 'react'

/** Whether a CSS media query matches now, following changes (a window resized past a breakpoint). */
export function useMediaQuery(query: string): boolean {
  return useSyncExternalStore(
    (onChange) => {
      const list = window.matchMedia(query)
      list.addEventListener('change', onChange)
      return () => list.removeEventListener('change', onChange)
    },
    () => window.matchMedia(query).matches
  )
}

/** Below this width the lists take their narrow columns and side panels overlay the list (users.css, data-table.css). */
export const NARROW_WINDOW = '(max-width: 1279px)'
