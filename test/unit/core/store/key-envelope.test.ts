import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AppError } from '../../../../src/shared/contract/result'
import { resolveKey } from '../../../../src/main/core/store/connection'
import { openSqliteStore, type SqliteStore } from '../../../../src/main/core/store/sqlite-store'
import {
  envelopePath,
  generateKey,
  generateRecoveryKey,
  KEY_BYTES,
  readEnvelope,
  unwrapWithPassphrase,
  unwrapWithSecret,
  wrapWithSecret,
  type KeyEnvelope
} from '../../../../src/main/core/store/key-envelope'
import { openTestCore, setupAccount, TEST_PASSPHRASE, TEST_STORE, tempDir, type TestCore } from '../../../support/core'

/** The key a store was opened with, proved by unsealing what a store opened with `rawKey` sealed. */
async function sameKey(store: SqliteStore, dir: string, rawKey: Buffer): Promise<boolean> {
  const probe = Buffer.from('which key?')
  const sealed = store.seal(probe)
  await store.close()
  const byKey = openSqliteStore(dir, { kind: 'key', key: rawKey }, { create: false })
  try {
    return byKey.unseal(sealed).equals(probe)
  } finally {
    await byKey.close()
  }
}

const CROCKFORD_GROUPS = /^[0-9ABCDEFGHJKMNPQRSTVWXYZ]{5}(-[0-9ABCDEFGHJKMNPQRSTVWXYZ]{5}){7}$/

function thrown(fn: () => unknown): AppError {
  try {
    fn()
  } catch (error) {
    if (error instanceof AppError) return error
    throw new Error(`expected an AppError, got ${String(error)}`)
  }
  throw new Error('expected an AppError, nothing was thrown')
}

describe('key envelope: wrapping', () => {
  const key = generateKey()
  const slot = wrapWithSecret(key, 'correct horse battery staple')

  it('generates 32 random bytes per key', () => {
    expect(key).toHaveLength(KEY_BYTES)
    expect(generateKey().equals(key)).toBe(false)
  })

  it('round-trips a key through scrypt + AES-256-GCM', () => {
    expect(slot).toMatchObject({ kdf: 'scrypt', N: 2 ** 17, r: 8, p: 1 })
    expect(Buffer.from(slot.salt, 'base64')).toHaveLength(16)
    expect(Buffer.from(slot.iv, 'base64')).toHaveLength(12)
    expect(Buffer.from(slot.tag, 'base64')).toHaveLength(16)
    expect(unwrapWithSecret(slot, 'correct horse battery staple')?.equals(key)).toBe(true)
  })

  it('returns null for a wrong secret and for a tampered slot', () => {
    expect(unwrapWithSecret(slot, 'correct horse battery stapler')).toBeNull()
    const ciphertext = Buffer.from(slot.ciphertext, 'base64')
    ciphertext[0] = ciphertext[0]! ^ 1
    expect(unwrapWithSecret({ ...slot, ciphertext: ciphertext.toString('base64') }, 'correct horse battery staple')).toBeNull()
  })

  it('treats a secret the same whichever Unicode normal form it was typed in', () => {
    // "café crème" with precomposed letters, then typed with combining accents.
    const composed = wrapWithSecret(key, 'caf\u00e9 cr\u00e8me')
    expect(unwrapWithSecret(composed, 'cafe\u0301 cre\u0300me')?.equals(key)).toBe(true)
  })

  it('refuses a wrong passphrase with UNAUTHENTICATED, and says so when there is no slot to try', () => {
    const env: KeyEnvelope = { version: 1, slots: { passphrase: slot } }
    expect(unwrapWithPassphrase(env, 'correct horse battery staple').equals(key)).toBe(true)
    const wrong = thrown(() => unwrapWithPassphrase(env, 'not the passphrase'))
    expect(wrong.code).toBe('UNAUTHENTICATED')
    expect(wrong.message).toMatch(/wrong passphrase/i)
    const empty = thrown(() => unwrapWithPassphrase({ version: 1, slots: {} }, 'anything'))
    expect(empty.code).toBe('UNAUTHENTICATED')
    expect(empty.message).toMatch(/no passphrase or recovery slot/)
  })
})

describe('key envelope: keys.json on disk', () => {
  let temp: { dir: string; remove: () => void }
  beforeAll(() => {
    temp = tempDir()
  })
  afterAll(() => temp.remove())

  it('reads no envelope where there is none', () => {
    expect(readEnvelope(temp.dir)).toBeNull()
  })

  it('names the file when keys.json is not JSON or of an unknown version', () => {
    writeFileSync(envelopePath(temp.dir), '{"version": 1, "slots": ')
    const broken = thrown(() => readEnvelope(temp.dir))
    expect(broken.code).toBe('INTERNAL')
    expect(broken.message).toContain(envelopePath(temp.dir))
    expect(broken.message).toContain('damaged')
    writeFileSync(envelopePath(temp.dir), JSON.stringify({ version: 2, slots: {} }))
    expect(thrown(() => readEnvelope(temp.dir)).message).toContain(envelopePath(temp.dir))
    writeFileSync(envelopePath(temp.dir), 'null')
    expect(thrown(() => readEnvelope(temp.dir)).code).toBe('INTERNAL')
  })
})

describe('key envelope: recovery key', () => {
  it('is 8 groups of 5 Crockford base32 characters (200 random bits)', () => {
    const keys = Array.from({ length: 200 }, () => generateRecoveryKey())
    for (const k of keys) expect(k).toMatch(CROCKFORD_GROUPS)
    expect(new Set(keys).size).toBe(keys.length)
    // Every symbol of the alphabet turns up: the bits are spread over all 32 of them.
    expect(new Set(keys.join('').replaceAll('-', '')).size).toBe(32)
  })
})

// keys.json and the encrypted file are the SQLite store's; on PostgreSQL the envelope is a row (postgres-store tests).
describe.skipIf(TEST_STORE !== 'sqlite')('key envelope: a store after first-run setup', () => {
  let t: TestCore
  let recoveryKey: string
  let rawKey: Buffer

  beforeAll(async () => {
    t = await openTestCore()
    ;({ recoveryKey } = await setupAccount(t.core))
    await t.close()
    rawKey = resolveKey(t.dir, { kind: 'passphrase', passphrase: TEST_PASSPHRASE }, false).key
  })
  afterAll(async () => t?.dispose())

  it('hands out a recovery key in the documented format', () => {
    expect(recoveryKey).toMatch(CROCKFORD_GROUPS)
  })

  it('keeps a passphrase slot and a recovery slot, readable only by the owner of the file', () => {
    const env = readEnvelope(t.dir)!
    expect(Object.keys(env.slots).sort()).toEqual(['passphrase', 'recovery'])
    expect(statSync(envelopePath(t.dir)).mode & 0o777).toBe(0o600)
    expect(existsSync(`${envelopePath(t.dir)}.tmp`)).toBe(false)
  })

  it('never writes the raw database key into keys.json, in any encoding', () => {
    const text = readFileSync(envelopePath(t.dir))
    for (const form of [rawKey.toString('hex'), rawKey.toString('hex').toUpperCase(), rawKey.toString('base64'), rawKey.toString('base64url')]) {
      expect(text.includes(Buffer.from(form))).toBe(false)
    }
    expect(text.includes(rawKey)).toBe(false)
    expect(text.includes(Buffer.from(recoveryKey))).toBe(false)
    expect(text.includes(Buffer.from(TEST_PASSPHRASE))).toBe(false)
  })

  it('opens the store with the recovery key in place of the passphrase', async () => {
    const store = openSqliteStore(t.dir, { kind: 'passphrase', passphrase: recoveryKey }, { create: false })
    expect(store.raw.prepare('SELECT name FROM accounts').get()).toEqual({ name: 'Acme Support' })
    expect(await sameKey(store, t.dir, rawKey)).toBe(true)
  })

  it('accepts the recovery key typed in lower case, with spaces or without dashes', () => {
    const env = readEnvelope(t.dir)!
    for (const typed of [recoveryKey.toLowerCase(), recoveryKey.replace(/-/g, ''), recoveryKey.replace(/-/g, ' ')]) {
      expect(unwrapWithPassphrase(env, typed).equals(rawKey)).toBe(true)
    }
  })

  it('opens the store with the passphrase and with the raw key itself', async () => {
    const byPassphrase = openSqliteStore(t.dir, { kind: 'passphrase', passphrase: TEST_PASSPHRASE }, { create: false })
    expect(await sameKey(byPassphrase, t.dir, rawKey)).toBe(true)
    const byKey = openSqliteStore(t.dir, { kind: 'key', key: rawKey }, { create: false })
    expect(byKey.raw.prepare('SELECT count(*) AS n FROM persons').get()).toEqual({ n: 1 })
    await byKey.close()
  })

  it('refuses a key of the wrong length before touching the database', () => {
    const error = thrown(() => openSqliteStore(t.dir, { kind: 'key', key: Buffer.alloc(16) }))
    expect(error.code).toBe('VALIDATION')
  })
})
