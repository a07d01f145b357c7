import type { Command } from 'commander'
import { AppError } from '../../shared/contract/result'
import { addSupportAgent, listSupportAgents, removeSupportAgent } from '../core/support-access/agents'
import { withCore } from './store-choice'

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
