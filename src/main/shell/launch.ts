import { existsSync } from 'node:fs'
import { isAbsolute, join, resolve } from 'node:path'

/** Where `npm run build:native-electron` puts the better-sqlite3 addon built for Electron's ABI. */
export const ELECTRON_ADDON = join('native', 'electron', 'better_sqlite3.node')

/**
 * The Electron build of the addon, if there is one. Without it the core falls back to the Node
 * build in node_modules, which Electron refuses to load (a different ABI): the start-up error
 * dialog then names the command that fixes it.
 */
export function electronAddonPath(appRoot: string, exists: (path: string) => boolean = existsSync): string | undefined {
  const path = join(appRoot, ELECTRON_ADDON)
  return exists(path) ? path : undefined
}

/** A start-up error worth a hint: the addon was built for plain Node, not Electron. */
export function addonHint(message: string): string | null {
  return /NODE_MODULE_VERSION|was compiled against a different Node\.js version/.test(message)
    ? 'The database addon was built for Node, not Electron. Run "npm run build:native-electron" once, then start Gatehouse again.'
    : null
}

const OS_NAMES: Partial<Record<NodeJS.Platform, string>> = { linux: 'Linux', darwin: 'macOS', win32: 'Windows' }

/** The device line recorded on this window's login and audit events: app version and OS, nothing identifying. */
export function describeDevice(platform: NodeJS.Platform, osRelease: string, appVersion: string): string {
  return `Gatehouse ${appVersion} desktop (${OS_NAMES[platform] ?? platform} ${osRelease})`
}

/** The value of `--name VALUE` or `--name=VALUE` on the app's command line (the CLI's flags). */
function flagValue(argv: readonly string[], name: string): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? ''
    let value: string | undefined
    if (arg === name) value = argv[i + 1]
    else if (arg.startsWith(`${name}=`)) value = arg.slice(name.length + 1)
    else continue
    if (!value || value.startsWith('-')) return undefined
    return value
  }
  return undefined
}

/** `--data-dir DIR` or `--data-dir=DIR` on the app's command line (the CLI's flag), resolved against `cwd`. */
export function dataDirArgument(argv: readonly string[], cwd: string): string | undefined {
  const value = flagValue(argv, '--data-dir')
  if (value === undefined) return undefined
  return isAbsolute(value) ? value : resolve(cwd, value)
}

/**
 * The shared PostgreSQL store the desktop app opens instead of its file: `--store URL` or
 * GATEHOUSE_STORE. Its key envelope is in the database and wrapped by the passphrase only (no
 * keychain slot: the keychain is per machine, the store is shared), so the passphrase is required.
 */
export function storeChoice(
  argv: readonly string[],
  env: Record<string, string | undefined>
): { store: undefined } | { store: string; passphrase: string } | { error: string } {
  const store = flagValue(argv, '--store') ?? (env.GATEHOUSE_STORE || undefined)
  if (!store) return { store: undefined }
  if (!env.GATEHOUSE_PASSPHRASE) {
    return { error: 'A shared PostgreSQL store (--store or GATEHOUSE_STORE) is unlocked with its passphrase: set GATEHOUSE_PASSPHRASE and start Gatehouse again.' }
  }
  return { store, passphrase: env.GATEHOUSE_PASSPHRASE }
}
