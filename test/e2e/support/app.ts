import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { expect, test as base, type Page } from '@playwright/test'
import { createTestDatabase } from '../../support/postgres'
import { expectAccessible } from './axe'
import { TEST_TLS_CERT_FILE } from '../../support/test-tls'

/** The build under test; `GATEHOUSE_E2E_BUILD` points elsewhere (e.g. a private build) when needed. */
const BUILD_DIR = resolve(process.env.GATEHOUSE_E2E_BUILD ?? 'out')
const CLI = join(BUILD_DIR, 'main', 'cli.js')
const PASSPHRASE = 'e2e passphrase: lantern orchard 4417'
const URL_PATTERN = /http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]+/
const START_TIMEOUT_MS = 30_000
const STOP_TIMEOUT_MS = 10_000

export interface Owner {
  account: string
  name: string
  email: string
  password: string
}

export const DEFAULT_OWNER: Owner = {
  account: 'Northwind Traders',
  name: 'Ada Lovelace',
  email: 'ada@northwind.example',
  password: 'violet-harbour-kettle-92'
}

export interface AppOptions {
  /** Run `gatehouse init` before serving; absent: the console opens on first-run setup. */
  init?: Owner & { plan?: 'trial' | 'paid'; seats?: number }
  /** Run `gatehouse demo` after init. */
  demo?: { users: number; events: number; seed?: number; logins?: number }
  /** How long init, demo and the start may take (3 minutes unless said). */
  setupTimeoutMs?: number
  /** Further commands before the server starts (one writing process per store: e.g. `support-agent add`). */
  before?: Array<{ args: string[]; env?: NodeJS.ProcessEnv }>
}

interface RunResult {
  code: number | null
  stdout: string
  stderr: string
}

function run(args: string[], env: NodeJS.ProcessEnv): Promise<RunResult> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.on('error', fail)
    child.on('close', (code) => done({ code, stdout, stderr }))
  })
}

/**
 * One `gatehouse serve` over a fresh data folder: the real core, store and web host, driven through
 * Chromium exactly as a person would. Nothing is stubbed.
 */
export class App {
  private constructor(
    readonly dataDir: string,
    readonly url: string,
    private readonly server: ChildProcess,
    private readonly output: { stderr: string },
    private readonly env: NodeJS.ProcessEnv,
    private readonly database: { url: string; drop: () => Promise<void> } | null
  ) {}

  /** Which store this app runs on. */
  get store(): 'sqlite' | 'postgres' {
    return this.database ? 'postgres' : 'sqlite'
  }

  static async start(options: AppOptions = {}): Promise<App> {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run "npx electron-vite build" first.`)
    const dataDir = await mkdtemp(join(tmpdir(), 'gatehouse-e2e-'))
    // The postgres project (playwright.config.ts) runs the same flows on a fresh PostgreSQL database.
    const postgres = base.info().project.name === 'postgres' ? process.env.GATEHOUSE_E2E_POSTGRES : undefined
    const database = postgres ? await createTestDatabase(postgres) : null
    // The SSO specs' identity providers serve https with the test certificate: the console trusts it (test-tls.ts).
    const env: NodeJS.ProcessEnv = { ...process.env, GATEHOUSE_PASSPHRASE: PASSPHRASE, NO_COLOR: '1', NODE_EXTRA_CA_CERTS: TEST_TLS_CERT_FILE }
    if (database) env.GATEHOUSE_STORE = database.url
    try {
      if (options.init) {
        const { account, name, email, password, plan = 'paid', seats = 50 } = options.init
        const init = await run(
          ['--data-dir', dataDir, 'init', '--account', account, '--owner-email', email, '--owner-name', name, '--plan', plan, '--seats', String(seats)],
          { ...env, GATEHOUSE_OWNER_PASSWORD: password }
        )
        if (init.code !== 0) throw new Error(`gatehouse init failed (${init.code}): ${init.stderr || init.stdout}`)
      }
      if (options.demo) {
        const { users, events, seed = 7, logins } = options.demo
        const demo = await run(
          ['--data-dir', dataDir, 'demo', '--users', String(users), '--events', String(events), '--seed', String(seed), ...(logins ? ['--logins', String(logins)] : [])],
          env
        )
        if (demo.code !== 0) throw new Error(`gatehouse demo failed (${demo.code}): ${demo.stderr || demo.stdout}`)
      }
      for (const command of options.before ?? []) {
        const done = await run(['--data-dir', dataDir, ...command.args], { ...env, ...command.env })
        if (done.code !== 0) throw new Error(`gatehouse ${command.args.join(' ')} failed (${done.code}): ${done.stderr || done.stdout}`)
      }
      return await App.serve(dataDir, env, database)
    } catch (error) {
      await rm(dataDir, { recursive: true, force: true })
      await database?.drop()
      throw error
    }
  }

  private static serve(dataDir: string, env: NodeJS.ProcessEnv, database: { url: string; drop: () => Promise<void> } | null): Promise<App> {
    const server = spawn(process.execPath, [CLI, '--data-dir', dataDir, 'serve', '--port', '0'], { env, stdio: ['ignore', 'pipe', 'pipe'] })
    const output = { stdout: '', stderr: '' }
    return new Promise((done, fail) => {
      const timer = setTimeout(() => {
        server.kill('SIGKILL')
        fail(new Error(`gatehouse serve printed no URL within ${START_TIMEOUT_MS} ms. stderr: ${output.stderr}`))
      }, START_TIMEOUT_MS)
      server.stdout.on('data', (chunk: Buffer) => {
        output.stdout += chunk.toString()
        const url = URL_PATTERN.exec(output.stdout)?.[0]
        if (url) {
          clearTimeout(timer)
          done(new App(dataDir, url, server, output, env, database))
        }
      })
      server.stderr.on('data', (chunk: Buffer) => (output.stderr += chunk.toString()))
      server.on('error', (error) => {
        clearTimeout(timer)
        fail(error)
      })
      server.on('exit', (code) => {
        clearTimeout(timer)
        fail(new Error(`gatehouse serve exited with ${code} before printing its URL. stderr: ${output.stderr}`))
      })
    })
  }

  /** Opens the console as a person would: the printed URL, token and all. */
  async open(page: Page): Promise<void> {
    await page.goto(this.url)
  }

  /** Runs another `gatehouse` command on this data folder while the server runs (e.g. `support-agent add`). */
  cli(args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<RunResult> {
    return run(['--data-dir', this.dataDir, ...args], { ...this.env, ...extraEnv })
  }

  get running(): boolean {
    return this.server.exitCode === null && this.server.signalCode === null
  }

  /** Stops the server (SIGTERM, then SIGKILL after a grace period) and removes the data folder. */
  async stop(): Promise<void> {
    if (this.running) {
      const exited = new Promise<void>((done) => this.server.once('exit', () => done()))
      this.server.kill('SIGTERM')
      const timer = setTimeout(() => this.server.kill('SIGKILL'), STOP_TIMEOUT_MS)
      await exited
      clearTimeout(timer)
    }
    await rm(this.dataDir, { recursive: true, force: true })
    await this.database?.drop()
  }

  get serverErrors(): string {
    return this.output.stderr
  }
}

/**
 * Playwright's `test`, failing any test whose page threw an uncaught error or broke the
 * Content Security Policy (the console reports CSP refusals; nothing else would).
 */
export const test = base.extend<{ pageHealth: void }>({
  pageHealth: [
    async ({ page }, use) => {
      const problems: string[] = []
      page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`))
      page.on('console', (message) => {
        if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) problems.push(`CSP: ${message.text()}`)
      })
      await use()
      expect(problems).toEqual([])
    },
    { auto: true }
  ]
})

/** Starts one App for the spec file that calls it (beforeAll) and stops it after (afterAll). */
export function useApp(options: AppOptions = {}): () => App {
  let app: App | null = null
  test.beforeAll(async () => {
    test.setTimeout(options.setupTimeoutMs ?? 180_000)
    app = await App.start(options)
  })
  test.afterAll(async () => {
    await app?.stop()
    app = null
  })
  return () => {
    if (!app) throw new Error('The app is not running (beforeAll failed?).')
    return app
  }
}

/**
 * Full-page screenshot kept as a CI artifact under test-results/screenshots, and the axe check of the
 * same screen in both themes (support/axe.ts): every screen the suite shows is checked.
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join('test-results', 'screenshots', `${name}.png`), fullPage: true })
  await expectAccessible(page, name)
}
