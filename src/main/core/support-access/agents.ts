import { randomUUID } from 'node:crypto'
import { email as emailSchema, personName } from '../../../shared/contract/common'
import type { AuditActor } from '../../../shared/contract/audit'
import { AppError } from '../../../shared/contract/result'
import { checkPasswordPolicy, hashPassword } from '../auth/passwords'
import type { Kernel } from '../kernel/kernel'
import type { Executor } from '../store/port'
import { findActiveAgentByEmail, insertAgent, listActiveAgents, markAgentRemoved, type AgentRow } from './repository'
import { refreshSupportSession } from './service'

/** The vendor's command line, as an audit actor: support agents are provisioned only from there. */
export const VENDOR_CLI_ACTOR: AuditActor = { kind: 'system', id: null, name: 'Vendor CLI (gatehouse support-agent)', email: null, role: null }

export interface SupportAgentSummary {
  id: string
  email: string
  name: string
  addedAt: number
}

function parsed<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: Array<{ message: string }> } } }, value: unknown, what: string): T {
  const result = schema.safeParse(value)
  if (!result.success) throw new AppError('VALIDATION', `${what}: ${result.error.issues[0]?.message ?? 'invalid'}`)
  return result.data
}

async function activeAgentByEmail(q: Executor, email: string): Promise<AgentRow | null> {
  return (await findActiveAgentByEmail(q, email)) ?? null
}

/**
 * Provision a support agent (installation-wide; never a member, never a seat). The password policy
 * of members applies. Audited as the vendor CLI, outside any account.
 */
export async function addSupportAgent(kernel: Kernel, input: { email: string; name: string; password: string }): Promise<SupportAgentSummary> {
  const email = parsed(emailSchema, input.email, 'Email')
  const name = parsed(personName, input.name, 'Name')
  checkPasswordPolicy(input.password, email)
  if (await activeAgentByEmail(kernel.store.db, email)) throw new AppError('CONFLICT', `A support agent with the email ${email} already exists.`)
  const hash = await hashPassword(input.password)
  const agent = { id: randomUUID(), email, name, addedAt: kernel.clock.now() }
  await kernel.tx(async (t) => {
    if (await activeAgentByEmail(t, email)) throw new AppError('CONFLICT', `A support agent with the email ${email} already exists.`)
    await insertAgent(t, { id: agent.id, email, name, passwordHash: hash, addedAt: agent.addedAt })
    await kernel.ledger.append(t, {
      accountId: null,
      actor: VENDOR_CLI_ACTOR,
      action: 'support-agent.added',
      summary: `The vendor added the support agent ${name} (${email}).`,
      target: { type: 'support-agent', id: agent.id, name },
      after: { name, email },
      ip: null,
      device: 'gatehouse CLI'
    })
  })
  return agent
}

export async function listSupportAgents(kernel: Kernel): Promise<SupportAgentSummary[]> {
  return listActiveAgents(kernel.store.db)
}

/**
 * Remove a support agent: no more sign-ins; live sessions in this process end at once, and any
 * session elsewhere is refused on its next check (the core re-reads the agent on every call).
 */
export async function removeSupportAgent(kernel: Kernel, rawEmail: string): Promise<{ agent: SupportAgentSummary; sessionsEnded: number }> {
  const email = parsed(emailSchema, rawEmail, 'Email')
  const row = await activeAgentByEmail(kernel.store.db, email)
  if (!row) throw new AppError('NOT_FOUND', `No support agent has the email ${email}.`)
  const now = kernel.clock.now()
  await kernel.tx(async (t) => {
    await markAgentRemoved(t, row.agent_id, now)
    await kernel.ledger.append(t, {
      accountId: null,
      actor: VENDOR_CLI_ACTOR,
      action: 'support-agent.removed',
      summary: `The vendor removed the support agent ${row.name} (${row.email}).`,
      target: { type: 'support-agent', id: row.agent_id, name: row.name },
      before: { name: row.name, email: row.email },
      ip: null,
      device: 'gatehouse CLI'
    })
  })
  // The same check every call makes: it ends each session (as idle if it already was) and says why.
  const live = kernel.sessions.live((s) => s.kind === 'support' && s.personId === row.agent_id)
  for (const { connectionId, session } of live) await refreshSupportSession(kernel, connectionId, session, now)
  return { agent: { id: row.agent_id, email: row.email, name: row.name, addedAt: row.created_at }, sessionsEnded: live.length }
}
