import { sql } from 'kysely'
import { randomBytes, randomUUID, scryptSync } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { WebSocket } from 'ws'
import type { CoreClient, KeySource } from '../core/host'
import { createInProcessCore, openCore } from '../core/in-process'
import { startCoreWorker } from '../core/worker-client'
import { startWebHost } from '../web-host/server'

export interface SupportRevocationOptions {
  /** Disable calls measured (issue 4: 200). */
  runs?: number
  /** Live agent connections each disable must end (issue 4: 20). */
  agents?: number
  /** The built worker (out/main/worker.js): measure the core in its worker thread, as `gatehouse serve` runs it. Absent: in-process. */
  workerPath?: string
  /** An empty PostgreSQL database (postgres://…) to run on; absent: a fresh encrypted SQLite file. */
  store?: string
  log?: (line: string) => void
}

export interface SupportRevocationResult {
  runs: number
  agents: number
  /** Per agent and run: from the Owner's disable reply arriving to that agent's session:ended push arriving (0 if the push came first). */
  samplesMs: number[]
  /** The same pushes measured from the moment the disable request was sent (the whole round trip). */
  fromSendMs: number[]
  p50Ms: number
  p95Ms: number
  fromSendP95Ms: number
  /** Sessions each disable reported ending, summed, and how many pushes arrived; both must equal runs × agents. */
  sessionsEnded: number
  pushesReceived: number
  allEnded: boolean
}

const OWNER = { email: 'bench.owner@example.com', password: 'bench-owner-password-2026', name: 'Bench Owner' }
const AGENT_PASSWORD = 'bench-agent-password-2026'
const PUSH_TIMEOUT_MS = 5_000

function nearestRank(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN
  const sorted = [...samples].sort((a, b) => a - b)
  return sorted[Math.max(1, Math.ceil(p * sorted.length)) - 1]!
}

/**
 * A throwaway store's agent passwords use small scrypt parameters (the stored format carries them
 * and the real verification reads them), so 4,000 sign-ins do not dominate the run.
 */
function cheapHash(password: string): string {
  const salt = randomBytes(16)
  const hash = scryptSync(password, salt, 32, { N: 64, r: 8, p: 1 })
  return `scrypt$64$8$1$${salt.toString('base64')}$${hash.toString('base64')}`
}

interface Frame {
  id?: number
  result?: { ok: boolean; value?: unknown; error?: { code: string; message: string } }
  event?: string
  payload?: unknown
}

/** A minimal client of the web host's /ipc protocol that timestamps what arrives. */
class Client {
  private nextId = 1
  private readonly waiting = new Map<number, (frame: Frame) => void>()
  private pushWaiter: ((at: number) => void) | null = null

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const at = performance.now()
      const frame = JSON.parse(String(data)) as Frame
      if (frame.event === 'session:ended') {
        const waiter = this.pushWaiter
        this.pushWaiter = null
        waiter?.(at)
      } else if (typeof frame.id === 'number') {
        this.waiting.get(frame.id)?.(frame)
        this.waiting.delete(frame.id)
      }
    })
  }

  static open(port: number, token: string): Promise<Client> {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ipc`, { headers: { Authorization: `Bearer ${token}`, 'User-Agent': 'gatehouse bench' } })
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(new Client(ws)))
      ws.once('error', reject)
    })
  }

  async call(channel: string, input: unknown): Promise<unknown> {
    const id = this.nextId++
    const reply = new Promise<Frame>((resolve) => this.waiting.set(id, resolve))
    this.ws.send(JSON.stringify({ id, channel, input }))
    const frame = await reply
    if (!frame.result?.ok) throw new Error(`${channel}: ${frame.result?.error?.code} ${frame.result?.error?.message}`)
    return frame.result.value
  }

  /** Resolves with the arrival time of the next session:ended push, or null after the timeout. */
  nextSessionEnded(): Promise<number | null> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pushWaiter = null
        resolve(null)
      }, PUSH_TIMEOUT_MS)
      this.pushWaiter = (at) => {
        clearTimeout(timer)
        resolve(at)
      }
    })
  }

  close(): void {
    this.ws.close()
  }
}

/**
 * Issue 4, item 10: the time from the Owner's disable call returning to each of `agents` live agent
 * connections receiving `session:ended`, through the real web host WebSocket and the real core over
 * a fresh encrypted store, over `runs` disables. Each run: extend, every agent signs in, disable.
 */
export async function benchSupportRevocation(options: SupportRevocationOptions = {}): Promise<SupportRevocationResult> {
  const runs = options.runs ?? 200
  const agents = options.agents ?? 20
  const log = options.log ?? (() => {})
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-bench-support-'))
  const dataDir = join(dir, 'data')
  const store = options.store
  // A new PostgreSQL store wraps its key with a passphrase; the SQLite file takes the key itself (no scrypt).
  const keySource: KeySource = store ? { kind: 'passphrase', passphrase: randomBytes(18).toString('base64url') } : { kind: 'key', key: randomBytes(32) }
  let core: CoreClient | null = null
  let host: Awaited<ReturnType<typeof startWebHost>> | null = null
  const clients: Client[] = []
  try {
    // The web host wants a renderer folder; the bench loads no page.
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>bench</title>')
    // Set the store up in this thread (account, Owner, agents), then serve it as `gatehouse serve` would.
    const setup = await openCore({ dataDir, store, keySource, tickMs: 0 })
    let accountId: string
    try {
      const conn = setup.connect({ transport: 'cli', ip: null, device: 'bench' })
      const result = await setup.dispatch(conn, 'auth:setup', {
        accountName: 'Bench Account',
        plan: 'paid',
        seats: 10,
        ownerName: OWNER.name,
        ownerEmail: OWNER.email,
        ownerPassword: OWNER.password
      })
      if (!result.ok) throw new Error(`setup failed: ${result.error.message}`)
      const db = setup.store.db
      accountId = (await sql<{ account_id: string }>`SELECT account_id FROM accounts`.execute(db)).rows[0]!.account_id
      const now = setup.clock.now()
      // The bench's own rows, on the store handle (nothing else runs on it now).
      const agentRows = Array.from({ length: agents }, (_, i) => sql`(${randomUUID()}, NULL, ${`agent${i}@vendor.example`}, ${`Bench Agent ${i}`}, ${cheapHash(AGENT_PASSWORD)}, ${now})`)
      await sql`INSERT INTO support_agents (agent_id, account_id, email, name, password_hash, created_at) VALUES ${sql.join(agentRows)}`.execute(db)
    } finally {
      await setup.close()
    }
    core = options.workerPath
      ? await startCoreWorker({ dataDir, store, keySource, workerPath: options.workerPath, create: false })
      : await createInProcessCore({ dataDir, store, keySource, create: false })
    host = await startWebHost({ core, rendererDir: dir })
    const owner = await Client.open(host.port, host.token)
    clients.push(owner)
    await owner.call('auth:sign-in', { email: OWNER.email, password: OWNER.password })
    const agentClients: Client[] = []
    for (let i = 0; i < agents; i++) {
      const c = await Client.open(host.port, host.token)
      clients.push(c)
      agentClients.push(c)
    }
    const samplesMs: number[] = []
    const fromSendMs: number[] = []
    let sessionsEnded = 0
    let pushesReceived = 0
    for (let run = 0; run < runs; run++) {
      await owner.call('support-access:extend', { duration: 'day', scope: 'full' })
      await Promise.all(
        agentClients.map((c, i) => c.call('auth:support-sign-in', { email: `agent${i}@vendor.example`, password: AGENT_PASSWORD, account: accountId }))
      )
      const pushes = agentClients.map((c) => c.nextSessionEnded())
      const sent = performance.now()
      const reply = (await owner.call('support-access:disable', {})) as { entry: { sessionsEnded: number } }
      const returned = performance.now()
      sessionsEnded += reply.entry.sessionsEnded
      for (const at of await Promise.all(pushes)) {
        if (at === null) continue
        pushesReceived += 1
        samplesMs.push(Math.max(0, at - returned))
        fromSendMs.push(at - sent)
      }
      if ((run + 1) % 50 === 0) log(`support revocation: ${run + 1}/${runs} runs`)
    }
    const expected = runs * agents
    return {
      runs,
      agents,
      samplesMs,
      fromSendMs,
      p50Ms: nearestRank(samplesMs, 0.5),
      p95Ms: nearestRank(samplesMs, 0.95),
      fromSendP95Ms: nearestRank(fromSendMs, 0.95),
      sessionsEnded,
      pushesReceived,
      allEnded: sessionsEnded === expected && pushesReceived === expected
    }
  } finally {
    for (const c of clients) c.close()
    await host?.close()
    await core?.close()
    rmSync(dir, { recursive: true, force: true })
  }
}
