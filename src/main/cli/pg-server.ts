import { spawn, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { chmod, chown, mkdtemp, rm } from 'node:fs/promises'
import { createServer, type AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'

/**
 * A throwaway PostgreSQL 15 server for the bench: initdb in a temporary folder, listening on
 * 127.0.0.1 only (a free port; the Unix socket in that folder), trust authentication for the role
 * `gatehouse`, stopped and removed after. The same way the test harness starts its server
 * (test/support/postgres.ts), with one difference: durability stays on (fsync, synchronous commit,
 * full page writes), so the append row compares a durable commit with SQLite's WAL+FULL one.
 */

/** Debian's PostgreSQL 15 (`apt-get install postgresql`). */
export const POSTGRES_BIN = '/usr/lib/postgresql/15/bin'

export function postgresInstalled(): boolean {
  return existsSync(join(POSTGRES_BIN, 'postgres'))
}

interface OsUser {
  uid: number
  gid: number
}

/** PostgreSQL refuses to run as root: as root, the server runs as the `postgres` OS user. */
function serverUser(): OsUser | null {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return null
  const id = (flag: string): number => {
    const r = spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' })
    if (r.status !== 0) throw new Error('Running as root, but there is no `postgres` OS user to run PostgreSQL as (apt-get install postgresql)')
    return Number(r.stdout.trim())
  }
  return { uid: id('-u'), gid: id('-g') }
}

function command(user: OsUser | null, bin: string, args: string[]): [string, string[]] {
  const path = join(POSTGRES_BIN, bin)
  return user ? ['runuser', ['-u', 'postgres', '--', path, ...args]] : [path, args]
}

function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, LC_ALL: 'C', LANG: 'C' }
  for (const key of Object.keys(env)) if (key.startsWith('PG')) delete env[key]
  return env
}

function run(user: OsUser | null, cwd: string, bin: string, args: string[]): Promise<void> {
  const [cmd, argv] = command(user, bin, args)
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, argv, { cwd, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    child.stdout.on('data', (d: Buffer) => (output += d.toString()))
    child.stderr.on('data', (d: Buffer) => (output += d.toString()))
    child.on('error', reject)
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${bin} ${args.join(' ')} exited with ${code}:\n${output}`))))
  })
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.unref()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo
      server.close(() => resolve(port))
    })
  })
}

async function waitForConnection(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const client = new pg.Client({ connectionString: url })
    try {
      await client.connect()
      await client.query('SELECT 1')
      await client.end()
      return
    } catch (error) {
      await client.end().catch(() => undefined)
      if (Date.now() > deadline) throw new Error(`PostgreSQL at ${url} did not accept connections: ${String(error)}`)
      await new Promise((r) => setTimeout(r, 100))
    }
  }
}

export interface PgServer {
  /** postgres://gatehouse@127.0.0.1:PORT/postgres (superuser, trust authentication). */
  url: string
  /** The server's settings that matter for the numbers, for the bench header. */
  settings: string
  stop(): Promise<void>
}

/**
 * Start the server. `stop` shuts it down and removes its folder; a process that exits without
 * calling it still stops the server (immediate shutdown) and removes the folder.
 */
export async function startPgServer(options: { durable?: boolean } = {}): Promise<PgServer> {
  if (!postgresInstalled()) throw new Error(`PostgreSQL 15 is not installed (${POSTGRES_BIN}): apt-get install postgresql, or pass GATEHOUSE_BENCH_POSTGRES=postgres://…`)
  // The bench keeps durability on (it compares durable commits); the test harness turns it off.
  const durable = options.durable ?? true
  const user = serverUser()
  // The postgres OS user must be able to reach the folder: /tmp rather than a root-only TMPDIR.
  const dir = await mkdtemp(join(user ? '/tmp' : tmpdir(), durable ? 'gatehouse-bench-pg-' : 'gatehouse-pg-'))
  const data = join(dir, 'data')
  if (user) await chown(dir, user.uid, user.gid)
  await chmod(dir, 0o700)
  let started = false
  const stopSync = (): void => {
    if (started) {
      const [cmd, argv] = command(user, 'pg_ctl', ['stop', '-D', data, '-m', 'immediate', '-w'])
      spawnSync(cmd, argv, { cwd: dir, env: cleanEnv(), stdio: 'ignore' })
    }
    spawnSync('rm', ['-rf', dir])
  }
  process.once('exit', stopSync)
  const settings = durable
    ? ['shared_buffers=512MB', 'max_wal_size=4GB', 'fsync=on', 'synchronous_commit=on', 'max_connections=100']
    : ['fsync=off', 'synchronous_commit=off', 'full_page_writes=off', 'max_connections=300']
  try {
    await run(user, dir, 'initdb', ['-D', data, '-U', 'gatehouse', '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-instructions', ...(durable ? [] : ['--no-sync'])])
    let url = ''
    for (let attempt = 1; ; attempt++) {
      const port = await freePort()
      const options = [
        '-c listen_addresses=127.0.0.1',
        `-p ${port}`,
        `-c unix_socket_directories=${dir}`,
        ...settings.map((s) => `-c ${s}`),
        // Seeding writes about a gigabyte: checkpoints by time, not every few hundred megabytes.
        '-c checkpoint_timeout=15min'
      ].join(' ')
      try {
        await run(user, dir, 'pg_ctl', ['start', '-D', data, '-w', '-t', '60', '-l', join(dir, 'server.log'), '-o', options])
        started = true
        url = `postgres://gatehouse@127.0.0.1:${port}/postgres`
        break
      } catch (error) {
        // Another process may have taken the port between freePort() and the server's bind.
        if (attempt >= 3) throw error
      }
    }
    await waitForConnection(url, 30_000)
    return {
      url,
      settings: `local PostgreSQL 15 on 127.0.0.1 (${settings.join(', ')})`,
      stop: async () => {
        process.removeListener('exit', stopSync)
        if (started) await run(user, dir, 'pg_ctl', ['stop', '-D', data, '-m', 'fast', '-w'])
        started = false
        await rm(dir, { recursive: true, force: true })
      }
    }
  } catch (error) {
    process.removeListener('exit', stopSync)
    stopSync()
    throw error
  }
}

async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    return await fn(client)
  } finally {
    await client.end()
  }
}

/**
 * A new database for the bench on the server at `serverUrl` (C collation, as the test databases:
 * citext then sorts like SQLite's NOCASE), and a `drop` that removes it.
 */
export async function createBenchDatabase(serverUrl: string, name: string): Promise<{ url: string; drop: () => Promise<void> }> {
  await withClient(serverUrl, async (client) => {
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
    await client.query(`CREATE DATABASE ${name} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'`)
  })
  const url = new URL(serverUrl)
  url.pathname = `/${name}`
  return {
    url: url.toString(),
    drop: () => withClient(serverUrl, async (client) => void (await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)))
  }
}

/** VACUUM ANALYZE after bulk seeding: what autovacuum would have done by the time anyone pages (statistics, visibility map). */
export async function vacuumAnalyze(url: string): Promise<void> {
  await withClient(url, async (client) => void (await client.query('VACUUM (ANALYZE)')))
}
