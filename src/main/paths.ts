import { posix, win32 } from 'node:path'

/**
 * The OS app-data folder the desktop app uses (Electron's `userData` for an app named Gatehouse),
 * plus `data`. Pure, so the CLI and web host pick the same folder without importing electron.
 * Empty variables count as unset, as Electron and the XDG spec treat them; the path flavour
 * follows `platform`, not the machine running the code, so every branch is testable anywhere.
 */
export function defaultDataDir(platform: NodeJS.Platform, env: NodeJS.ProcessEnv, homedir: string): string {
  if (platform === 'win32') return win32.join(env.APPDATA || win32.join(homedir, 'AppData', 'Roaming'), 'Gatehouse', 'data')
  if (platform === 'darwin') return posix.join(homedir, 'Library', 'Application Support', 'Gatehouse', 'data')
  return posix.join(env.XDG_CONFIG_HOME || posix.join(homedir, '.config'), 'Gatehouse', 'data')
}
