import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { main } from '../../src/main/cli/index'
import { ManualClock } from '../../src/main/core/clock'
import { openCore } from '../../src/main/core/in-process'
import { call, META, tempDir, testDb } from '../support/core'
import { accountIdOf } from './support-access-fixtures'

const PASSPHRASE = 'support agent cli passphrase'
const OWNER_PASSWORD = 'harbour-lantern-copper-77'
const AGENT_PASSWORD = 'vendor-staff-secret-2026'

interface Run {
  code: number
  stdout: string
  stderr: string
}

/** `gatehouse …` through the CLI's main() in this process, with its environment, capturing output. */
async function gatehouse(args: string[], env: Record<string, string | undefined> = {}): Promise<Run> {
  const keys = ['GATEHOUSE_PASSPHRASE', 'GATEHOUSE_OWNER_PASSWORD', 'GATEHOUSE_AGENT_PASSWORD'] as const
  const saved = Object.fromEntries(keys.map((k) => [k, process.env[k]]))
  const all: Record<string, string | undefined> = { GATEHOUSE_PASSPHRASE: PASSPHRASE, GATEHOUSE_OWNER_PASSWORD: OWNER_PASSWORD, ...env }
  for (const k of keys) {
    if (all[k] === undefined) delete process.env[k]
    else process.env[k] = all[k]
  }
  let stdout = ''
  let stderr = ''
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((stdout += String(chunk)), true))
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((stderr += String(chunk)), true))
  try {
    return { code: await main(['node', 'gatehouse', ...args]), stdout, stderr }
  } finally {
    out.mockRestore()
    err.mockRestore()
    for (const k of keys) {
      if (saved[k] === undefined) delete process.env[k]
      else process.env[k] = saved[k]
    }
  }
}

function expectOneLineError(run: Run, pattern: RegExp): void {
  expect(run.code).not.toBe(0)
  expect(run.stdout).toBe('')
  expect(run.stderr).toMatch(/^gatehouse: [^\n]+\n$/)
  expect(run.stderr).toMatch(pattern)
}

describe('gatehouse support-agent', () => {
  let temp: { dir: string; remove: () => void }
  let data: string
  const agent = (sub: string[], env: Record<string, string | undefined> = {}) => gatehouse(['--data-dir', data, 'support-agent', ...sub], env)

  beforeAll(async () => {
    temp = tempDir('gatehouse-support-cli-')
    data = `${temp.dir}/data`
    const init = await gatehouse(['--data-dir', data, 'init', '--account', 'Acme Support', '--owner-email', 'olivia@example.com', '--owner-name', 'Olivia Owner'])
    expect(init.code).toBe(0)
  })
  afterAll(() => temp.remove())

  it('says there are none yet', async () => {
    expect(await agent(['list'])).toEqual({ code: 0, stdout: 'No support agents.\n', stderr: '' })
  })

  it('adds agents with the password from GATEHOUSE_AGENT_PASSWORD, applying the password policy', async () => {
    expectOneLineError(await agent(['add', '--email', 'sam@vendor.example', '--name', 'Sam Support']), /GATEHOUSE_AGENT_PASSWORD/)
    expectOneLineError(await agent(['add', '--email', 'sam@vendor.example', '--name', 'Sam Support'], { GATEHOUSE_AGENT_PASSWORD: 'short' }), /at least 12 characters/)
    expectOneLineError(await agent(['add', '--email', 'not-an-email', '--name', 'Sam Support'], { GATEHOUSE_AGENT_PASSWORD: AGENT_PASSWORD }), /valid email/)
    const added = await agent(['add', '--email', 'sam@vendor.example', '--name', 'Sam Support'], { GATEHOUSE_AGENT_PASSWORD: AGENT_PASSWORD })
    expect(added).toEqual({ code: 0, stdout: 'Added support agent Sam Support <sam@vendor.example>.\n', stderr: '' })
    expect((await agent(['add', '--email', 'ada@vendor.example', '--name', 'Ada Helpdesk'], { GATEHOUSE_AGENT_PASSWORD: AGENT_PASSWORD })).code).toBe(0)
    expectOneLineError(await agent(['add', '--email', 'SAM@vendor.example', '--name', 'Sam Again'], { GATEHOUSE_AGENT_PASSWORD: AGENT_PASSWORD }), /already exists/)
  })

  it('lists them by name', async () => {
    const run = await agent(['list'])
    expect(run.code).toBe(0)
    const lines = run.stdout.trimEnd().split('\n')
    expect(lines[0]).toMatch(/^EMAIL\s+ADDED \(UTC\)\s+NAME$/)
    expect(lines.slice(1).map((l) => l.split(/\s{2,}/)[0])).toEqual(['ada@vendor.example', 'sam@vendor.example'])
    expect(lines[1]).toMatch(/Ada Helpdesk$/)
  })

  it('lets an added agent sign in once the Owner turns access on, and audits the CLI as the system', async () => {
    const clock = new ManualClock(Date.now())
    const core = await openCore({ dataDir: data, keySource: { kind: 'passphrase', passphrase: PASSPHRASE }, clock, tickMs: 0, create: false })
    try {
      const owner = core.connect(META)
      await call(core, owner, 'auth:sign-in', { email: 'olivia@example.com', password: OWNER_PASSWORD })
      // init makes a paid account: access is off until the Owner turns it on.
      await call(core, owner, 'support-access:extend', { duration: 'day', scope: 'read-only' })
      const conn = core.connect(META)
      const info = await call<{ principal: { kind: string; name: string } }>(core, conn, 'auth:support-sign-in', {
        email: 'sam@vendor.example',
        password: AGENT_PASSWORD,
        account: await accountIdOf(core)
      })
      expect(info.principal).toMatchObject({ kind: 'support', name: 'Sam Support' })
      const audit = await testDb(core).all("SELECT actor_kind, actor_name, account_id FROM audit_events WHERE action = 'support-agent.added' ORDER BY seq")
      expect(audit).toEqual([
        { actor_kind: 'system', actor_name: 'Vendor CLI (gatehouse support-agent)', account_id: null },
        { actor_kind: 'system', actor_name: 'Vendor CLI (gatehouse support-agent)', account_id: null }
      ])
    } finally {
      await core.close()
    }
  })

  it('removes an agent: gone from the list, and their sign-in is refused', async () => {
    expect(await agent(['remove', '--email', 'Sam@Vendor.example'])).toEqual({ code: 0, stdout: 'Removed support agent Sam Support <sam@vendor.example>.\n', stderr: '' })
    expectOneLineError(await agent(['remove', '--email', 'sam@vendor.example']), /No support agent has the email sam@vendor\.example/)
    expect((await agent(['list'])).stdout).not.toContain('sam@vendor.example')
    const core = await openCore({ dataDir: data, keySource: { kind: 'passphrase', passphrase: PASSPHRASE }, tickMs: 0, create: false })
    try {
      const refused = await core.dispatch(core.connect(META), 'auth:support-sign-in', { email: 'sam@vendor.example', password: AGENT_PASSWORD, account: await accountIdOf(core) })
      expect(refused).toEqual({ ok: false, error: { code: 'UNAUTHENTICATED', message: 'Wrong email or password.' } })
      expect(await testDb(core).get("SELECT count(*) AS n FROM audit_events WHERE action = 'support-agent.removed'")).toEqual({ n: 1 })
    } finally {
      await core.close()
    }
  })

  it('refuses a missing store with one line', async () => {
    expectOneLineError(await gatehouse(['--data-dir', `${temp.dir}/nowhere`, 'support-agent', 'list']), /No Gatehouse store/)
  })
})
