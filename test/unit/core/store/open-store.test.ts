import { randomBytes } from 'node:crypto'
import { cpSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AppError } from '../../../../src/shared/contract/result'
import { seedDemo } from '../../../../src/main/core/demo/seed-demo'
import { databasePath, openStore } from '../../../../src/main/core/store/connection'
import { envelopePath } from '../../../../src/main/core/store/key-envelope'
import { fileDigests, filesContaining, flipByte, OWNER, openTestCore, setupAccount, TEST_PASSPHRASE, tempDir, type TestCore } from '../../../support/core'

function openError(fn: () => unknown): AppError {
  try {
    const store = fn() as { db?: { close: () => void } }
    store.db?.close()
  } catch (error) {
    // A raw SqliteError or TypeError here would be a bug: callers print AppError messages as one line.
    expect(error).toBeInstanceOf(AppError)
    return error as AppError
  }
  throw new Error('the store opened, but it should not have')
}

describe('opening an existing store', () => {
  let t: TestCore
  let demoEmail: string
  let rawKey: Buffer
  /** A copy taken while the core was running: the state a crash leaves, WAL and all. */
  let crashed: string
  const copies: Array<{ dir: string; remove: () => void }> = []
  /** A throwaway copy of the closed store, for tests that damage it. */
  const copyStore = () => {
    const copy = tempDir('gatehouse-copy-')
    cpSync(t.dir, copy.dir, { recursive: true })
    copies.push(copy)
    return copy.dir
  }

  beforeAll(async () => {
    t = openTestCore()
    await setupAccount(t.core)
    seedDemo(t.core, { users: 500, events: 3000, seed: 7 })
    rawKey = Buffer.from(t.core.storeKey)
    crashed = copyStore()
    demoEmail = (t.core.db.prepare("SELECT email FROM persons WHERE email LIKE '%-demo.example' ORDER BY email LIMIT 1").get() as { email: string }).email
  })
  afterAll(() => {
    t.dispose()
    for (const copy of copies) copy.remove()
  })

  it('stores no name, email or account name in the clear, while open and after closing', () => {
    const secrets = [OWNER.email, 'Acme Support', OWNER.name, demoEmail]
    expect(readdirSync(t.dir).sort()).toContain('gatehouse.db')
    for (const secret of secrets) expect(filesContaining(t.dir, secret), secret).toEqual([])
    t.close()
    expect(readdirSync(t.dir).sort()).toEqual(['gatehouse.db', 'keys.json'])
    for (const secret of secrets) expect(filesContaining(t.dir, secret), secret).toEqual([])
  })

  it('refuses a wrong passphrase with one clear line and changes no file', () => {
    const before = fileDigests(t.dir)
    const error = openError(() => openStore(t.dir, { kind: 'passphrase', passphrase: 'not the passphrase at all' }))
    expect(error.code).toBe('UNAUTHENTICATED')
    expect(error.message).toBe('Wrong passphrase: the store was not opened and nothing was changed.')
    expect(fileDigests(t.dir)).toEqual(before)
  })

  it('refuses a wrong passphrase without touching a store a crash left with its WAL', () => {
    expect(readdirSync(crashed).sort()).toEqual(['gatehouse.db', 'gatehouse.db-shm', 'gatehouse.db-wal', 'keys.json'])
    const before = fileDigests(crashed)
    expect(openError(() => openStore(crashed, { kind: 'passphrase', passphrase: 'still not the passphrase' })).code).toBe('UNAUTHENTICATED')
    expect(fileDigests(crashed)).toEqual(before)
    // The right key recovers everything the WAL held.
    const store = openStore(crashed, { kind: 'key', key: rawKey })
    expect(store.db.prepare('SELECT count(*) AS n FROM persons').get()).toEqual({ n: 501 })
    store.db.close()
  })

  it('refuses a wrong raw key with a clear error and changes no file', () => {
    const before = fileDigests(t.dir)
    const error = openError(() => openStore(t.dir, { kind: 'key', key: randomBytes(32) }))
    expect(error.message).toContain(databasePath(t.dir))
    expect(error.message).toMatch(/not encrypted with this store's key/)
    expect(error.message).not.toContain('\n')
    expect(fileDigests(t.dir)).toEqual(before)
  })

  it('reopens with the right passphrase afterwards (the failed attempts left it intact)', () => {
    const store = openStore(t.dir, { kind: 'passphrase', passphrase: TEST_PASSPHRASE }, { create: false })
    expect(store.db.prepare('SELECT count(*) AS n FROM persons').get()).toEqual({ n: 501 })
    store.db.pragma('wal_checkpoint(TRUNCATE)')
    store.db.close()
  })

  it('names the file and says "damaged" when one byte in the middle of the database is flipped', () => {
    const dir = copyStore()
    const file = databasePath(dir)
    flipByte(file)
    const error = openError(() => openStore(dir, { kind: 'key', key: rawKey }))
    expect(error.code).toBe('INTERNAL')
    expect(error.message).toContain(file)
    expect(error.message).toContain('damaged')
    expect(error.message).not.toContain('\n')
  })

  it('names the file and says "damaged" when the database is random bytes', () => {
    const dir = copyStore()
    const file = databasePath(dir)
    writeFileSync(file, randomBytes(64 * 1024))
    const error = openError(() => openStore(dir, { kind: 'key', key: rawKey }))
    expect(error.message).toContain(file)
    expect(error.message).toContain('damaged')
  })

  it('names the file and says "damaged" when the database was cut short', () => {
    const dir = copyStore()
    const file = databasePath(dir)
    const bytes = readFileSync(file)
    writeFileSync(file, bytes.subarray(0, Math.floor(bytes.length / 2)))
    const error = openError(() => openStore(dir, { kind: 'key', key: rawKey }))
    expect(error.message).toContain(file)
    expect(error.message).toContain('damaged')
  })

  it('refuses to open a database whose key envelope is missing', () => {
    const dir = copyStore()
    rmSync(envelopePath(dir))
    const before = fileDigests(dir)
    const error = openError(() => openStore(dir, { kind: 'passphrase', passphrase: TEST_PASSPHRASE }))
    expect(error.message).toContain('key envelope is missing')
    expect(fileDigests(dir)).toEqual(before)
  })
})

describe('opening where there is no store', () => {
  it('with create: false, says so and creates nothing', () => {
    const temp = tempDir()
    try {
      const error = openError(() => openStore(join(temp.dir, 'data'), { kind: 'passphrase', passphrase: TEST_PASSPHRASE }, { create: false }))
      expect(error.code).toBe('NOT_FOUND')
      expect(readdirSync(temp.dir)).toEqual([])
    } finally {
      temp.remove()
    }
  })

  it('refuses a passphrase shorter than 8 characters for a new store', () => {
    const temp = tempDir()
    try {
      const error = openError(() => openStore(join(temp.dir, 'data'), { kind: 'passphrase', passphrase: 'short' }))
      expect(error.code).toBe('VALIDATION')
      expect(readdirSync(temp.dir)).toEqual([])
    } finally {
      temp.remove()
    }
  })
})
