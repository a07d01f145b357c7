import { Command, CommanderError, InvalidArgumentError } from 'commander'
import { existsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { AppError } from '../../shared/contract/result'
import { verifyLedger } from '../core/audit/ledger'
import { seedDemo } from '../core/demo/seed-demo'
import type { CoreClient } from '../core/host'
import { openCore } from '../core/in-process'
import { assertIntact, databasePath, openDatabase, resolveKey } from '../core/store/connection'
import { startCoreWorker } from '../core/worker-client'
import { defaultDataDir } from '../paths'
import { startWebHost } from '../web-host/server'
import { resolvePassphrase } from './prompt'
import { checkPasswordPolicy } from '../core/auth/passwords'
import { runBench } from './bench'
import { registerSupportAgentCommands } from './support-agent-commands'
import { registerUsersCommands } from './users-commands'

const here = dirname(fileURLToPath(import.meta.url))
const CLI_META = { transport: 'cli' as const, ip: null, device: 'gatehouse CLI' }

function positiveInt(value: string): number {
  const n = Number(value)
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number')
  return n
}

function dataDirOf(command: Command): string {
  const opts = command.optsWithGlobals<{ dataDir?: string }>()
  return resolve(opts.dataDir ?? defaultDataDir(process.platform, process.env, process.env.HOME ?? ''))
}

function storeExists(dataDir: string): boolean {
  return existsSync(databasePath(dataDir))
}

async function keySourceFor(dataDir: string, creating: boolean) {
  return { kind: 'passphrase' as const, passphrase: await resolvePassphrase(creating && !storeExists(dataDir)) }
}

export function buildProgram(): Command {
  const program = new Command('gatehouse')
    .description('Gatehouse: the admin console for your SaaS account, from the command line.')
    .option('--data-dir <dir>', 'data folder (default: the desktop app\'s app-data folder)')
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
      const dataDir = dataDirOf(command)
      const password = process.env.GATEHOUSE_OWNER_PASSWORD
      if (!password) throw new AppError('VALIDATION', 'Set GATEHOUSE_OWNER_PASSWORD to the Owner\'s password.')
      if (opts.plan !== 'trial' && opts.plan !== 'paid') throw new AppError('VALIDATION', '--plan must be trial or paid.')
      // Check what setup would refuse before a store is created, so a failed init leaves nothing behind.
      checkPasswordPolicy(password, opts.ownerEmail)
      const core = openCore({ dataDir, keySource: await keySourceFor(dataDir, true), tickMs: 0 })
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
          `Created ${opts.account} in ${dataDir}.\n` +
            `Recovery key (shown once; it opens the store if the passphrase is lost):\n\n  ${recoveryKey}\n\n`
        )
      } finally {
        core.close()
      }
    })

  program
    .command('serve')
    .description('serve the console on 127.0.0.1 (prints the URL with its one-time token)')
    .option('--port <n>', 'port (0: any free port)', positiveInt, 0)
    .action(async (opts: { port: number }, command: Command) => {
      const dataDir = dataDirOf(command)
      const rendererDir = join(here, '..', 'renderer')
      if (!existsSync(join(rendererDir, 'index.html'))) {
        throw new AppError('NOT_FOUND', `The console build is missing (${rendererDir}); run "npm run build".`)
      }
      const core = await startCoreWorker({ dataDir, keySource: await keySourceFor(dataDir, true), workerPath: join(here, 'worker.js') })
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
    .action(async (opts: { users: number; events: number; seed: number }, command: Command) => {
      const dataDir = dataDirOf(command)
      if (!storeExists(dataDir)) throw new AppError('NOT_FOUND', `No Gatehouse store in ${dataDir}; run "gatehouse init" first.`)
      const core = openCore({ dataDir, keySource: await keySourceFor(dataDir, false), tickMs: 0, create: false })
      try {
        const done = seedDemo(core, { users: opts.users, events: opts.events, seed: opts.seed })
        process.stdout.write(`Added ${done.users} people and ${done.events} audit events.\n`)
      } finally {
        core.close()
      }
    })

  const audit = program.command('audit').description('the audit ledger')
  audit
    .command('verify')
    .description('recompute every leaf and every signed tree head of the audit ledger')
    .action(async (_opts: unknown, command: Command) => {
      const dataDir = dataDirOf(command)
      if (!storeExists(dataDir)) throw new AppError('NOT_FOUND', `No Gatehouse store in ${dataDir}.`)
      const { key } = resolveKey(dataDir, await keySourceFor(dataDir, false), false)
      // Its own read-only connection: verification never goes through the writer.
      const db = openDatabase(databasePath(dataDir), key, { readonly: true })
      try {
        assertIntact(db, databasePath(dataDir))
        const result = verifyLedger(db)
        if (!result.ok) throw new AppError('CONFLICT', `Audit ledger verification FAILED: ${result.message}`)
        process.stdout.write(
          `Audit ledger verified: ${result.count} events, root ${result.root.toString('hex')}, ${result.heads} signed tree heads` +
            (result.unsignedTail > 0 ? ` (${result.unsignedTail} newest events not yet under a signed head)` : '') +
            '.\n'
        )
      } catch (error) {
        if (error instanceof AppError) throw error
        throw new AppError('INTERNAL', `The database file ${databasePath(dataDir)} is damaged: ${(error as Error).message}`)
      } finally {
        db.close()
      }
    })
  audit
    .command('sign')
    .description('sign the current tree head now')
    .action(async (_opts: unknown, command: Command) => {
      const dataDir = dataDirOf(command)
      const core = openCore({ dataDir, keySource: await keySourceFor(dataDir, false), tickMs: 0, create: false })
      try {
        const head = core.tx(() => core.ledger.signHead('on demand'))
        process.stdout.write(`Signed tree head: ${head.treeSize} events, root ${head.root.toString('hex')}.\n`)
      } finally {
        core.close()
      }
    })

  program
    .command('bench')
    .description('measure the store, the ledger and the worker at scale (100,000 users, 1,000,000 events)')
    .option('--users <n>', 'users in the benchmark store', positiveInt, 100_000)
    .option('--events <m>', 'audit events in the benchmark store', positiveInt, 1_000_000)
    .option('--quick', 'smaller sizes, for a smoke run')
    .action(async (opts: { users: number; events: number; quick?: boolean }) => {
      await runBench({ users: opts.quick ? 5_000 : opts.users, events: opts.quick ? 50_000 : opts.events, workerPath: join(here, 'worker.js') })
    })

  registerSupportAgentCommands(program)
  registerUsersCommands(program)
  return program
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
