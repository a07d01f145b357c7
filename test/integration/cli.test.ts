import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { main } from '../../src/main/cli/index'
import { openCore } from '../../src/main/core/in-process'
import { fileDigests, filesContaining, flipByte, tempDir, TEST_STORE, testPostgresDatabase } from '../support/core'

const REPO = fileURLToPath(new URL('../..', import.meta.url))
const CLI = join(REPO, 'src/main/cli/index.ts')
const PASSPHRASE = 'cli test passphrase'
const OWNER_PASSWORD = 'copper-meadow-lantern-19'
const ACCOUNT = 'Quillfeather Logistics'
const OWNER_EMAIL = 'casey.cli@quillfeather.example'

interface Run {
  code: number
  stdout: string
  stderr: string
}

/** Run the CLI's main() in this process with the given environment, capturing its output. */
async function gatehouse(args: string[], env: Record<string, string | undefined> = {}): Promise<Run> {
  const saved = {
    GATEHOUSE_PASSPHRASE: process.env.GATEHOUSE_PASSPHRASE,
    GATEHOUSE_OWNER_PASSWORD: process.env.GATEHOUSE_OWNER_PASSWORD,
    GATEHOUSE_STORE: process.env.GATEHOUSE_STORE
  }
  // No store named unless a test names one (--store or GATEHOUSE_STORE): the SQLite file by default.
  const all = { GATEHOUSE_PASSPHRASE: PASSPHRASE, GATEHOUSE_OWNER_PASSWORD: OWNER_PASSWORD, GATEHOUSE_STORE: undefined, ...env }
  for (const [k, v] of Object.entries(all)) {
    if (v === undefined) delete process.env[k]
    else process.env[k] = v
  }
  let stdout = ''
  let stderr = ''
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((stdout += String(chunk)), true))
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((stderr += String(chunk)), true))
  try {
    const code = await main(['node', 'gatehouse', ...args])
    return { code, stdout, stderr }
  } finally {
    out.mockRestore()
    err.mockRestore()
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k]
      else process.env[k] = v
    }
  }
}

/** One line on stderr, prefixed, with no stack trace. */
function expectOneLineError(run: Run, pattern: RegExp): void {
  expect(run.code).not.toBe(0)
  expect(run.stdout).toBe('')
  expect(run.stderr).toMatch(/^gatehouse: [^\n]+\n$/)
  expect(run.stderr).toMatch(pattern)
  expect(run.stderr).not.toMatch(/\n\s+at /)
}

const INIT = ['init', '--account', ACCOUNT, '--owner-email', OWNER_EMAIL, '--owner-name', 'Casey Quill', '--plan', 'trial', '--seats', '40']

describe('gatehouse CLI', () => {
  let temp: { dir: string; remove: () => void }
  let data: string

  beforeAll(() => {
    temp = tempDir('gatehouse-cli-')
    data = join(temp.dir, 'data')
  })
  afterAll(() => temp.remove())
  afterEach(() => vi.restoreAllMocks())

  it('init refuses without GATEHOUSE_OWNER_PASSWORD, creating nothing', async () => {
    const run = await gatehouse(['--data-dir', data, ...INIT], { GATEHOUSE_OWNER_PASSWORD: undefined })
    expectOneLineError(run, /GATEHOUSE_OWNER_PASSWORD/)
    expect(existsSync(data)).toBe(false)
  })

  it('init with a password setup would refuse creates nothing (a retry is not locked out)', async () => {
    const run = await gatehouse(['--data-dir', data, ...INIT], { GATEHOUSE_OWNER_PASSWORD: 'short' })
    expectOneLineError(run, /at least 12 characters/)
    expect(existsSync(data)).toBe(false)
  })

  it('asks for a passphrase it cannot prompt for in one line', async () => {
    const run = await gatehouse(['--data-dir', data, ...INIT], { GATEHOUSE_PASSPHRASE: undefined })
    expectOneLineError(run, /GATEHOUSE_PASSPHRASE/)
    expect(existsSync(data)).toBe(false)
  })

  it('init creates the store and prints the recovery key, exit 0', async () => {
    const run = await gatehouse(['--data-dir', data, ...INIT])
    expect(run).toMatchObject({ code: 0, stderr: '' })
    expect(run.stdout).toContain(`Created ${ACCOUNT} in ${data}.`)
    expect(run.stdout).toMatch(/\n {2}[0-9A-HJKMNP-TV-Z]{5}(-[0-9A-HJKMNP-TV-Z]{5}){7}\n/)
    expect(readdirSync(data).sort()).toEqual(['gatehouse.db', 'gatehouse.head', 'keys.json'])
  })

  it('init again fails with one line and adds no file', async () => {
    const before = fileDigests(data)
    const run = await gatehouse(['--data-dir', data, ...INIT])
    expectOneLineError(run, /already set up/)
    expect(Object.keys(fileDigests(data))).toEqual(Object.keys(before))
  })

  it('a wrong passphrase exits non-zero with one line on stderr and changes no file, for every command', async () => {
    const before = fileDigests(data)
    for (const args of [['demo', '--users', '10', '--events', '10'], ['audit', 'verify'], INIT]) {
      const run = await gatehouse(['--data-dir', data, ...args], { GATEHOUSE_PASSPHRASE: 'not the passphrase' })
      expectOneLineError(run, /^gatehouse: Wrong passphrase: the store was not opened and nothing was changed\.\n$/)
      expect(fileDigests(data), args.join(' ')).toEqual(before)
    }
  })

  it('demo adds people and events, and audit verify passes with the count and the root', async () => {
    const demo = await gatehouse(['--data-dir', data, 'demo', '--users', '500', '--events', '3000', '--seed', '5'])
    expect(demo).toEqual({ code: 0, stdout: 'Added 500 people, 3000 audit events and 1769 login events.\n', stderr: '' })
    const verify = await gatehouse(['--data-dir', data, 'audit', 'verify'])
    expect(verify.code).toBe(0)
    expect(verify.stderr).toBe('')
    expect(verify.stdout).toMatch(/^Audit ledger verified: 3002 events, root [0-9a-f]{64}, 2 signed tree heads; checked in one pass in \d+\.\d s\.\n$/)
  })

  it('keeps the account name and the owner email out of every file in the data folder', () => {
    for (const secret of [ACCOUNT, OWNER_EMAIL, 'Casey Quill', 'quillfeather']) {
      expect(filesContaining(data, secret), secret).toEqual([])
    }
  })

  it('audit sign adds a head that verify then counts', async () => {
    const sign = await gatehouse(['--data-dir', data, 'audit', 'sign'])
    expect(sign.code).toBe(0)
    expect(sign.stdout).toMatch(/^Signed tree head: 3002 events, root [0-9a-f]{64}\.\n$/)
    expect((await gatehouse(['--data-dir', data, 'audit', 'verify'])).stdout).toContain('3 signed tree heads')
  })

  it('audit verify --checkpoint, then --incremental: only the events since, with a consistency proof; a bad checkpoint file is one line', async () => {
    const checkpoint = join(temp.dir, 'verified.json')
    const full = await gatehouse(['--data-dir', data, 'audit', 'verify', '--checkpoint', checkpoint])
    expect(full.stdout).toMatch(/checkpoint at the signed head of 3002 written to .*verified\.json\.\n$/)
    expect(JSON.parse(readFileSync(checkpoint, 'utf8'))).toMatchObject({ format: 'gatehouse-verify-checkpoint', size: 3002, lastIncremental: null })
    expect((await gatehouse(['--data-dir', data, 'demo', '--users', '5', '--events', '40', '--seed', '6'])).code).toBe(0)
    // demo signs a head when it is done; audit sign adds a second at the same size.
    expect((await gatehouse(['--data-dir', data, 'audit', 'sign'])).code).toBe(0)
    const incremental = await gatehouse(['--data-dir', data, 'audit', 'verify', '--incremental', '--checkpoint', checkpoint])
    expect(incremental.stderr).toBe('')
    expect(incremental.stdout).toMatch(/^Audit ledger verified incrementally: 40 events appended since the signed head at 3002, 2 newer signed heads, consistency proof 3002 -> 3042 \(\d+ hashes\) built and checked; 3042 events in all, root at 3042 [0-9a-f]{64}; events up to 3002 last checked in full \d{4}-.*; checked in \d+ ms \(\d+\.\d\d s with opening the store\)\.\n$/)
    expect(JSON.parse(readFileSync(checkpoint, 'utf8'))).toMatchObject({ size: 3042, lastIncremental: expect.any(Number) })
    const again = await gatehouse(['--data-dir', data, 'audit', 'verify', '--incremental', '--checkpoint', checkpoint])
    expect(again.stdout).toMatch(/^Audit ledger verified incrementally: 0 events appended since the signed head at 3042, no newer signed head;/)

    expectOneLineError(await gatehouse(['--data-dir', data, 'audit', 'verify', '--incremental']), /--incremental needs --checkpoint <file>/)
    expectOneLineError(await gatehouse(['--data-dir', data, 'audit', 'verify', '--incremental', '--checkpoint', join(temp.dir, 'none.json')]), /There is no verify checkpoint at .*none\.json: run a full/)
    writeFileSync(checkpoint, '{"format":"gatehouse-verify-checkpoint"')
    expectOneLineError(await gatehouse(['--data-dir', data, 'audit', 'verify', '--incremental', '--checkpoint', checkpoint]), /verified\.json is not a Gatehouse verify checkpoint \(it is not JSON\); nothing was checked\./)
    writeFileSync(checkpoint, JSON.stringify({ format: 'gatehouse-verify-checkpoint', v: 2 }))
    expectOneLineError(await gatehouse(['--data-dir', data, 'audit', 'verify', '--incremental', '--checkpoint', checkpoint]), /is not a Gatehouse verify checkpoint \(its field "v" is not what a verify writes\)/)
    // A checkpoint of another tree (3042 = 7 perfect subtrees, but not this ledger's): refused, naming what to do.
    const forged = { format: 'gatehouse-verify-checkpoint', v: 1, size: 3042, root: 'ab'.repeat(32), frontier: Buffer.alloc(32 * 7).toString('base64'), signedAt: 0, lastFull: null, lastIncremental: null }
    writeFileSync(checkpoint, JSON.stringify(forged))
    expectOneLineError(await gatehouse(['--data-dir', data, 'audit', 'verify', '--incremental', '--checkpoint', checkpoint]), /FAILED: The tree head signed at size 3042 is not the one the last verify passed.*Run a full verify\./)
  })

  it('commands on a folder without a store say so in one line', async () => {
    const empty = join(temp.dir, 'nothing-here')
    for (const args of [['demo'], ['audit', 'verify']]) {
      const run = await gatehouse(['--data-dir', empty, ...args])
      expectOneLineError(run, /No Gatehouse store in/)
    }
    expect(existsSync(empty)).toBe(false)
  })

  it('after one byte in the middle of the database is flipped, audit verify fails in one line naming the file', async () => {
    flipByte(join(data, 'gatehouse.db'))
    const run = await gatehouse(['--data-dir', data, 'audit', 'verify'])
    expectOneLineError(run, /damaged/)
    expect(run.stderr).toContain(join(data, 'gatehouse.db'))
    expect(run.code).toBe(1)
  })

  it('as a real process: the damaged store gives exit 1 and one line, no stack trace', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', CLI, '--data-dir', data, 'audit', 'verify'], {
      cwd: REPO,
      env: { ...process.env, GATEHOUSE_PASSPHRASE: PASSPHRASE, NO_COLOR: '1' },
      encoding: 'utf8',
      timeout: 60_000
    })
    expect(result.status).toBe(1)
    expect(result.stdout).toBe('')
    expect(result.stderr).toMatch(/^gatehouse: The database file .*gatehouse\.db is damaged[^\n]*\n$/)
  })

  it('as a real process: a wrong passphrase gives exit 1 and one line', () => {
    const before = fileDigests(data)
    const result = spawnSync(process.execPath, ['--import', 'tsx', CLI, '--data-dir', data, 'audit', 'verify'], {
      cwd: REPO,
      env: { ...process.env, GATEHOUSE_PASSPHRASE: 'wrong passphrase', NO_COLOR: '1' },
      encoding: 'utf8',
      timeout: 60_000
    })
    expect(result.status).toBe(1)
    expect(result.stderr).toBe('gatehouse: Wrong passphrase: the store was not opened and nothing was changed.\n')
    expect(fileDigests(data)).toEqual(before)
  })
})

// The postgres project runs it (its harness starts the server).
describe.runIf(TEST_STORE === 'postgres')('gatehouse CLI on a PostgreSQL store (--store)', () => {
  let temp: { dir: string; remove: () => void }
  let pg: { url: string; drop: () => Promise<void> }

  beforeAll(async () => {
    temp = tempDir('gatehouse-cli-pg-')
    pg = await testPostgresDatabase()
  })
  afterAll(async () => {
    await pg.drop()
    temp.remove()
  })
  afterEach(() => vi.restoreAllMocks())

  it('init --store, demo --store and audit verify --store pass; the data folder gets no database file', async () => {
    const data = join(temp.dir, 'data')
    const init = await gatehouse(['--data-dir', data, ...INIT, '--store', pg.url])
    expect(init.stderr).toBe('')
    expect(init.code).toBe(0)
    expect(init.stdout).toContain(`Created ${ACCOUNT} in postgres://`)
    expect(init.stdout).toMatch(/\n {2}[0-9A-HJKMNP-TV-Z]{5}(-[0-9A-HJKMNP-TV-Z]{5}){7}\n/)
    const demo = await gatehouse(['--data-dir', data, 'demo', '--users', '50', '--events', '200', '--store', pg.url])
    expect(demo).toEqual({ code: 0, stdout: 'Added 50 people, 200 audit events and 100 login events.\n', stderr: '' })
    // GATEHOUSE_STORE names the store as --store does.
    const verify = await gatehouse(['--data-dir', data, 'audit', 'verify'], { GATEHOUSE_STORE: pg.url })
    expect(verify.stderr).toBe('')
    expect(verify.stdout).toMatch(/^Audit ledger verified: 202 events, root [0-9a-f]{64}, 2 signed tree heads; checked in one pass in \d+\.\d s\.\n$/)
    expect(existsSync(join(data, 'gatehouse.db'))).toBe(false)
    const wrong = await gatehouse(['--data-dir', data, 'audit', 'verify', '--store', pg.url], { GATEHOUSE_PASSPHRASE: 'not the passphrase' })
    expectOneLineError(wrong, /Wrong passphrase/)
  })
})

describe('a second writing core on the same store is refused; audit verify works beside it', () => {
  // SQLite in the sqlite project, PostgreSQL in the postgres project (whose harness starts the server).
  const all: Array<[string, () => Promise<{ args: string[]; store?: string; dataDir: string; done: () => Promise<void> }>]> = [
    [
      'SQLite',
      async () => {
        const temp = tempDir('gatehouse-cli-lock-')
        const dataDir = join(temp.dir, 'data')
        return { args: ['--data-dir', dataDir], dataDir, done: async () => temp.remove() }
      }
    ],
    [
      'PostgreSQL',
      async () => {
        const temp = tempDir('gatehouse-cli-lock-pg-')
        const pg = await testPostgresDatabase()
        const dataDir = join(temp.dir, 'data')
        return {
          args: ['--data-dir', dataDir, '--store', pg.url],
          store: pg.url,
          dataDir,
          done: async () => {
            await pg.drop()
            temp.remove()
          }
        }
      }
    ]
  ]
  afterEach(() => vi.restoreAllMocks())

  const stores = all.filter(([name]) => (name === 'PostgreSQL') === (TEST_STORE === 'postgres'))
  for (const [name, make] of stores) {
    it(`on ${name}`, async () => {
      const target = await make()
      try {
        expect((await gatehouse([...target.args, ...INIT])).code).toBe(0)
        // A running server: a writing core holding the store.
        const running = await openCore({ dataDir: target.dataDir, store: target.store, keySource: { kind: 'passphrase', passphrase: PASSPHRASE }, tickMs: 0, create: false })
        try {
          for (const args of [['demo', '--users', '5', '--events', '5'], ['audit', 'sign'], INIT]) {
            const run = await gatehouse([...target.args, ...args])
            expectOneLineError(run, /^gatehouse: Another Gatehouse process .*is already running on .*; stop it first\. Read-only commands \(audit verify, exports\) work beside it\.\n$/)
          }
          const verify = await gatehouse([...target.args, 'audit', 'verify'])
          expect(verify.stderr).toBe('')
          expect(verify.code).toBe(0)
          expect(verify.stdout).toMatch(/^Audit ledger verified: 2 events, root [0-9a-f]{64}, 1 signed tree heads; checked in one pass in \d+\.\d s\.\n$/)
        } finally {
          await running.close()
        }
        // Once it stopped, a writing command works again.
        expect((await gatehouse([...target.args, 'audit', 'sign'])).code).toBe(0)
      } finally {
        await target.done()
      }
    })
  }
})
