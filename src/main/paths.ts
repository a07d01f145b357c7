import { join } from 'node:path'

/**
 * The OS app-data folder the desktop app uses (Electron's `userData` for an app named Gatehouse),
 * plus `data`. Pure, so the CLI and web host pick the same folder without importing electron.
 * Empty variables count as unset, as Electron and the XDG spec treat them.
 */
export function defaultDataDir(platform: NodeJS.Platform, env: NodeJS.ProcessEnv, homedir: string): string {
  if (platform === 'win32') return join(env.APPDATA || join(homedir, 'AppData', 'Roaming'), 'Gatehouse', 'data')
  if (platform === 'darwin') return join(homedir, 'Library', 'Application Support', 'Gatehouse', 'data')
  return join(env.XDG_CONFIG_HOME || join(homedir, '.config'), 'Gatehouse', 'data')
}
