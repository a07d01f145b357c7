import { randomUUID } from 'node:crypto'
import { email as emailSchema, personName } from '../../../shared/contract/common'
import type { AuditActor } from '../../../shared/contract/audit'
import { AppError } from '../../../shared/contract/result'
import { checkPasswordPolicy, hashPassword } from '../auth/passwords'
import type { Core } from '../core'
import type { AgentRow } from './service'

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

function activeAgentByEmail(core: Core, email: string): AgentRow | null {
  return (core.db.prepare('SELECT * FROM support_agents WHERE email = ? AND removed_at IS NULL').get(email) as AgentRow | undefined) ?? null
}

/**
 * Provision a support agent (installation-wide; never a member, never a seat). The password policy
 * of members applies. Audited as the vendor CLI, outside any account.
 */
export async function addSupportAgent(core: Core, input: { email: string; name: string; password: string }): Promise<SupportAgentSummary> {
  const email = parsed(emailSchema, input.email, 'Email')
  const name = parsed(personName, input.name, 'Name')
  checkPasswordPolicy(input.password, email)
  if (activeAgentByEmail(core, email)) throw new AppError('CONFLICT', `A support agent with the email ${email} already exists.`)
  const hash = await hashPassword(input.password)
  const agent = { id: randomUUID(), email, name, addedAt: core.clock.now() }
  core.tx(() => {
    if (activeAgentByEmail(core, email)) throw new AppError('CONFLICT', `A support agent with the email ${email} already exists.`)
    core.db
      .prepare('INSERT INTO support_agents (agent_id, account_id, email, name, password_hash, created_at) VALUES (?, NULL, ?, ?, ?, ?)')
      .run(agent.id, email, name, hash, agent.addedAt)
    core.ledger.append({
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

export function listSupportAgents(core: Core): SupportAgentSummary[] {
  return core.db
    .prepare('SELECT agent_id AS id, email, name, created_at AS addedAt FROM support_agents WHERE removed_at IS NULL ORDER BY name COLLATE NOCASE, email')
    .all() as SupportAgentSummary[]
}

/**
 * Remove a support agent: no more sign-ins; live sessions in this process end at once, and any
 * session elsewhere is refused on its next check (the core re-reads the agent on every call).
 */
export function removeSupportAgent(core: Core, rawEmail: string): { agent: SupportAgentSummary; sessionsEnded: number } {
  const email = parsed(emailSchema, rawEmail, 'Email')
  const row = activeAgentByEmail(core, email)
  if (!row) throw new AppError('NOT_FOUND', `No support agent has the email ${email}.`)
  const now = core.clock.now()
  core.tx(() => {
    core.db.prepare('UPDATE support_agents SET removed_at = ? WHERE agent_id = ? AND removed_at IS NULL').run(now, row.agent_id)
    core.ledger.append({
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
  const live = core.liveSessions((s) => s.kind === 'support' && s.personId === row.agent_id)
  for (const { connectionId, session } of live) core.supportAccess.refresh(connectionId, session, now)
  return { agent: { id: row.agent_id, email: row.email, name: row.name, addedAt: row.created_at }, sessionsEnded: live.length }
}
