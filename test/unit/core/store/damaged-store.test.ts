import { cpSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { AppError } from '../../../../src/shared/contract/result'
import { DATABASE_FILE, envelopePath, type KeyEnvelope } from '../../../../src/main/core/store/key-envelope'
import { openSqliteStore } from '../../../../src/main/core/store/sqlite-store'
import { openDatabase, resolveKey } from '../../../../src/main/core/store/connection'
import { fileDigests, TEST_PASSPHRASE, tempDir } from '../../../support/core'

/**
 * Issue 8 items 2–4: a store that existed is never offered setup again, a damaged key envelope is
 * called damaged (not "wrong passphrase"), and nothing is changed by a refused open.
 */
const source = { kind: 'passphrase' as const, passphrase: TEST_PASSPHRASE }
const dirs: Array<() => void> = []
afterEach(() => dirs.splice(0).forEach((remove) => remove()))

// One store made once (scrypt takes seconds); each test works on a copy of its folder.
const original = tempDir()
beforeAll(async () => {
  // As after first-run setup: the envelope holds a recovery slot too.
  const store = openSqliteStore(original.dir, source)
  await store.setEnvelopeSlot('recovery', store.wrapKey('RECOV-ERYKE-YFORT-HETES-TSUIT-EONLY-00000-00000'))
  await store.close()
})
afterAll(() => original.remove())

async function existingStore(): Promise<string> {
  const temp = tempDir()
  dirs.push(temp.remove)
  cpSync(original.dir, temp.dir, { recursive: true })
  return temp.dir
}

function refusal(dir: string, passphrase = TEST_PASSPHRASE): AppError {
  try {
    openSqliteStore(dir, { kind: 'passphrase', passphrase })
  } catch (error) {
    return error as AppError
  }
  throw new Error('the store opened')
}

function editSlot(dir: string, edit: (slot: Record<string, unknown>) => void): void {
  const env = JSON.parse(readFileSync(envelopePath(dir), 'utf8')) as KeyEnvelope
  edit(env.slots.passphrase as unknown as Record<string, unknown>)
  writeFileSync(envelopePath(dir), JSON.stringify(env))
}

function flipBase64(value: string): string {
  const bytes = Buffer.from(value, 'base64')
  bytes[0] = bytes[0]! ^ 0x01
  return bytes.toString('base64')
}

describe('a store that existed', () => {
  it('is refused, not re-created, when its database file is missing', async () => {
    const dir = await existingStore()
    rmSync(join(dir, DATABASE_FILE))
    const before = fileDigests(dir)
    const error = refusal(dir)
    expect(error.message).toMatch(/gatehouse\.db is missing, but its key envelope \(keys\.json\) is there/)
    expect(error.message).toContain('Restore gatehouse.db from a backup')
    expect(fileDigests(dir)).toEqual(before)
  })

  it('is refused when its database file is empty', async () => {
    const dir = await existingStore()
    writeFileSync(join(dir, DATABASE_FILE), '')
    const before = fileDigests(dir)
    expect(refusal(dir).message).toMatch(/gatehouse\.db is empty/)
    expect(fileDigests(dir)).toEqual(before)
  })

  it('keeps its database file owner-only (0600), like keys.json', async () => {
    const dir = await existingStore()
    expect(statSync(join(dir, DATABASE_FILE)).mode & 0o777).toBe(0o600)
    expect(statSync(envelopePath(dir)).mode & 0o777).toBe(0o600)
  })
})

describe('a read-only look (audit verify, exports)', () => {
  it('leaves every byte and every file as it found it, -wal and -shm included', async () => {
    const dir = await existingStore()
    const before = fileDigests(dir)
    const { key } = resolveKey(dir, source, false)
    const db = openDatabase(join(dir, DATABASE_FILE), key, { readonly: true })
    expect((db.prepare('SELECT count(*) AS n FROM audit_events').get() as { n: number }).n).toBeGreaterThanOrEqual(0)
    db.close()
    expect(fileDigests(dir)).toEqual(before)
  })

  it('leaves nothing behind when the file is damaged', async () => {
    const dir = await existingStore()
    writeFileSync(join(dir, DATABASE_FILE), Buffer.alloc(8192, 7))
    const before = fileDigests(dir)
    const { key } = resolveKey(dir, source, false)
    expect(() => openDatabase(join(dir, DATABASE_FILE), key, { readonly: true })).toThrow(/cannot be read: it is damaged/)
    expect(fileDigests(dir)).toEqual(before)
  })
})

describe('a damaged key envelope', () => {
  const damages: Array<[string, (slot: Record<string, unknown>) => void, RegExp]> = [
    ['a flipped ciphertext byte', (s) => (s.ciphertext = flipBase64(s.ciphertext as string)), /checksum/],
    ['a flipped tag byte', (s) => (s.tag = flipBase64(s.tag as string)), /checksum/],
    ['a flipped salt byte', (s) => (s.salt = flipBase64(s.salt as string)), /checksum/],
    ['a flipped IV byte', (s) => (s.iv = flipBase64(s.iv as string)), /checksum/],
    ['a changed scrypt N', (s) => (s.N = 2 ** 16), /checksum/],
    ['an impossible scrypt N', (s) => (s.N = 12345), /impossible scrypt parameters/],
    ['bad base64', (s) => (s.ciphertext = '%%not base64%%'), /ciphertext of its passphrase slot is not 32 bytes of base64/],
    ['a truncated IV', (s) => (s.iv = Buffer.alloc(4).toString('base64')), /iv of its passphrase slot/]
  ]
  for (const [what, edit, reason] of damages) {
    it(`says it is damaged, not "wrong passphrase", for ${what}`, async () => {
      const dir = await existingStore()
      editSlot(dir, edit)
      const before = fileDigests(dir)
      const error = refusal(dir)
      expect(error.message).toMatch(/^The key envelope .*keys\.json is damaged: /)
      expect(error.message).toMatch(reason)
      expect(error.message).not.toMatch(/Wrong passphrase/)
      expect(fileDigests(dir)).toEqual(before)
    })
  }

  it('says so for a null slot', async () => {
    const dir = await existingStore()
    const env = JSON.parse(readFileSync(envelopePath(dir), 'utf8')) as { slots: Record<string, unknown> }
    env.slots.passphrase = null
    writeFileSync(envelopePath(dir), JSON.stringify(env))
    expect(refusal(dir).message).toMatch(/damaged: its passphrase slot is not a slot/)
  })

  it('still answers a wrong passphrase as a wrong passphrase', async () => {
    const dir = await existingStore()
    const before = fileDigests(dir)
    expect(refusal(dir, 'not the passphrase at all').message).toBe('Wrong passphrase: the store was not opened and nothing was changed.')
    expect(fileDigests(dir)).toEqual(before)
  })
})
