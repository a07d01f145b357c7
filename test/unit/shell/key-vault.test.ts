import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ManualClock } from '../../../src/main/core/clock'
import { createInProcessCore } from '../../../src/main/core/in-process'
import { generateKey, readEnvelope, wrapWithSecret, writeEnvelope } from '../../../src/main/core/store/key-envelope'
import { decideKeySource, desktopDataDir, keychainStatus, type KeyDecision } from '../../../src/main/shell/key-vault'
import { app, resetElectronMock, safeStorage } from '../../mocks/electron'

vi.mock('electron', () => import('../../mocks/electron'))

const PASSPHRASE = 'a long enough passphrase'

/** Every file under the folder with its bytes, to prove a refusal changed nothing. */
async function snapshot(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {}
  if (!existsSync(dir)) return out
  for (const name of await readdir(dir, { recursive: true })) {
    const path = join(dir, name)
    try {
      out[name] = (await readFile(path)).toString('base64')
    } catch {
      out[name] = '<dir>'
    }
  }
  return out
}

function keyOf(decision: KeyDecision): Buffer {
  if (!decision.ok || decision.keySource.kind !== 'key') throw new Error(`expected a raw key, got ${JSON.stringify(decision)}`)
  return Buffer.from(decision.keySource.key)
}

describe('key vault', () => {
  let dataDir: string

  beforeEach(async () => {
    resetElectronMock()
    dataDir = join(await mkdtemp(join(tmpdir(), 'gatehouse-vault-')), 'data')
  })

  afterEach(async () => {
    await rm(join(dataDir, '..'), { recursive: true, force: true })
  })

  it('keeps the data in userData/data', () => {
    app.setPath('userData', '/home/ada/.config/Gatehouse')
    expect(desktopDataDir()).toBe('/home/ada/.config/Gatehouse/data')
  })

  describe('with a usable keychain', () => {
    it('first run: a random 32-byte key, stored only sealed by safeStorage', async () => {
      const decision = decideKeySource(dataDir, 'linux', undefined)
      const key = keyOf(decision)
      expect(key).toHaveLength(32)
      expect(decision).not.toHaveProperty('notice')
      const envelope = readEnvelope(dataDir)
      expect(Object.keys(envelope?.slots ?? {})).toEqual(['safeStorage'])
      const raw = await readFile(join(dataDir, 'keys.json'), 'utf8')
      expect(raw).not.toContain(key.toString('base64'))
      expect(raw).not.toContain(key.toString('hex'))
    })

    it('later runs unseal the same key, and two fresh stores get different keys', async () => {
      const first = keyOf(decideKeySource(dataDir, 'linux', undefined))
      const again = keyOf(decideKeySource(dataDir, 'linux', undefined))
      expect(again.equals(first)).toBe(true)
      const otherDir = join(dataDir, '..', 'other')
      expect(keyOf(decideKeySource(otherDir, 'darwin', undefined)).equals(first)).toBe(false)
    })

    it('the sealed key opens the real encrypted store, which then adds its recovery slot', async () => {
      const clock = new ManualClock()
      const first = decideKeySource(dataDir, 'linux', undefined)
      if (!first.ok) throw new Error(first.message)
      const core = await createInProcessCore({ dataDir, keySource: first.keySource, clock, tickMs: 0 })
      const connection = await core.connect({ transport: 'electron', ip: null, device: 'test' })
      const setup = await core.call(connection, 'auth:setup', {
        accountName: 'Acme',
        plan: 'trial',
        seats: 5,
        ownerName: 'Ada Lovelace',
        ownerEmail: 'ada@example.com',
        ownerPassword: 'analytical-engine-1843'
      })
      expect(setup.ok).toBe(true)
      await core.close()
      expect(Object.keys(readEnvelope(dataDir)?.slots ?? {}).sort()).toEqual(['recovery', 'safeStorage'])

      // Next launch: the keychain alone reopens it.
      const second = decideKeySource(dataDir, 'linux', undefined)
      if (!second.ok) throw new Error(second.message)
      const reopened = await createInProcessCore({ dataDir, keySource: second.keySource, clock, tickMs: 0 })
      const status = await reopened.call(await reopened.connect({ transport: 'electron', ip: null, device: 'test' }), 'auth:status', {})
      expect(status).toMatchObject({ ok: true, value: { initialized: true, accounts: [{ name: 'Acme' }] } })
      await reopened.close()
    })

    it('a store the CLI created needs the passphrase once, then gains a keychain slot', async () => {
      const key = generateKey()
      await mkdir(dataDir, { recursive: true })
      writeEnvelope(dataDir, { version: 1, slots: { passphrase: wrapWithSecret(key, PASSPHRASE) } })

      const before = await snapshot(dataDir)
      const refused = decideKeySource(dataDir, 'linux', undefined)
      expect(refused).toMatchObject({ ok: false, message: expect.stringContaining('GATEHOUSE_PASSPHRASE') })
      expect(await snapshot(dataDir)).toEqual(before)

      expect(keyOf(decideKeySource(dataDir, 'linux', PASSPHRASE)).equals(key)).toBe(true)
      expect(Object.keys(readEnvelope(dataDir)?.slots ?? {}).sort()).toEqual(['passphrase', 'safeStorage'])
      // From now on no passphrase is needed.
      expect(keyOf(decideKeySource(dataDir, 'linux', undefined)).equals(key)).toBe(true)
    })

    it('a wrong passphrase is refused with a clear line and changes no file', async () => {
      await mkdir(dataDir, { recursive: true })
      writeEnvelope(dataDir, { version: 1, slots: { passphrase: wrapWithSecret(generateKey(), PASSPHRASE) } })
      await writeFile(join(dataDir, 'gatehouse.db'), 'pretend database bytes')
      const before = await snapshot(dataDir)
      const decision = decideKeySource(dataDir, 'linux', 'not the passphrase')
      expect(decision).toEqual({ ok: false, message: 'Wrong passphrase: the store was not opened and nothing was changed.' })
      expect(await snapshot(dataDir)).toEqual(before)
    })

    it('a keychain that can no longer unseal the key falls back to the passphrase, saying why', async () => {
      keyOf(decideKeySource(dataDir, 'linux', undefined))
      safeStorage.failDecrypt = true
      const decision = decideKeySource(dataDir, 'linux', PASSPHRASE)
      expect(decision).toEqual({
        ok: true,
        keySource: { kind: 'passphrase', passphrase: PASSPHRASE },
        notice: expect.stringContaining('could not unlock the stored key')
      })
      expect(decideKeySource(dataDir, 'linux', undefined)).toMatchObject({ ok: false })
    })

    it('refuses to mint a new key beside a database whose envelope is missing', async () => {
      await mkdir(dataDir, { recursive: true })
      await writeFile(join(dataDir, 'gatehouse.db'), 'encrypted bytes')
      const before = await snapshot(dataDir)
      expect(decideKeySource(dataDir, 'linux', undefined)).toMatchObject({ ok: false, message: expect.stringContaining('key envelope is missing') })
      expect(await snapshot(dataDir)).toEqual(before)
    })

    it('reports a damaged envelope instead of overwriting it', async () => {
      await mkdir(dataDir, { recursive: true })
      await writeFile(join(dataDir, 'keys.json'), '{ not json')
      expect(decideKeySource(dataDir, 'linux', undefined)).toMatchObject({ ok: false, message: expect.stringContaining('damaged') })
      expect(await readFile(join(dataDir, 'keys.json'), 'utf8')).toBe('{ not json')
    })
  })

  describe('without a trustworthy keychain (fail closed)', () => {
    it('refuses Linux basic_text even though encryption reports available', () => {
      safeStorage.backend = 'basic_text'
      expect(safeStorage.isEncryptionAvailable()).toBe(true)
      expect(keychainStatus('linux')).toMatchObject({ usable: false, reason: expect.stringContaining('No system keyring') })
    })

    it('basic_text with a passphrase: uses the passphrase, says why, writes nothing itself', async () => {
      safeStorage.backend = 'basic_text'
      const encrypt = vi.spyOn(safeStorage, 'encryptString')
      const decision = decideKeySource(dataDir, 'linux', PASSPHRASE)
      expect(decision).toEqual({
        ok: true,
        keySource: { kind: 'passphrase', passphrase: PASSPHRASE },
        notice: expect.stringMatching(/No system keyring.*GATEHOUSE_PASSPHRASE/)
      })
      expect(encrypt).not.toHaveBeenCalled()
      expect(existsSync(dataDir)).toBe(false)
    })

    it('basic_text without a passphrase: a clear refusal, no key stored', () => {
      safeStorage.backend = 'basic_text'
      const decision = decideKeySource(dataDir, 'linux', undefined)
      expect(decision).toMatchObject({ ok: false, message: expect.stringMatching(/will not store its key unprotected.*GATEHOUSE_PASSPHRASE/) })
      expect(existsSync(dataDir)).toBe(false)
    })

    it('basic_text also refuses an existing sealed slot rather than trusting it', async () => {
      keyOf(decideKeySource(dataDir, 'linux', undefined))
      safeStorage.backend = 'basic_text'
      expect(decideKeySource(dataDir, 'linux', undefined)).toMatchObject({ ok: false })
    })

    it('an unidentified Linux backend is refused too', () => {
      safeStorage.backend = 'unknown'
      expect(keychainStatus('linux')).toMatchObject({ usable: false })
    })

    it('macOS and Windows need only isEncryptionAvailable', () => {
      safeStorage.backend = 'unknown'
      expect(keychainStatus('darwin')).toEqual({ usable: true })
      safeStorage.available = false
      expect(keychainStatus('win32')).toMatchObject({ usable: false })
      expect(decideKeySource(dataDir, 'win32', undefined)).toMatchObject({ ok: false })
    })
  })
})
