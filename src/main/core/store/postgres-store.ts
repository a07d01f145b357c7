import { createHash } from 'node:crypto'
import { Kysely, PostgresDialect, sql } from 'kysely'
import pg from 'pg'
import { parse as parseConnectionString } from 'pg-connection-string'
import { AppError } from '../../../shared/contract/result'
import type { KeySource } from '../host'
import { MIGRATIONS } from './migrations'
import { generateKey, unwrapWithPassphrase, wrapWithSecret, type KeyEnvelope } from './key-envelope'
import type { Executor, Store } from './port'
import { secretBox } from './secrets'
import { PREPARED_MARK } from './sql'

// BIGINT (times in ms, counts) and NUMERIC (sums) come back as JS numbers, as they do from SQLite.
pg.types.setTypeParser(20, (v) => Number(v))
pg.types.setTypeParser(1700, (v) => Number(v))

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]'])
/** The advisory lock a writing core holds for its lifetime (one writer per store, for now). */
const WRITER_LOCK = 0x6761_7465 // "gate"

export interface PostgresStore extends Store {
  readonly dialect: 'postgres'
}

/** Idle connections are closed after this long (pg's default, 10 s, makes every pause cost a cold server process). */
const IDLE_MS = 10 * 60_000
/** Connections of each tuned reader (store.tunedReader). */
const READER_CONNECTIONS = 4

/**
 * pg's client, preparing the statements marked with `prepared` (store/sql.ts) once per connection
 * under a name made from their text, and reusing them; every other statement is parsed and planned
 * for its values each time.
 */
class PreparingClient extends pg.Client {
  private static readonly names = new Map<string, string>()

  private static nameOf(text: string): string {
    let name = PreparingClient.names.get(text)
    if (!name) {
      name = `gh_${createHash('sha256').update(text).digest('hex').slice(0, 32)}`
      // Marked texts are a handful of fixed statements; the bound only guards against misuse.
      if (PreparingClient.names.size < 1_000) PreparingClient.names.set(text, name)
    }
    return name
  }

  // pg's overloads are many; Kysely calls query(text, values) and every other shape passes through.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  override query(config: any, values?: any, callback?: any): any {
    if (typeof config === 'string' && config.startsWith(PREPARED_MARK) && Array.isArray(values)) {
      return super.query({ name: PreparingClient.nameOf(config), text: config, values }, callback)
    }
    return super.query(config, values, callback)
  }
}

/** The URL with its password removed, for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url)
    if (u.password) u.password = '***'
    return u.toString()
  } catch {
    return 'postgres://…'
  }
}

/** Connection options Gatehouse passes on; anything else in the URL (`host=`, `ssl=`, `sslcert=`…) is refused. */
const ALLOWED_PARAMS = new Set(['host', 'sslmode', 'sslrootcert', 'application_name', 'connect_timeout'])
const INSECURE_MODES = new Set(['disable', 'allow', 'prefer', 'require', 'no-verify'])

/**
 * Pool settings from the URL, built explicitly (never handed to `pg` as a connection string, whose
 * query parameters would override them). A server that is not on this machine must use TLS with
 * certificate verification (the host name included): sslmode values that skip it are refused.
 */
export function poolConfig(url: string): pg.PoolConfig {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw new AppError('VALIDATION', 'The PostgreSQL store must be a URL like postgres://user:password@host:5432/database.')
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new AppError('VALIDATION', `The store URL must start with postgres:// (got ${parsed.protocol}//).`)
  }
  for (const name of parsed.searchParams.keys()) {
    if (!ALLOWED_PARAMS.has(name)) throw new AppError('VALIDATION', `The store URL parameter "${name}" is not supported; use host, sslmode, sslrootcert, application_name or connect_timeout.`)
  }
  // The host that will really be used: a host= parameter wins over the authority, as in libpq.
  const options = parseConnectionString(url)
  const host = options.host ?? ''
  const local = host.startsWith('/') || LOOPBACK.has(host)
  const mode = parsed.searchParams.get('sslmode')
  const base: pg.PoolConfig = {
    host: host || undefined,
    port: options.port ? Number(options.port) : undefined,
    user: options.user || undefined,
    password: options.password || undefined,
    database: options.database ?? undefined,
    application_name: options.application_name ?? 'gatehouse',
    connectionTimeoutMillis: options.connect_timeout ? Number(options.connect_timeout) * 1000 : 10_000,
    max: 10,
    // A new server process answers its first queries several times slower (its catalog caches and
    // its view of shared memory start cold): connections stay open while the console is in use.
    idleTimeoutMillis: IDLE_MS,
    min: 1
  }
  if (local) {
    // On this machine TLS is the URL's choice (loopback traffic never leaves it).
    if (!mode || ['disable', 'allow', 'prefer'].includes(mode)) return base
    return { ...base, ssl: mode === 'require' || mode === 'no-verify' ? { rejectUnauthorized: false } : tlsOptions(options.ssl) }
  }
  if (mode && INSECURE_MODES.has(mode)) {
    throw new AppError(
      'VALIDATION',
      `The PostgreSQL server ${host} is not on this machine: its connection must use TLS with certificate verification (sslmode=verify-full, the default), not sslmode=${mode}.`
    )
  }
  return { ...base, ssl: tlsOptions(options.ssl) }
}

/**
 * A small pool of reading connections beside the store's own (the users list's tuned readers, the
 * job worker's read-only one): `options` carries their settings in the startup packet.
 */
export function postgresReader(url: string, settings: { max: number; options: string }): Executor {
  const pool = new pg.Pool({ ...poolConfig(url), Client: PreparingClient, ...settings })
  // An idle client lost its server; the next query reports it.
  pool.on('error', () => undefined)
  return new Kysely<never>({ dialect: new PostgresDialect({ pool }) }) as unknown as Executor
}

/** TLS that verifies the server's certificate and host name, with the URL's CA file if it names one. */
function tlsOptions(ssl: unknown): pg.PoolConfig['ssl'] {
  const ca = typeof ssl === 'object' && ssl !== null && 'ca' in ssl ? (ssl as { ca?: string }).ca : undefined
  return ca ? { rejectUnauthorized: true, ca } : { rejectUnauthorized: true }
}

async function bootstrap(db: Executor): Promise<void> {
  // The key envelope and the schema version live in one row that exists before any migration.
  await sql`CREATE TABLE IF NOT EXISTS gatehouse_store (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    envelope JSONB NOT NULL,
    schema_version INTEGER NOT NULL DEFAULT 0
  )`.execute(db)
}

async function migrate(db: Executor): Promise<void> {
  for (const migration of MIGRATIONS) {
    const applied = await db.transaction().execute(async (t) => {
      const row = (await sql<{ v: number }>`SELECT schema_version AS v FROM gatehouse_store WHERE id = 1 FOR UPDATE`.execute(t)).rows[0]
      if (!row || row.v >= migration.version) return false
      await sql.raw(migration.postgres).execute(t)
      await sql`UPDATE gatehouse_store SET schema_version = ${migration.version} WHERE id = 1`.execute(t)
      return true
    })
    if (applied && migration.postgresAfter) await sql.raw(migration.postgresAfter).execute(db)
  }
}

function readEnvelopeFrom(value: unknown, location: string): KeyEnvelope {
  const env = value as KeyEnvelope
  if (!env || env.version !== 1 || typeof env.slots !== 'object' || env.slots === null) {
    throw new AppError('INTERNAL', `The key envelope in ${location} is damaged or of an unknown version.`)
  }
  return env
}

/** The shared directory: a PostgreSQL database (created schema on first use, the envelope inside it). */
export async function openPostgresStore(url: string, source: KeySource, options: { create?: boolean; readonly?: boolean } = {}): Promise<PostgresStore> {
  const location = redactUrl(url)
  const pool = new pg.Pool({ ...poolConfig(url), Client: PreparingClient })
  pool.on('error', () => {
    // An idle client lost its server; the next query reports it.
  })
  const db = new Kysely<never>({ dialect: new PostgresDialect({ pool }) }) as unknown as Executor
  let lockClient: pg.PoolClient | null = null
  try {
    try {
      await sql`SELECT 1`.execute(db)
    } catch (error) {
      throw new AppError('INTERNAL', `Cannot reach the PostgreSQL store ${location}: ${(error as Error).message}`)
    }
    if (!options.readonly) {
      lockClient = await pool.connect()
      // A dropped lock connection must not take the process down; the pool's next query reports it.
      lockClient.on('error', (error) => console.error(`[store] the writer lock's connection to ${location} was lost: ${error.message}`))
      const got = (await lockClient.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [WRITER_LOCK])).rows[0]?.ok
      if (!got) {
        throw new AppError(
          'CONFLICT',
          `Another Gatehouse process is already running on ${location}; stop it first. Read-only commands (audit verify, exports) work beside it.`
        )
      }
      await bootstrap(db)
    }
    const row = (
      await sql<{ envelope: unknown }>`SELECT envelope FROM gatehouse_store WHERE id = 1`.execute(db).catch((error: { code?: string }) => {
        // Only a database without Gatehouse's table is "no store" (read-only opens do not create it).
        if (error.code === '42P01') return { rows: [] }
        throw error
      })
    ).rows[0]
    let key: Buffer
    let created = false
    if (!row) {
      if (options.create === false || options.readonly) throw new AppError('NOT_FOUND', `No Gatehouse store in ${location}. Run "gatehouse init --store …" first.`)
      if (source.kind === 'key') {
        throw new AppError('VALIDATION', 'A new PostgreSQL store needs a passphrase (GATEHOUSE_PASSPHRASE) to wrap its key.')
      }
      if (source.passphrase.length < 8) throw new AppError('VALIDATION', 'The passphrase must have at least 8 characters.')
      key = generateKey()
      const env: KeyEnvelope = { version: 1, slots: { passphrase: wrapWithSecret(key, source.passphrase) } }
      const inserted = await sql`INSERT INTO gatehouse_store (id, envelope, schema_version) VALUES (1, ${JSON.stringify(env)}, 0) ON CONFLICT (id) DO NOTHING`.execute(db)
      if (Number(inserted.numAffectedRows ?? 0) !== 1) throw new AppError('CONFLICT', `Another process created the store in ${location} at the same time; open it again.`)
      created = true
    } else if (source.kind === 'key') {
      if (source.key.length !== 32) throw new AppError('VALIDATION', 'The database key must be 32 bytes.')
      key = Buffer.from(source.key)
    } else {
      key = unwrapWithPassphrase(readEnvelopeFrom(row.envelope, location), source.passphrase, `The key envelope in ${location}`)
    }
    if (!options.readonly) await migrate(db)
    const box = secretBox(key)
    if (source.kind === 'key') {
      // A raw key is not checked by the envelope's GCM tag: check it against a secret it sealed.
      const sealed = (await sql<{ private_key: Buffer }>`SELECT private_key FROM installation_keys ORDER BY created_at LIMIT 1`.execute(db)).rows[0]
      if (sealed) box.unseal(sealed.private_key, { legacyPlaintext: false })
    }
    let closed = false
    const readers = new Map<string, Executor>()
    const tunedReader = (settings: Readonly<Record<string, string>>): Executor => {
      const options = Object.entries(settings)
        .map(([name, value]) => {
          if (!/^[a-z_]+$/.test(name) || !/^[A-Za-z0-9_.]+$/.test(value)) throw new AppError('INTERNAL', `Not a planner setting: ${name}=${value}`)
          return `-c ${name}=${value}`
        })
        .sort()
        .join(' ')
      let reader = readers.get(options)
      if (!reader) {
        if (closed) throw new AppError('INTERNAL', 'The store is closed.')
        reader = postgresReader(url, { max: READER_CONNECTIONS, options })
        readers.set(options, reader)
      }
      return reader
    }
    const readEnvelope = async () => {
      const r = (await sql<{ envelope: unknown }>`SELECT envelope FROM gatehouse_store WHERE id = 1`.execute(db)).rows[0]
      return r ? readEnvelopeFrom(r.envelope, location) : null
    }
    return {
      dialect: 'postgres',
      db,
      location,
      created,
      headDir: null,
      tunedReader,
      readerSpec: { dialect: 'postgres', url },
      tx: (fn) => db.transaction().execute(fn),
      async refreshStatistics() {
        // What autovacuum's analyze does within a minute or so, now: the next page is planned on them.
        await sql`ANALYZE persons, memberships, team_members`.execute(db)
      },
      seal: box.seal,
      // Values a database administrator wrote in the clear are never taken for sealed secrets.
      unseal: (stored) => box.unseal(stored, { legacyPlaintext: false }),
      readEnvelope,
      wrapKey: (secret) => wrapWithSecret(key, secret),
      async setEnvelopeSlot(name, slot) {
        await db.transaction().execute(async (t) => {
          const r = (await sql<{ envelope: unknown }>`SELECT envelope FROM gatehouse_store WHERE id = 1 FOR UPDATE`.execute(t)).rows[0]
          const env = readEnvelopeFrom(r?.envelope, location)
          await sql`UPDATE gatehouse_store SET envelope = ${JSON.stringify({ ...env, slots: { ...env.slots, [name]: slot } })} WHERE id = 1`.execute(t)
        })
      },
      async close() {
        if (closed) return
        closed = true
        // Unlock first: a destroyed connection's session (and its advisory lock) ends only when the
        // server notices, so a core reopened at once could still find the lock held.
        await lockClient?.query('SELECT pg_advisory_unlock($1)', [WRITER_LOCK]).catch(() => undefined)
        lockClient?.release(true)
        await Promise.all([db.destroy(), ...[...readers.values()].map((r) => r.destroy())])
      }
    }
  } catch (error) {
    lockClient?.release(true)
    await db.destroy()
    throw error
  }
}
