import { createCipheriv, createDecipheriv, createHash, randomBytes, scryptSync } from 'node:crypto'
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
  /**
   * SHA-256 (base64) of the fields above: not a secret, it tells a damaged slot (a flipped byte, a
   * changed N) apart from a wrong passphrase, which the GCM tag alone cannot. Absent in envelopes
   * written before it existed.
   */
  check?: string
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

function slotCheck(slot: Omit<ScryptSlot, 'check'>): string {
  const fields = [slot.kdf, slot.N, slot.r, slot.p, slot.salt, slot.iv, slot.tag, slot.ciphertext].join('\n')
  return createHash('sha256').update(fields).digest('base64')
}

const B64 = /^[A-Za-z0-9+/]+={0,2}$/

function base64Bytes(value: unknown): number | null {
  if (typeof value !== 'string' || value.length % 4 !== 0 || !B64.test(value)) return null
  return Buffer.from(value, 'base64').length
}

/**
 * Why a slot cannot be used, or null when it is well formed: tells a damaged envelope apart from a
 * wrong passphrase before any key derivation runs.
 */
export function slotDamage(name: string, slot: unknown): string | null {
  if (slot === null || typeof slot !== 'object') return `its ${name} slot is not a slot`
  const s = slot as Partial<ScryptSlot>
  if (s.kdf !== 'scrypt') return `its ${name} slot names an unknown key derivation`
  if (!Number.isSafeInteger(s.N) || s.N! < 2 ** 14 || s.N! > 2 ** 20 || (s.N! & (s.N! - 1)) !== 0 || s.r !== 8 || s.p !== 1) {
    return `its ${name} slot has impossible scrypt parameters`
  }
  const sizes: Array<[keyof ScryptSlot, number]> = [['salt', 16], ['iv', 12], ['tag', 16], ['ciphertext', KEY_BYTES]]
  for (const [field, bytes] of sizes) {
    if (base64Bytes(s[field]) !== bytes) return `the ${field} of its ${name} slot is not ${bytes} bytes of base64`
  }
  if (s.check !== undefined && s.check !== slotCheck(s as ScryptSlot)) return `its ${name} slot does not match its checksum (a byte was changed)`
  return null
}

export function wrapWithSecret(key: Uint8Array, secret: string): ScryptSlot {
  const salt = randomBytes(16)
  const iv = randomBytes(12)
  const kek = deriveKek(secret, salt, SCRYPT)
  const cipher = createCipheriv('aes-256-gcm', kek, iv)
  const ciphertext = Buffer.concat([cipher.update(key), cipher.final()])
  const slot: ScryptSlot = {
    kdf: 'scrypt',
    ...SCRYPT,
    salt: salt.toString('base64'),
    iv: iv.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
    ciphertext: ciphertext.toString('base64')
  }
  return { ...slot, check: slotCheck(slot) }
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
export function unwrapWithPassphrase(env: KeyEnvelope, passphrase: string, where = 'The key envelope'): Buffer {
  for (const name of ['passphrase', 'recovery'] as const) {
    if (!(name in env.slots)) continue
    const damage = slotDamage(name, env.slots[name])
    if (damage) {
      throw new AppError('INTERNAL', `${where} is damaged: ${damage}. The store was not opened and nothing was changed; restore keys.json from a backup.`)
    }
  }
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
