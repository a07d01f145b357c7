import { randomBytes } from 'node:crypto'
import { cpSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AppError } from '../../../../src/shared/contract/result'
import { seedDemo } from '../../../../src/main/core/demo/seed-demo'
import { databasePath, resolveKey } from '../../../../src/main/core/store/connection'
import { openSqliteStore, type SqliteStore } from '../../../../src/main/core/store/sqlite-store'
import { WRITER_LOCK_FILE } from '../../../../src/main/core/store/writer-lock'
import { envelopePath } from '../../../../src/main/core/store/key-envelope'
import { fileDigests, filesContaining, flipByte, OWNER, openTestCore, setupAccount, TEST_PASSPHRASE, TEST_STORE, tempDir, testDb, type TestCore } from '../../../support/core'

function openError(fn: () => unknown): AppError {
  try {
    const store = fn() as SqliteStore | undefined
    store?.raw.close()
  } catch (error) {
    // A raw SqliteError or TypeError here would be a bug: callers print AppError messages as one line.
    expect(error).toBeInstanceOf(AppError)
    return error as AppError
  }
  throw new Error('the store opened, but it should not have')
}

// The encrypted SQLite file, its WAL and keys.json: file-level tests of the SQLite store only.
describe.skipIf(TEST_STORE !== 'sqlite')('opening an existing store', () => {
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
    t = await openTestCore()
    await setupAccount(t.core)
    await seedDemo(t.core, { users: 500, events: 3000, seed: 7 })
    rawKey = resolveKey(t.dir, { kind: 'passphrase', passphrase: TEST_PASSPHRASE }, false).key
    crashed = copyStore()
    // The copied writer lock names this test process, which is alive (the core runs in it); the
    // lock of a process that crashed would be stale. Without it the copy is what a crash leaves.
    rmSync(join(crashed, WRITER_LOCK_FILE), { force: true })
    demoEmail = (await testDb(t.core).get<{ email: string }>("SELECT email FROM persons WHERE email LIKE '%-demo.example' ORDER BY email LIMIT 1"))!.email
  })
  afterAll(async () => {
    await t?.dispose()
    for (const copy of copies) copy.remove()
  })

  it('stores no name, email or account name in the clear, while open and after closing', async () => {
    const secrets = [OWNER.email, 'Acme Support', OWNER.name, demoEmail]
    expect(readdirSync(t.dir).sort()).toContain('gatehouse.db')
    for (const secret of secrets) expect(filesContaining(t.dir, secret), secret).toEqual([])
    await t.close()
    expect(readdirSync(t.dir).sort()).toEqual(['gatehouse.db', 'gatehouse.head', 'keys.json'])
    for (const secret of secrets) expect(filesContaining(t.dir, secret), secret).toEqual([])
  })

  it('refuses a wrong passphrase with one clear line and changes no file', () => {
    const before = fileDigests(t.dir)
    const error = openError(() => openSqliteStore(t.dir, { kind: 'passphrase', passphrase: 'not the passphrase at all' }))
    expect(error.code).toBe('UNAUTHENTICATED')
    expect(error.message).toBe('Wrong passphrase: the store was not opened and nothing was changed.')
    expect(fileDigests(t.dir)).toEqual(before)
  })

  it('refuses a wrong passphrase without touching a store a crash left with its WAL', () => {
    expect(readdirSync(crashed).sort()).toEqual(['gatehouse.db', 'gatehouse.db-shm', 'gatehouse.db-wal', 'keys.json'])
    const before = fileDigests(crashed)
    expect(openError(() => openSqliteStore(crashed, { kind: 'passphrase', passphrase: 'still not the passphrase' })).code).toBe('UNAUTHENTICATED')
    expect(fileDigests(crashed)).toEqual(before)
    // The right key recovers everything the WAL held.
    const store = openSqliteStore(crashed, { kind: 'key', key: rawKey })
    expect(store.raw.prepare('SELECT count(*) AS n FROM persons').get()).toEqual({ n: 501 })
    store.raw.close()
  })

  it('refuses a wrong raw key with a clear error and changes no file', () => {
    const before = fileDigests(t.dir)
    const error = openError(() => openSqliteStore(t.dir, { kind: 'key', key: randomBytes(32) }))
    expect(error.message).toContain(databasePath(t.dir))
    expect(error.message).toMatch(/not encrypted with this store's key/)
    expect(error.message).not.toContain('\n')
    expect(fileDigests(t.dir)).toEqual(before)
  })

  it('reopens with the right passphrase afterwards (the failed attempts left it intact)', async () => {
    const store = openSqliteStore(t.dir, { kind: 'passphrase', passphrase: TEST_PASSPHRASE }, { create: false })
    expect(store.raw.prepare('SELECT count(*) AS n FROM persons').get()).toEqual({ n: 501 })
    store.raw.pragma('wal_checkpoint(TRUNCATE)')
    await store.close()
  })

  it('names the file and says "damaged" when one byte in the middle of the database is flipped', () => {
    const dir = copyStore()
    const file = databasePath(dir)
    flipByte(file)
    const error = openError(() => openSqliteStore(dir, { kind: 'key', key: rawKey }))
    expect(error.code).toBe('INTERNAL')
    expect(error.message).toContain(file)
    expect(error.message).toContain('damaged')
    expect(error.message).not.toContain('\n')
  })

  it('names the file and says "damaged" when the database is random bytes', () => {
    const dir = copyStore()
    const file = databasePath(dir)
    writeFileSync(file, randomBytes(64 * 1024))
    const error = openError(() => openSqliteStore(dir, { kind: 'key', key: rawKey }))
    expect(error.message).toContain(file)
    expect(error.message).toContain('damaged')
  })

  it('names the file and says "damaged" when the database was cut short', () => {
    const dir = copyStore()
    const file = databasePath(dir)
    const bytes = readFileSync(file)
    writeFileSync(file, bytes.subarray(0, Math.floor(bytes.length / 2)))
    const error = openError(() => openSqliteStore(dir, { kind: 'key', key: rawKey }))
    expect(error.message).toContain(file)
    expect(error.message).toContain('damaged')
  })

  it('refuses to open a database whose key envelope is missing', () => {
    const dir = copyStore()
    rmSync(envelopePath(dir))
    const before = fileDigests(dir)
    const error = openError(() => openSqliteStore(dir, { kind: 'passphrase', passphrase: TEST_PASSPHRASE }))
    expect(error.message).toContain('key envelope is missing')
    expect(fileDigests(dir)).toEqual(before)
  })
})

describe('opening where there is no store', () => {
  it('with create: false, says so and creates nothing', () => {
    const temp = tempDir()
    try {
      const error = openError(() => openSqliteStore(join(temp.dir, 'data'), { kind: 'passphrase', passphrase: TEST_PASSPHRASE }, { create: false }))
      expect(error.code).toBe('NOT_FOUND')
      expect(readdirSync(temp.dir)).toEqual([])
    } finally {
      temp.remove()
    }
  })

  it('refuses a passphrase shorter than 8 characters for a new store', () => {
    const temp = tempDir()
    try {
      const error = openError(() => openSqliteStore(join(temp.dir, 'data'), { kind: 'passphrase', passphrase: 'short' }))
      expect(error.code).toBe('VALIDATION')
      expect(readdirSync(temp.dir)).toEqual([])
    } finally {
      temp.remove()
    }
  })
})
