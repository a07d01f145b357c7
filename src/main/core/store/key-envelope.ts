import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from 'node:crypto'
import { existsSync, readFileSync, renameSync, writeFileSync, fsyncSync, openSync, closeSync } from 'node:fs'
import { join } from 'node:path'
import { AppError } from '../../../shared/contract/result'

/**
 * The database key is 32 random bytes that never touch disk in the clear. It is stored only
 * wrapped, in `keys.json` beside the database, once per slot: by the passphrase and by the
 * recovery key (scrypt → AES-256-GCM), and in the desktop app by Electron safeStorage.
 */
export const ENVELOPE_FILE = 'keys.json'
export const DATABASE_FILE = 'gatehouse.db'
export const KEY_BYTES = 32

export interface ScryptSlot {
  kdf: 'scrypt'
  N: number
  r: number
  p: number
  salt: string
  iv: string
  tag: string
  ciphertext: string
}

export interface KeyEnvelope {
  version: 1
  slots: {
    passphrase?: ScryptSlot
    recovery?: ScryptSlot
    /** base64 of safeStorage.encryptString(base64(key)); only the desktop shell can open it. */
    safeStorage?: { ciphertext: string }
  }
}

const SCRYPT = { N: 2 ** 17, r: 8, p: 1 }

export function generateKey(): Buffer {
  return randomBytes(KEY_BYTES)
}

export function envelopePath(dataDir: string): string {
  return join(dataDir, ENVELOPE_FILE)
}

export function readEnvelope(dataDir: string): KeyEnvelope | null {
  const file = envelopePath(dataDir)
  if (!existsSync(file)) return null
  let parsed: unknown
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'))
  } catch {
    throw new AppError('INTERNAL', `The key envelope ${file} is damaged (not valid JSON).`)
  }
  const env = parsed as KeyEnvelope
  if (!env || env.version !== 1 || typeof env.slots !== 'object' || env.slots === null) {
    throw new AppError('INTERNAL', `The key envelope ${file} is damaged or of an unknown version.`)
  }
  return env
}

/** Atomic replace: write a temp file, fsync, rename. */
export function writeEnvelope(dataDir: string, env: KeyEnvelope): void {
  const file = envelopePath(dataDir)
  const tmp = `${file}.tmp`
  writeFileSync(tmp, JSON.stringify(env, null, 2), { mode: 0o600 })
  const fd = openSync(tmp, 'r')
  try {
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
  renameSync(tmp, file)
}

function deriveKek(secret: string, salt: Buffer, params: { N: number; r: number; p: number }): Buffer {
  return scryptSync(secret.normalize('NFKC'), salt, 32, { ...params, maxmem: 256 * 1024 * 1024 })
}

export function wrapWithSecret(key: Uint8Array, secret: string): ScryptSlot {
  const salt = randomBytes(16)
  const iv = randomBytes(12)
  const kek = deriveKek(secret, salt, SCRYPT)
  const cipher = createCipheriv('aes-256-gcm', kek, iv)
  const ciphertext = Buffer.concat([cipher.update(key), cipher.final()])
  return {
    kdf: 'scrypt',
    ...SCRYPT,
    salt: salt.toString('base64'),
    iv: iv.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
    ciphertext: ciphertext.toString('base64')
  }
}

/** Returns the key, or null when the secret is wrong (the GCM tag does not verify). */
export function unwrapWithSecret(slot: ScryptSlot, secret: string): Buffer | null {
  try {
    const kek = deriveKek(secret, Buffer.from(slot.salt, 'base64'), slot)
    const decipher = createDecipheriv('aes-256-gcm', kek, Buffer.from(slot.iv, 'base64'))
    decipher.setAuthTag(Buffer.from(slot.tag, 'base64'))
    const key = Buffer.concat([decipher.update(Buffer.from(slot.ciphertext, 'base64')), decipher.final()])
    return key.length === KEY_BYTES ? key : null
  } catch {
    return null
  }
}

/** The passphrase opens the passphrase slot; the recovery key is accepted in its place. */
export function unwrapWithPassphrase(env: KeyEnvelope, passphrase: string): Buffer {
  const fromPassphrase = env.slots.passphrase ? unwrapWithSecret(env.slots.passphrase, passphrase) : null
  if (fromPassphrase) return fromPassphrase
  const fromRecovery = env.slots.recovery ? unwrapWithSecret(env.slots.recovery, normalizeRecoveryKey(passphrase)) : null
  if (fromRecovery) return fromRecovery
  if (!env.slots.passphrase && !env.slots.recovery) {
    throw new AppError('UNAUTHENTICATED', 'This store has no passphrase or recovery slot; open it from the desktop app.')
  }
  throw new AppError('UNAUTHENTICATED', 'Wrong passphrase: the store was not opened and nothing was changed.')
}

/** Accept a recovery key typed in lower case, with spaces, or without its dashes. */
export function normalizeRecoveryKey(typed: string): string {
  const compact = typed.toUpperCase().replace(/[\s-]/g, '')
  return /^[0-9A-Z]{40}$/.test(compact) ? compact.match(/.{5}/g)!.join('-') : typed
}

/** A recovery key people can write down: 200 random bits as 8 groups of 5 Crockford base32 characters. */
export function generateRecoveryKey(): string {
  const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'
  const bytes = randomBytes(25)
  let bits = 0
  let value = 0
  let out = ''
  for (const byte of bytes) {
    value = (value << 8) | byte
    bits += 8
    while (bits >= 5) {
      out += alphabet[(value >>> (bits - 5)) & 31]
      bits -= 5
    }
    value &= (1 << bits) - 1
  }
  return out.match(/.{5}/g)!.join('-')
}
