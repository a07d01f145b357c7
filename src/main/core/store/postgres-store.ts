import { Kysely, PostgresDialect, sql } from 'kysely'
import pg from 'pg'
import { AppError } from '../../../shared/contract/result'
import type { KeySource } from '../host'
import { MIGRATIONS } from './migrations'
import { generateKey, unwrapWithPassphrase, wrapWithSecret, type KeyEnvelope } from './key-envelope'
import type { Executor, Store } from './port'
import { secretBox } from './secrets'

// BIGINT (times in ms, counts) and NUMERIC (sums) come back as JS numbers, as they do from SQLite.
pg.types.setTypeParser(20, (v) => Number(v))
pg.types.setTypeParser(1700, (v) => Number(v))

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]'])
/** The advisory lock a writing core holds for its lifetime (one writer per store, for now). */
const WRITER_LOCK = 0x6761_7465 // "gate"

export interface PostgresStore extends Store {
  readonly dialect: 'postgres'
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

/**
 * Pool settings from the URL. A non-loopback host must use TLS with certificate verification:
 * `sslmode=disable`, `no-verify` or a missing sslmode are refused or upgraded to verify-full.
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
  const host = parsed.hostname
  const socket = parsed.searchParams.get('host')
  const local = (host === '' && socket?.startsWith('/')) || LOOPBACK.has(host)
  const mode = parsed.searchParams.get('sslmode')
  if (!local) {
    if (mode === 'disable' || mode === 'allow' || mode === 'prefer' || mode === 'no-verify' || mode === 'require') {
      throw new AppError(
        'VALIDATION',
        `The PostgreSQL server ${host} is not on this machine: its connection must use TLS with certificate verification (sslmode=verify-full), not sslmode=${mode}.`
      )
    }
    parsed.searchParams.delete('sslmode')
    return { connectionString: parsed.toString(), ssl: { rejectUnauthorized: true }, max: 10 }
  }
  return { connectionString: url, max: 10 }
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
    await db.transaction().execute(async (t) => {
      const row = (await sql<{ v: number }>`SELECT schema_version AS v FROM gatehouse_store WHERE id = 1 FOR UPDATE`.execute(t)).rows[0]
      if (!row || row.v >= migration.version) return
      await sql.raw(migration.postgres).execute(t)
      await sql`UPDATE gatehouse_store SET schema_version = ${migration.version} WHERE id = 1`.execute(t)
    })
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
  const pool = new pg.Pool(poolConfig(url))
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
      const got = (await lockClient.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [WRITER_LOCK])).rows[0]?.ok
      if (!got) {
        throw new AppError(
          'CONFLICT',
          `Another Gatehouse process is already running on ${location}; stop it first. Read-only commands (audit verify, exports) work beside it.`
        )
      }
      await bootstrap(db)
    }
    const row = (await sql<{ envelope: unknown }>`SELECT envelope FROM gatehouse_store WHERE id = 1`.execute(db).catch(() => ({ rows: [] }))).rows[0]
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
      await sql`INSERT INTO gatehouse_store (id, envelope, schema_version) VALUES (1, ${JSON.stringify(env)}, 0) ON CONFLICT (id) DO NOTHING`.execute(db)
      created = true
    } else if (source.kind === 'key') {
      if (source.key.length !== 32) throw new AppError('VALIDATION', 'The database key must be 32 bytes.')
      key = Buffer.from(source.key)
    } else {
      key = unwrapWithPassphrase(readEnvelopeFrom(row.envelope, location), source.passphrase, `The key envelope in ${location}`)
    }
    if (!options.readonly) await migrate(db)
    const box = secretBox(key)
    let closed = false
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
      tx: (fn) => db.transaction().execute(fn),
      seal: box.seal,
      unseal: box.unseal,
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
        lockClient?.release()
        await db.destroy()
      }
    }
  } catch (error) {
    lockClient?.release()
    await db.destroy()
    throw error
  }
}
