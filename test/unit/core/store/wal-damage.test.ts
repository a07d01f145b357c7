import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AppError } from '../../../../src/shared/contract/result'
import { openCore } from '../../../../src/main/core/in-process'
import { verifyLedger } from '../../../../src/main/core/audit/verify'
import { HEAD_FILE } from '../../../../src/main/core/store/head-file'
import { inspectWal } from '../../../../src/main/core/store/wal-check'
import { call, fileDigests, openTestCore, setupAccount, TEST_PASSPHRASE, TEST_STORE, tempDir, testDb } from '../../../support/core'

/**
 * Issue 8 item 1: a damaged write-ahead log must not lose committed work silently. A crash image
 * of the data folder is taken while the core runs (database + WAL + the head kept beside them),
 * then the WAL is damaged: every open must refuse with the count of missing events, change no
 * file, and only `acceptLoss` opens it (audited). SQLite only: PostgreSQL keeps its own WAL.
 */
const FILES = ['gatehouse.db', 'gatehouse.db-wal', 'keys.json', HEAD_FILE]
const source = { kind: 'passphrase' as const, passphrase: TEST_PASSPHRASE }

describe.skipIf(TEST_STORE !== 'sqlite')('a damaged write-ahead log', () => {
  const image = tempDir('gatehouse-crash-image-')
  let committedEvents = 0

  beforeAll(async () => {
    const tc = await openTestCore()
    const { connectionId } = await setupAccount(tc.core)
    for (let i = 0; i < 12; i++) await call(tc.core, connectionId, 'teams:create', { name: `Team ${i}`, description: 'x'.repeat(480) })
    committedEvents = await tc.core.ledger.size()
    // The head beside the database is written shortly after commits.
    await new Promise((done) => setTimeout(done, 600))
    for (const file of FILES) if (existsSync(join(tc.dir, file))) copyFileSync(join(tc.dir, file), join(image.dir, file))
    await tc.dispose()
  }, 120_000)
  afterAll(() => image.remove())

  function crashCopy(damage: (wal: string) => void): string {
    const dir = tempDir().dir
    mkdirSync(dir, { recursive: true })
    for (const file of FILES) copyFileSync(join(image.dir, file), join(dir, file))
    damage(join(dir, 'gatehouse.db-wal'))
    return dir
  }

  async function refusal(dir: string): Promise<AppError> {
    try {
      const core = await openCore({ dataDir: dir, keySource: source, tickMs: 0 })
      await core.close()
    } catch (error) {
      return error as AppError
    }
    throw new Error('the store opened')
  }

  it('the crash image itself opens, with every committed event (the control case)', async () => {
    expect(readFileSync(join(image.dir, 'gatehouse.db-wal')).length).toBeGreaterThan(32)
    const dir = crashCopy(() => {})
    const core = await openCore({ dataDir: dir, keySource: source, tickMs: 0 })
    expect(await core.ledger.size()).toBe(committedEvents)
    await core.close()
  })

  const LOST = /The store has lost [\d,]+ committed audit events?: [\d,]+ were recorded at .*, [\d,]+ are present/
  const damages: Array<[string, (wal: string) => void, RegExp]> = [
    ['cut to its header', (wal) => truncateSync(wal, 32), LOST],
    ['truncated in the middle', (wal) => truncateSync(wal, Math.floor(readFileSync(wal).length / 2)), LOST],
    [
      'one byte flipped in an early frame',
      (wal) => {
        const bytes = readFileSync(wal)
        bytes[32 + 24 + 100] = bytes[32 + 24 + 100]! ^ 0xff
        writeFileSync(wal, bytes)
      },
      // Seen in the WAL's own frames first (committed frames follow the damaged one).
      /The write-ahead log gatehouse\.db-wal is damaged at frame 1/
    ]
  ]
  for (const [what, damage, expected] of damages) {
    it(`is refused when the WAL is ${what}: one clear message, no file changed, nothing folded in`, async () => {
      const dir = crashCopy(damage)
      const before = fileDigests(dir)
      const error = await refusal(dir)
      expect(error.code).toBe('CONFLICT')
      expect(error.message).toMatch(expected)
      expect(error.message).toContain('gatehouse store accept-loss')
      expect(Object.keys(fileDigests(dir)).sort()).toEqual(Object.keys(before).sort())
      expect(fileDigests(dir)).toEqual(before)
      // Refused again on the next try: nothing was folded in by the first.
      expect((await refusal(dir)).message).toBe(error.message)
    })
  }

  it("reads the WAL's frames: an intact crash image replays every frame it committed", () => {
    const report = inspectWal(join(image.dir, 'gatehouse.db-wal'))!
    expect(report.frames).toBeGreaterThan(3)
    expect(report.replayed).toBe(report.frames)
    expect(report.damage).toBeNull()
    expect(report.tornTail).toBe(false)
  })

  it('tells a torn final write (a crash mid-append) from damage: a cut frame is only a torn tail', () => {
    const dir = crashCopy((wal) => truncateSync(wal, readFileSync(wal).length - 100))
    const report = inspectWal(join(dir, 'gatehouse.db-wal'))!
    expect(report.damage).toBeNull()
    expect(report.tornTail).toBe(true)
  })

  it('finds a damaged frame with committed frames after it, even without the head beside the database', async () => {
    const dir = crashCopy((wal) => {
      const bytes = readFileSync(wal)
      bytes[32 + 24 + 100] = bytes[32 + 24 + 100]! ^ 0xff
      writeFileSync(wal, bytes)
    })
    const report = inspectWal(join(dir, 'gatehouse.db-wal'))!
    expect(report.damage).toEqual({ frame: 1, lostCommits: expect.any(Number) })
    expect(report.damage!.lostCommits).toBeGreaterThan(0)
    rmSync(join(dir, HEAD_FILE))
    const before = fileDigests(dir)
    const error = await refusal(dir)
    expect(error.message).toMatch(/^The write-ahead log gatehouse\.db-wal is damaged at frame 1 of \d+: \d+ committed transactions? after it would be dropped\./)
    expect(fileDigests(dir)).toEqual(before)
  })

  it('opens only when the loss is accepted, and the acceptance is in the audit log', async () => {
    const dir = crashCopy((wal) => truncateSync(wal, 32))
    const core = await openCore({ dataDir: dir, keySource: source, tickMs: 0, acceptLoss: true })
    const size = await core.ledger.size()
    expect(size).toBeLessThan(committedEvents + 1)
    const row = await testDb(core).get<{ action: string; before_json: string; after_json: string }>(
      "SELECT action, before_json, after_json FROM audit_events WHERE action = 'store.loss-accepted'"
    )
    expect(row).toBeDefined()
    expect(JSON.parse(row!.before_json).events).toBe(committedEvents)
    expect((await verifyLedger(core.store.db)).ok).toBe(true)
    await core.close()
    // The head beside the database now matches what is there: an ordinary open works again.
    const again = await openCore({ dataDir: dir, keySource: source, tickMs: 0 })
    expect(await again.ledger.size()).toBe(size)
    await again.close()
  })
})
