import { Command, CommanderError, InvalidArgumentError } from 'commander'
import { existsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { AppError } from '../../shared/contract/result'
import { verifyAppended, verifyLedger, type VerifyResult } from '../core/audit/verify'
import { readCheckpoint, writeCheckpoint } from './verify-checkpoint'
import type { ReaderSpec } from '../core/jobs/protocol'
import { seedDemo } from '../core/demo/seed-demo'
import type { CoreClient } from '../core/host'
import { openCore } from '../core/in-process'
import { assertIntact, databasePath, openDatabase, resolveKey } from '../core/store/connection'
import { openPostgresStore } from '../core/store/postgres-store'
import { sqliteStoreOver } from '../core/store/sqlite-store'
import { startCoreWorker } from '../core/worker-client'
import { startWebHost } from '../web-host/server'
import { checkPasswordPolicy } from '../core/auth/passwords'
import { runBench } from './bench'
import { describeTarget, keySourceFor, requireStore, targetOf, withCore } from './store-choice'
import { registerSupportAgentCommands } from './support-agent-commands'
import { registerUsersCommands } from './users-commands'
import { ssoStatusReport } from '../core/sso/status-report'
import type { Executor } from '../core/store/port'

const here = dirname(fileURLToPath(import.meta.url))
const CLI_META = { transport: 'cli' as const, ip: null, device: 'gatehouse CLI' }

function positiveInt(value: string): number {
  const n = Number(value)
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number')
  return n
}

export function buildProgram(): Command {
  const program = new Command('gatehouse')
    .description('Gatehouse: the admin console for your SaaS account, from the command line.')
    .option('--data-dir <dir>', 'data folder (default: the desktop app\'s app-data folder)')
    .option('--store <url>', 'a PostgreSQL store, postgres://user:password@host/db (default: GATEHOUSE_STORE, else the encrypted file in the data folder)')
    .showHelpAfterError()
    .exitOverride()

  program
    .command('init')
    .description('create the encrypted store, the account and its Owner; prints the recovery key')
    .requiredOption('--account <name>', 'account name')
    .requiredOption('--owner-email <email>', "the Owner's email")
    .requiredOption('--owner-name <name>', "the Owner's name")
    .option('--plan <plan>', 'trial or paid', 'paid')
    .option('--seats <n>', 'seat count', positiveInt, 25)
    .action(async (opts: { account: string; ownerEmail: string; ownerName: string; plan: string; seats: number }, command: Command) => {
      const target = targetOf(command)
      const password = process.env.GATEHOUSE_OWNER_PASSWORD
      if (!password) throw new AppError('VALIDATION', 'Set GATEHOUSE_OWNER_PASSWORD to the Owner\'s password.')
      if (opts.plan !== 'trial' && opts.plan !== 'paid') throw new AppError('VALIDATION', '--plan must be trial or paid.')
      // Check what setup would refuse before a store is created, so a failed init leaves nothing behind.
      checkPasswordPolicy(password, opts.ownerEmail)
      const core = await openCore({ ...target, keySource: await keySourceFor(target, true), tickMs: 0 })
      try {
        const connectionId = core.connect(CLI_META)
        const result = await core.dispatch(connectionId, 'auth:setup', {
          accountName: opts.account,
          plan: opts.plan,
          seats: opts.seats,
          ownerName: opts.ownerName,
          ownerEmail: opts.ownerEmail,
          ownerPassword: password
        })
        if (!result.ok) throw new AppError(result.error.code, result.error.message)
        const { recoveryKey } = result.value as { recoveryKey: string }
        process.stdout.write(
          `Created ${opts.account} in ${describeTarget(target)}.\n` +
            `Recovery key (shown once; it opens the store if the passphrase is lost):\n\n  ${recoveryKey}\n\n`
        )
      } finally {
        await core.close()
      }
    })

  program
    .command('serve')
    .description('serve the console on 127.0.0.1 (prints the URL with its one-time token)')
    .option('--port <n>', 'port (0: any free port)', positiveInt, 0)
    .action(async (opts: { port: number }, command: Command) => {
      const target = targetOf(command)
      const rendererDir = join(here, '..', 'renderer')
      if (!existsSync(join(rendererDir, 'index.html'))) {
        throw new AppError('NOT_FOUND', `The console build is missing (${rendererDir}); run "npm run build".`)
      }
      // A new SQLite file may be created here (its passphrase asked twice); a PostgreSQL store is made by init.
      const core = await startCoreWorker({ ...target, keySource: await keySourceFor(target, !target.store), workerPath: join(here, 'worker.js') })
      const host = await startWebHost({ core, rendererDir, port: opts.port })
      process.stdout.write(`Gatehouse is serving on ${host.url}\n`)
      await new Promise<void>((done) => {
        const stop = () => done()
        process.once('SIGINT', stop)
        process.once('SIGTERM', stop)
      })
      await host.close()
      await core.close()
    })

  program
    .command('demo')
    .description('fill the store with realistic people, logins and audit events (deterministic per seed)')
    .option('--users <n>', 'people to add', positiveInt, 1000)
    .option('--events <m>', 'audit events in all (at least one per person)', positiveInt, 10000)
    .option('--seed <s>', 'random seed', positiveInt, 1)
    .option('--logins <n>', 'login events in all (more than the audit events bring are wrong passwords alone)', positiveInt)
    .action(async (opts: { users: number; events: number; seed: number; logins?: number }, command: Command) => {
      const done = await withCore(command, (core) => seedDemo(core, { users: opts.users, events: opts.events, seed: opts.seed, ...(opts.logins ? { logins: opts.logins } : {}) }))
      process.stdout.write(`Added ${done.users} people, ${done.events} audit events and ${done.logins} login events.\n`)
    })

  const audit = program.command('audit').description('the audit ledger')
  audit
    .command('verify')
    .description('recompute every leaf and every signed tree head of the audit ledger')
    .option('--checkpoint <file>', 'after a pass, write where it stopped (the newest signed head and the tree there) to <file>')
    .option('--incremental', 'check only what was appended since the --checkpoint file, with an RFC 9162 consistency proof between the two heads; the file is updated')
    .action(async (opts: { checkpoint?: string; incremental?: boolean }, command: Command) => {
      const started = performance.now()
      const target = targetOf(command)
      const seconds = () => ((performance.now() - started) / 1000).toFixed(opts.incremental ? 2 : 1)
      if (opts.incremental) {
        if (!opts.checkpoint) throw new AppError('VALIDATION', '--incremental needs --checkpoint <file>: the file an earlier verify wrote.')
        const { checkpoint, file } = readCheckpoint(opts.checkpoint)
        // Timed from the open store (deriving the key from the passphrase is most of a short run).
        let checkedIn = 0
        const result = await withReadOnlyStore(
          target,
          async (db) => {
            const from = performance.now()
            const outcome = await verifyAppended(db, checkpoint)
            checkedIn = performance.now() - from
            return outcome
          },
          { quickCheck: false }
        )
        if (!result.ok) throw new AppError('CONFLICT', `Audit ledger verification (incremental) FAILED: ${result.message}`)
        writeCheckpoint(opts.checkpoint, result.checkpoint, { lastFull: file.lastFull, lastIncremental: Date.now() })
        const lastFull = file.lastFull === null ? 'no full verify is recorded in this file' : `events up to ${result.from} last checked in full ${new Date(file.lastFull).toISOString()}`
        process.stdout.write(
          `Audit ledger verified incrementally: ${result.checked} events appended since the signed head at ${result.from}, ` +
            (result.checkpoint.size > result.from
              ? `${result.heads} newer signed heads, consistency proof ${result.from} -> ${result.checkpoint.size} (${result.proof.length} hashes) built and checked`
              : 'no newer signed head') +
            `; ${result.count} events in all, root at ${result.checkpoint.size} ${result.checkpoint.root.toString('hex')}; ${lastFull}; checked in ${Math.round(checkedIn)} ms (${seconds()} s with opening the store).\n`
        )
        return
      }
      const result = await verifyReadOnly(target)
      if (!result.ok) throw new AppError('CONFLICT', `Audit ledger verification FAILED: ${result.message}`)
      if (opts.checkpoint) {
        if (!result.checkpoint) throw new AppError('CONFLICT', 'The ledger has no signed tree head yet, so there is no checkpoint to write. Sign one with "gatehouse audit sign".')
        writeCheckpoint(opts.checkpoint, result.checkpoint, { lastFull: Date.now(), lastIncremental: null })
      }
      process.stdout.write(
        `Audit ledger verified: ${result.count} events, root ${result.root.toString('hex')}, ${result.heads} signed tree heads` +
          (result.unsignedTail > 0 ? ` (${result.unsignedTail} newest events not yet under a signed head)` : '') +
          `; checked ${result.workers > 0 ? `by ${result.workers} worker threads` : 'in one pass'} in ${seconds()} s` +
          (opts.checkpoint && result.checkpoint ? `; checkpoint at the signed head of ${result.checkpoint.size} written to ${opts.checkpoint}` : '') +
          '.\n'
      )
    })
  audit
    .command('sign')
    .description('sign the current tree head now')
    .action(async (_opts: unknown, command: Command) => {
      const head = await withCore(command, (core) => core.tx((t) => core.ledger.signHead('on demand', t)))
      process.stdout.write(`Signed tree head: ${head.treeSize} events, root ${head.root.toString('hex')}.\n`)
    })

  program
    .command('sso')
    .description('single sign-on')
    .command('status')
    .description("each account's connection, how it is used, its last test (read-only: works beside a running server)")
    .action(async (_opts: unknown, command: Command) => {
      process.stdout.write(await withReadOnlyStore(targetOf(command), (db) => ssoStatusReport(db, Date.now())))
    })

  program
    .command('store')
    .description('the store itself')
    .command('accept-loss')
    .description('open a store whose audit ledger lost events recorded beside it (a damaged write-ahead log) and record that choice in the audit log')
    .action(async (_opts: unknown, command: Command) => {
      const target = targetOf(command)
      requireStore(target)
      const core = await openCore({ ...target, keySource: await keySourceFor(target, false), tickMs: 0, create: false, acceptLoss: true })
      const loss = core.store.ledgerLoss
      await core.close()
      process.stdout.write(
        loss
          ? `Accepted: the store now holds ${loss.presentSize} audit events instead of the ${loss.recordedSize} recorded; the acceptance is in the audit log.\n`
          : 'Nothing to accept: the audit ledger holds every event recorded beside it.\n'
      )
    })

  program
    .command('bench')
    .description('measure the store, the ledger and the worker at scale (100,000 users, 1,000,000 events)')
    .option('--users <n>', 'users in the benchmark store', positiveInt, 100_000)
    .option('--events <m>', 'audit events in the benchmark store', positiveInt, 1_000_000)
    .option('--quick', 'smaller sizes, for a smoke run')
    .action(async (opts: { users: number; events: number; quick?: boolean }, command: Command) => {
      await runBench({
        users: opts.quick ? 5_000 : opts.users,
        events: opts.quick ? 50_000 : opts.events,
        workerPath: join(here, 'worker.js'),
        store: targetOf(command).store
      })
    })

  registerSupportAgentCommands(program)
  registerUsersCommands(program)
  return program
}

/**
 * Verify the ledger on its own read-only connection: it never goes through a writer, so it works
 * beside a running server and changes nothing.
 */
async function verifyReadOnly(target: ReturnType<typeof targetOf>): Promise<VerifyResult> {
  // A large ledger is checked by worker threads, each with a read-only connection of its own.
  // Every page of the file is read too (the ledger's by the check itself, the rest beside it), so
  // a damaged file is still found without PRAGMA quick_check walking the million events again.
  return withReadOnlyStore(target, (db, reader) => verifyLedger(db, { reader, readPages: true }), { quickCheck: false })
}

/** Run `fn` on the store's own read-only connection (beside a running server, changing nothing). */
async function withReadOnlyStore<T>(target: ReturnType<typeof targetOf>, fn: (db: Executor, reader: ReaderSpec | undefined) => Promise<T>, options: { quickCheck?: boolean } = {}): Promise<T> {
  if (target.store) {
    const store = await openPostgresStore(target.store, await keySourceFor(target, false), { readonly: true })
    try {
      return await fn(store.db, store.readerSpec)
    } finally {
      await store.close()
    }
  }
  const file = databasePath(target.dataDir)
  requireStore(target, '')
  const { key } = resolveKey(target.dataDir, await keySourceFor(target, false), false)
  let raw: ReturnType<typeof openDatabase> | undefined
  try {
    raw = openDatabase(file, key, { readonly: true })
    if (options.quickCheck !== false) assertIntact(raw, file)
    const store = sqliteStoreOver(raw, { key, file, dataDir: target.dataDir, created: false })
    try {
      return await fn(store.db, store.readerSpec)
    } finally {
      raw = undefined
      await store.close()
    }
  } catch (error) {
    if (error instanceof AppError) throw error
    throw new AppError('INTERNAL', `The database file ${file} is damaged: ${(error as Error).message}`)
  } finally {
    raw?.close()
  }
}

export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv)
    return 0
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2
    const message = error instanceof AppError ? error.message : `unexpected error: ${(error as Error).message}`
    process.stderr.write(`gatehouse: ${message}\n`)
    return 1
  }
}

export type { CoreClient }

// Run when executed directly (node out/main/cli.js), not when imported by tests.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv).then((code) => {
    process.exitCode = code
  })
}
