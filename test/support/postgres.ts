import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { postgresInstalled, startPgServer } from '../../src/main/cli/pg-server'

export { POSTGRES_BIN } from '../../src/main/cli/pg-server'
/** A database with citext and pg_trgm already created: each test database is a copy of it. */
const TEMPLATE_DB = 'gh_template'
/** Serialises the creation of TEMPLATE_DB between test processes sharing one server. */
const TEMPLATE_LOCK = 0x67685f74

export function postgresAvailable(): boolean {
  return postgresInstalled()
}

/**
 * A throwaway PostgreSQL 15 server on 127.0.0.1 (a free port; its Unix socket in its own temporary
 * folder), trust authentication for the role `gatehouse`, durability off: the bench's server
 * (src/main/cli/pg-server.ts) started for tests.
 */
export async function startPostgres(): Promise<{ url: string; stop: () => Promise<void> }> {
  const server = await startPgServer({ durable: false })
  return { url: server.url, stop: () => server.stop() }
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
