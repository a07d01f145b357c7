import { useSyncExternalStore } from 'react'

/**
 * The signed-out screens a link opens (#/invite/<token>, #/reset/<token>): the deep link lands on
 * the address, the screen reads the token from it once.
 */

function subscribe(listener: () => void): () => void {
  window.addEventListener('hashchange', listener)
  return () => window.removeEventListener('hashchange', listener)
}

/** True while the address is `route` or `route`/<token>. */
export function useLinkRoute(route: string): boolean {
  return useSyncExternalStore(subscribe, () => location.hash === route || location.hash.startsWith(`${route}/`))
}

export function openLinkRoute(route: string): void {
  location.hash = `${route}/`
}

export function tokenInHash(route: string): string {
  return location.hash.startsWith(`${route}/`) ? decodeURIComponent(location.hash.slice(route.length + 1)) : ''
}

/** Back to the sign-in screen, the link's address dropped from history. */
export function leaveLinkRoute(): void {
  history.replaceState(null, '', `${location.pathname}${location.search}`)
}

/** After a link signed this window in: the app's first screen, the link's address dropped from history. */
export function enterAppFromLink(): void {
  history.replaceState(null, '', `${location.pathname}${location.search}#/`)
}
