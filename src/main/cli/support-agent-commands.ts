import type { Command } from 'commander'
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { AppError } from '../../shared/contract/result'
import { openCore } from '../core/in-process'
import { databasePath } from '../core/store/connection'
import { addSupportAgent, listSupportAgents, removeSupportAgent } from '../core/support-access/agents'
import { defaultDataDir } from '../paths'
import { resolvePassphrase } from './prompt'

function dataDirOf(command: Command): string {
  const opts = command.optsWithGlobals<{ dataDir?: string }>()
  return resolve(opts.dataDir ?? defaultDataDir(process.platform, process.env, process.env.HOME ?? ''))
}

/** Open the existing store in this process for one command, and always close it. */
async function withCore<T>(command: Command, fn: (core: ReturnType<typeof openCore>) => Promise<T> | T): Promise<T> {
  const dataDir = dataDirOf(command)
  if (!existsSync(databasePath(dataDir))) throw new AppError('NOT_FOUND', `No Gatehouse store in ${dataDir}; run "gatehouse init" first.`)
  const core = openCore({ dataDir, keySource: { kind: 'passphrase', passphrase: await resolvePassphrase(false) }, tickMs: 0, create: false })
  try {
    return await fn(core)
  } finally {
    core.close()
  }
}

/**
 * `gatehouse support-agent add|list|remove`: the vendor provisions its support staff here, never
 * from an account's screens. Audited as the vendor CLI (actor kind system).
 */
export function registerSupportAgentCommands(program: Command): void {
  const agents = program.command('support-agent').description("the vendor's support agents (they sign in to accounts whose Owner allows it)")

  agents
    .command('add')
    .description('add a support agent; the password comes from GATEHOUSE_AGENT_PASSWORD')
    .requiredOption('--email <email>', "the agent's email")
    .requiredOption('--name <name>', "the agent's name")
    .action(async (opts: { email: string; name: string }, command: Command) => {
      const password = process.env.GATEHOUSE_AGENT_PASSWORD
      if (!password) throw new AppError('VALIDATION', "Set GATEHOUSE_AGENT_PASSWORD to the support agent's password.")
      const agent = await withCore(command, (core) => addSupportAgent(core, { email: opts.email, name: opts.name, password }))
      process.stdout.write(`Added support agent ${agent.name} <${agent.email}>.\n`)
    })

  agents
    .command('list')
    .description('list the support agents')
    .action(async (_opts: unknown, command: Command) => {
      const rows = await withCore(command, (core) => listSupportAgents(core))
      if (rows.length === 0) {
        process.stdout.write('No support agents.\n')
        return
      }
      const width = Math.max(5, ...rows.map((r) => r.email.length))
      process.stdout.write(`${'EMAIL'.padEnd(width)}  ${'ADDED (UTC)'.padEnd(20)}  NAME\n`)
      for (const r of rows) {
        process.stdout.write(`${r.email.padEnd(width)}  ${new Date(r.addedAt).toISOString().slice(0, 16).replace('T', ' ').padEnd(20)}  ${r.name}\n`)
      }
    })

  agents
    .command('remove')
    .description('remove a support agent: no more sign-ins, and any live session ends at its next check')
    .requiredOption('--email <email>', "the agent's email")
    .action(async (opts: { email: string }, command: Command) => {
      const { agent } = await withCore(command, (core) => removeSupportAgent(core, opts.email))
      process.stdout.write(`Removed support agent ${agent.name} <${agent.email}>.\n`)
    })
}
