import { spawnSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import Papa from 'papaparse'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { main } from '../../../src/main/cli/index'
import { ManualClock } from '../../../src/main/core/clock'
import { openTestCore, setupAccount, tempDir, TEST_PASSPHRASE, TEST_STORE, testDb, testPostgresDatabase, type TestCore } from '../../support/core'
import { hostileUsersCsv } from '../../support/users-csv'
import { auditSince, MEMBER_PASSWORD, quickMember, sessionOf } from '../../support/users'

/** `gatehouse users import|export` in this process (stdout captured), against a real store. */
describe('gatehouse users import / export', () => {
  let store: TestCore
  let admin: { email: string }
  let hostileFile: string
  const files = tempDir('gatehouse-cli-files-')
  const file = (name: string) => join(files.dir, name)
  const env = { ...process.env }
  // On PostgreSQL the CLI is pointed at the test's database with --store.
  let storeArgs: string[] = []

  beforeAll(async () => {
    const pg = TEST_STORE === 'postgres' ? await testPostgresDatabase() : undefined
    storeArgs = pg ? ['--store', pg.url] : []
    store = await openTestCore(undefined, new ManualClock(), pg)
    const { connectionId } = await setupAccount(store.core, { seats: 50 })
    for (const name of ['Support Tier 1', 'Billing Team']) await store.core.dispatch(connectionId, 'teams:create', { name })
    admin = await quickMember(store.core, { role: 'admin', email: 'ada.admin@example.com', name: 'Ada Admin' })
    hostileFile = file('hostile.csv')
    writeFileSync(hostileFile, hostileUsersCsv().text)
    await store.close()
  })
  afterAll(async () => {
    await store.dispose()
    files.remove()
  })
  afterEach(() => {
    process.env = { ...env }
    vi.restoreAllMocks()
  })

  async function run(args: string[], password = MEMBER_PASSWORD): Promise<{ code: number; stdout: string; stderr: string }> {
    process.env.GATEHOUSE_PASSPHRASE = TEST_PASSPHRASE
    process.env.GATEHOUSE_PASSWORD = password
    let stdout = ''
    let stderr = ''
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((stdout += String(chunk)), true))
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((stderr += String(chunk)), true))
    const code = await main(['node', 'gatehouse', '--data-dir', store.dir, ...storeArgs, ...args])
    vi.restoreAllMocks()
    return { code, stdout, stderr }
  }

  const persons = async () => {
    const t = await store.reopen()
    try {
      return (await testDb(t.core).all<{ email: string }>('SELECT email FROM persons ORDER BY email')).map((r) => r.email)
    } finally {
      await t.close()
    }
  }

  it('--dry-run --json: one JSON object per row, exit 0 because the file parsed, nothing invited', async () => {
    const before = await persons()
    const { code, stdout } = await run(['users', 'import', hostileFile, '--dry-run', '--json', '--as', admin.email])
    expect(code).toBe(0)
    const lines = stdout.trim().split('\n').map((l) => JSON.parse(l) as { row: number; email: string; status: string; reason: string | null })
    const { expected } = hostileUsersCsv()
    expect(lines.map((l) => [l.row, l.email, l.status])).toEqual(expected.map((e) => [e.row, e.email, e.status]))
    for (const e of expected.filter((x) => x.reason)) expect(lines.find((l) => l.row === e.row)!.reason).toMatch(e.reason!)
    expect(lines.every((l) => Object.keys(l).join() === 'row,email,status,reason')).toBe(true)
    expect(await persons()).toEqual(before)
  })

  it('import: invites the valid rows as the named member, writes nothing for refused rows, exits 1 naming the refusals', async () => {
    const errors = file('errors.csv')
    const { code, stdout, stderr } = await run(['users', 'import', hostileFile, '--as', admin.email, '--error-report', errors])
    expect(code).toBe(1)
    expect(stderr).toBe('gatehouse: 8 of 11 rows were refused and nothing was written for them; the others were invited.\n')
    expect(stdout).toMatch(/^row 2\tok1@example\.com\tinvited, link gatehouse:\/\/invite\/[A-Za-z0-9_-]{43}$/m)
    expect(stdout).toMatch(/^row 7\tghost@example\.com\trefused: unknown team: No Such Team$/m)
    expect(stdout).toMatch(/^3 invited, 8 refused; seats 5 of 50 used\.$/m)
    expect(await persons()).toEqual(['ada.admin@example.com', 'multi@example.com', 'ok1@example.com', 'ok2@example.com', 'olivia@example.com'])
    const report = Papa.parse<string[]>(readFileSync(errors, 'utf8').slice(1), { skipEmptyLines: true }).data
    expect(report).toHaveLength(9)
    // Audited as that member, signed in and out through the core.
    const t = await store.reopen()
    try {
      const events = (await auditSince(t.core, 0)).filter((e) => e.actorEmail === admin.email)
      expect(events.map((e) => e.action)).toEqual(['auth.signed-in', 'auth.signed-out', 'auth.signed-in', 'member.invited', 'member.invited', 'member.invited', 'users.imported', 'auth.signed-out'])
    } finally {
      await t.close()
    }
  })

  it('export --out: every person, formula cells neutralised, audited as the member', async () => {
    const out = file('export.csv')
    const { code, stderr } = await run(['users', 'export', '--out', out, '--as', admin.email])
    expect(code).toBe(0)
    expect(stderr).toMatch(/^Exported 5 people to /)
    const table = Papa.parse<string[]>(readFileSync(out, 'utf8').replace(/^\uFEFF/, ''), { skipEmptyLines: true }).data
    expect(table).toHaveLength(6)
    expect(table.find((r) => r[0] === 'ok2@example.com')![1]).toBe(`'=HYPERLINK("http://evil.example","click")`)
    expect(table.flat().filter((cell) => /^[=+\-@\t\r]/.test(cell))).toEqual([])
    const t = await store.reopen()
    try {
      expect((await auditSince(t.core, 0)).filter((e) => e.action === 'users.exported')).toEqual([expect.objectContaining({ actorEmail: admin.email })])
    } finally {
      await t.close()
    }
  })

  it('refuses a wrong password, a role without the permission, a missing file and a file over 10 MB, each in one line', async () => {
    expect(await run(['users', 'export', '--as', admin.email], 'not-the-password')).toMatchObject({
      code: 1,
      stderr: 'gatehouse: Cannot sign in as ada.admin@example.com: Wrong email or password.\n'
    })
    const t = await store.reopen()
    const viewer = await quickMember(t.core, { role: 'viewer', email: 'vic.viewer@example.com' })
    await sessionOf(t.core, viewer.membershipId)
    await t.close()
    expect(await run(['users', 'import', hostileFile, '--dry-run', '--as', viewer.email])).toMatchObject({ code: 1, stderr: 'gatehouse: Your role does not allow this.\n' })
    expect((await run(['users', 'import', join(store.dir, 'missing.csv'), '--as', admin.email])).stderr).toMatch(/^gatehouse: No such file: /)
    const huge = file('huge.csv')
    writeFileSync(huge, `email,role\n${'x'.repeat(11 * 1024 * 1024)}\n`)
    expect((await run(['users', 'import', huge, '--as', admin.email])).stderr).toBe('gatehouse: The file is 11.0 MB; files over 10 MB are refused. Split it into smaller files.\n')
  })

  it('as a separate process: exit status 0 for a dry run, 1 when rows are refused', () => {
    const cli = join(process.cwd(), 'src/main/cli/index.ts')
    const spawnEnv = { ...process.env, GATEHOUSE_PASSPHRASE: TEST_PASSPHRASE, GATEHOUSE_PASSWORD: MEMBER_PASSWORD, NO_COLOR: '1' }
    const dry = spawnSync(process.execPath, ['--import', 'tsx', cli, '--data-dir', store.dir, ...storeArgs, 'users', 'import', hostileFile, '--dry-run', '--as', admin.email], {
      env: spawnEnv,
      encoding: 'utf8'
    })
    expect(dry.status, dry.stderr).toBe(0)
    expect(dry.stdout).toMatch(/0 would be invited, 11 refused/)
    const real = spawnSync(process.execPath, ['--import', 'tsx', cli, '--data-dir', store.dir, ...storeArgs, 'users', 'import', hostileFile, '--json', '--as', admin.email], {
      env: spawnEnv,
      encoding: 'utf8'
    })
    expect(real.status).toBe(1)
    expect(real.stdout.trim().split('\n')).toHaveLength(11)
  }, 60_000)
})
