import { app, safeStorage } from 'electron'
import { existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { AppError } from '../../shared/contract/result'
import type { KeySource } from '../core/host'
import { DATABASE_FILE, KEY_BYTES, generateKey, readEnvelope, unwrapWithPassphrase, writeEnvelope } from '../core/store/key-envelope'

/** The desktop app's data folder: `userData/data` (the CLI's `defaultDataDir` names the same place). */
export function desktopDataDir(): string {
  return join(app.getPath('userData'), 'data')
}

export type KeyDecision =
  /** `notice`: why the OS keychain was not used; the shell shows it before going on. */
  | { ok: true; keySource: KeySource; notice?: string }
  /** Nothing usable: the shell shows `message` and quits. */
  | { ok: false; message: string }

/** Whether safeStorage may hold the key here; `reason` says why not in words a user can act on. */
export function keychainStatus(platform: NodeJS.Platform): { usable: true } | { usable: false; reason: string } {
  if (platform === 'linux') {
    const backend = safeStorage.getSelectedStorageBackend()
    // Signal's rule: never downgrade silently to a hard-coded key anyone can read from the binary.
    if (backend === 'basic_text') {
      return { usable: false, reason: 'No system keyring (GNOME Keyring or KWallet) is available, so the key cannot be protected by the OS.' }
    }
    if (backend === 'unknown') return { usable: false, reason: 'The system keyring could not be identified.' }
  }
  if (!safeStorage.isEncryptionAvailable()) return { usable: false, reason: 'The operating system keychain is not available.' }
  return { usable: true }
}

function passphraseOnly(reason: string, passphrase: string | undefined): KeyDecision {
  if (passphrase) {
    return { ok: true, keySource: { kind: 'passphrase', passphrase }, notice: `${reason} Gatehouse will use the passphrase from GATEHOUSE_PASSPHRASE instead.` }
  }
  return {
    ok: false,
    message: `${reason} Gatehouse will not store its key unprotected. Set GATEHOUSE_PASSPHRASE to your passphrase (or recovery key) and start Gatehouse again.`
  }
}

function sealWithKeychain(key: Uint8Array): { ciphertext: string } {
  return { ciphertext: safeStorage.encryptString(Buffer.from(key).toString('base64')).toString('base64') }
}

function openWithKeychain(ciphertext: string): Buffer | null {
  try {
    const key = Buffer.from(safeStorage.decryptString(Buffer.from(ciphertext, 'base64')), 'base64')
    return key.length === KEY_BYTES ? key : null
  } catch {
    return null
  }
}

/**
 * How the core gets the database key in the desktop app. With a usable keychain: the key is
 * 32 random bytes wrapped by safeStorage in the envelope's `safeStorage` slot (created on first
 * run; added on the first desktop start of a store the CLI created, which needs the passphrase
 * once). Without one: the passphrase, or a refusal. Wrong secrets surface as the core's own
 * errors; this function never writes a file unless it has the key in hand.
 */
export function decideKeySource(dataDir: string, platform: NodeJS.Platform, passphrase: string | undefined): KeyDecision {
  const keychain = keychainStatus(platform)
  if (!keychain.usable) return passphraseOnly(keychain.reason, passphrase)

  let envelope
  try {
    envelope = readEnvelope(dataDir)
  } catch (error) {
    return { ok: false, message: messageOf(error) }
  }

  if (!envelope) {
    if (existsSync(join(dataDir, DATABASE_FILE))) {
      return { ok: false, message: `The key envelope is missing beside ${join(dataDir, DATABASE_FILE)}; the store cannot be opened.` }
    }
    const key = generateKey()
    mkdirSync(dataDir, { recursive: true, mode: 0o700 })
    // The core adds the recovery slot when the account is set up.
    writeEnvelope(dataDir, { version: 1, slots: { safeStorage: sealWithKeychain(key) } })
    return { ok: true, keySource: { kind: 'key', key } }
  }

  const sealed = envelope.slots.safeStorage
  if (sealed) {
    const key = openWithKeychain(sealed.ciphertext)
    if (key) return { ok: true, keySource: { kind: 'key', key } }
    return passphraseOnly('The system keychain could not unlock the stored key (was the keyring reset or the data folder copied from another computer?).', passphrase)
  }

  if (!passphrase) {
    return {
      ok: false,
      message:
        'This data folder is protected by a passphrase. Start Gatehouse once with GATEHOUSE_PASSPHRASE set to it (or to the recovery key); from then on the system keychain unlocks it.'
    }
  }
  let key: Buffer
  try {
    key = unwrapWithPassphrase(envelope, passphrase)
  } catch (error) {
    return { ok: false, message: messageOf(error) }
  }
  writeEnvelope(dataDir, { ...envelope, slots: { ...envelope.slots, safeStorage: sealWithKeychain(key) } })
  return { ok: true, keySource: { kind: 'key', key } }
}

function messageOf(error: unknown): string {
  return error instanceof AppError || error instanceof Error ? error.message : String(error)
}
