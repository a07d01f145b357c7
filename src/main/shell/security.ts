import { shell, type Event, type Session, type WebContents } from 'electron'
import { isAppUrl } from './app-protocol'

/**
 * The Electron checklist items that are not window options: the page may not leave the app's
 * origin, open windows, embed webviews or be granted any permission. Applied to every
 * webContents the app ever creates (`web-contents-created`), not just the main window's.
 */
export function hardenWebContents(contents: WebContents): void {
  const refuseForeign = (event: Event, url: string): void => {
    if (!isAppUrl(url)) event.preventDefault()
  }
  contents.on('will-navigate', (event, url) => refuseForeign(event, event.url ?? url))
  contents.on('will-frame-navigate', (event) => refuseForeign(event, event.url))
  contents.on('will-redirect', (event, url) => refuseForeign(event, event.url ?? url))
  contents.on('will-attach-webview', (event) => event.preventDefault())
  contents.setWindowOpenHandler(({ url }) => {
    // An https link the page shows (SSO, docs) opens in the user's browser, never in the app.
    if (isExternalHttps(url)) void shell.openExternal(url)
    return { action: 'deny' }
  })
}

export function isExternalHttps(raw: string): boolean {
  try {
    const url = new URL(raw)
    return url.protocol === 'https:' && !url.username && !url.password
  } catch {
    return false
  }
}

/** Camera, notifications, clipboard, USB…: the console needs none, so every request and check is denied. */
export function hardenSession(session: Session): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false))
  session.setPermissionCheckHandler(() => false)
  session.setDevicePermissionHandler(() => false)
  // Exports are written by the main process through a save dialog, never by a page download.
  session.on('will-download', (event) => event.preventDefault())
}
