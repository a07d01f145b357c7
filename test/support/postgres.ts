import { spawn, spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { chmod, chown, mkdtemp, rm } from 'node:fs/promises'
import { createServer, type AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'

/** Debian's PostgreSQL 15 (`apt-get install postgresql`). */
export const POSTGRES_BIN = '/usr/lib/postgresql/15/bin'
/** A database with citext and pg_trgm already created: each test database is a copy of it. */
const TEMPLATE_DB = 'gh_template'
/** Serialises the creation of TEMPLATE_DB between test processes sharing one server. */
const TEMPLATE_LOCK = 0x67685f74

export function postgresAvailable(): boolean {
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

/**
 * A throwaway PostgreSQL 15 server on 127.0.0.1 (a free port; its Unix socket in its own temporary
 * folder), trust authentication for the role `gatehouse`, durability off. `stop` shuts it down and
 * removes the folder; a process that exits without calling it still stops the server.
 */
export async function startPostgres(): Promise<{ url: string; stop: () => Promise<void> }> {
  if (!postgresAvailable()) throw new Error(`PostgreSQL 15 is not installed (${POSTGRES_BIN}); apt-get install postgresql`)
  const user = serverUser()
  // The postgres OS user must be able to reach the folder: /tmp rather than a root-only TMPDIR.
  const dir = await mkdtemp(join(user ? '/tmp' : tmpdir(), 'gatehouse-pg-'))
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
  try {
    await run(user, dir, 'initdb', ['-D', data, '-U', 'gatehouse', '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync', '--no-instructions'])
    let url = ''
    for (let attempt = 1; ; attempt++) {
      const port = await freePort()
      const options = [
        '-c listen_addresses=127.0.0.1',
        `-p ${port}`,
        `-c unix_socket_directories=${dir}`,
        '-c fsync=off',
        '-c synchronous_commit=off',
        '-c full_page_writes=off',
        '-c max_connections=300'
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
    const stop = async (): Promise<void> => {
      process.removeListener('exit', stopSync)
      if (started) await run(user, dir, 'pg_ctl', ['stop', '-D', data, '-m', 'fast', '-w'])
      started = false
      await rm(dir, { recursive: true, force: true })
    }
    return { url, stop }
  } catch (error) {
    process.removeListener('exit', stopSync)
    stopSync()
    throw error
  }
}

function withDatabase(serverUrl: string, database: string): string {
  const url = new URL(serverUrl)
  url.pathname = `/${database}`
  return url.toString()
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

/** Creates TEMPLATE_DB once per server (whichever test process gets there first). */
async function ensureTemplate(serverUrl: string): Promise<void> {
  await withClient(serverUrl, async (client) => {
    const exists = async (): Promise<boolean> =>
      (await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [TEMPLATE_DB])).rowCount === 1
    if (await exists()) return
    await client.query('SELECT pg_advisory_lock($1)', [TEMPLATE_LOCK])
    try {
      if (await exists()) return
      const building = `${TEMPLATE_DB}_build_${randomBytes(4).toString('hex')}`
      await client.query(`CREATE DATABASE ${building} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'`)
      await withClient(withDatabase(serverUrl, building), async (c) => {
        await c.query('CREATE EXTENSION IF NOT EXISTS citext; CREATE EXTENSION IF NOT EXISTS pg_trgm')
      })
      // Built under another name so no process ever copies a half-made template.
      await client.query(`ALTER DATABASE ${building} RENAME TO ${TEMPLATE_DB}`)
      await client.query(`ALTER DATABASE ${TEMPLATE_DB} WITH IS_TEMPLATE true`)
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [TEMPLATE_LOCK])
    }
  })
}

/**
 * A new empty database (citext and pg_trgm already there) on the server at `serverUrl`. `drop`
 * removes it, ending any connection still open to it.
 */
export async function createTestDatabase(serverUrl: string): Promise<{ url: string; drop: () => Promise<void> }> {
  await ensureTemplate(serverUrl)
  const name = `gh_${randomBytes(8).toString('hex')}`
  // FILE_COPY: about 135 ms against 210 ms for WAL_LOG on a tiny template (its checkpoints cost little with fsync off).
  await withClient(serverUrl, (client) => client.query(`CREATE DATABASE ${name} TEMPLATE ${TEMPLATE_DB} STRATEGY FILE_COPY`))
  let dropped = false
  return {
    url: withDatabase(serverUrl, name),
    drop: async () => {
      if (dropped) return
      dropped = true
      await withClient(serverUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`))
    }
  }
}
