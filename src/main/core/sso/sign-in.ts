import { randomUUID } from 'node:crypto'
import type { ParsedInputOf } from '../../../shared/contract'
import type { SessionInfo } from '../../../shared/contract/auth'
import { AppError } from '../../../shared/contract/result'
import { ROLE_LABELS } from '../../../shared/permissions'
import { recordLoginEvent } from '../auth/login-events-repository'
import { loadMemberPrincipal } from '../auth/principals-repository'
import { findPersonByEmail, findSignInMembership } from '../auth/repository'
import { sessionInfoOf } from '../auth/session-info'
import { actorOf, SYSTEM_ACTOR, type CallContext, type MemberPrincipal } from '../context'
import { insertInvitedMembership, insertInvitedPerson } from '../invitations/repository'
import type { Executor, Kernel } from '../kernel/kernel'
import { assertSeats } from '../users/members'
import type { ConnectionMeta } from '../host'
import { answerSiteOf, commonConfig, ReplayCache, startProviderFlow, type CommonConfig, type HostCallbacks, type ProviderAnswer, type StartedFlow } from './protocol'
import { connectionLabel } from './service'
import { addTeamMember, allTeams, findTeams } from '../teams/repository'
import { mappedRole, mappedTeams } from './mapping'
import { activateMembership, findEnabledConnections, findMemberByEmail, setPersonName, type SsoConnectionRow } from './repository'

/** How long a sign-in waits for the provider's redirect, and how long its outcome is kept for the window to read. */
const SIGN_IN_MS = 10 * 60_000

interface PendingSignIn {
  flowId: string
  connectionId: string
  meta: ConnectionMeta
  emailTyped: string
  connection: SsoConnectionRow
  config: CommonConfig
  flow: StartedFlow | null
  timer: NodeJS.Timeout
  outcome: { status: 'pending' | 'signed-in' | 'refused'; message: string | null; session: SessionInfo | null }
}

/** The sign-ins between their start and the provider's redirect, and their outcomes until read (or expired). */
export class SsoSignIns {
  readonly flows = new Map<string, PendingSignIn>()
  readonly replay = new ReplayCache()

  /** The web host's callback route is shared with the tests' flows. */
  constructor(readonly callbacks: HostCallbacks) {}

  closeAll(): void {
    for (const flow of this.flows.values()) {
      clearTimeout(flow.timer)
      flow.flow?.close()
    }
    this.flows.clear()
  }
}


const domainOf = (email: string) => email.slice(email.lastIndexOf('@') + 1).toLowerCase()

/** The account's connection for this email: its member's account, else an account whose provider allows its domain. */
async function connectionFor(q: Executor, email: string): Promise<SsoConnectionRow | undefined> {
  const enabled = await findEnabledConnections(q)
  const person = await findPersonByEmail(q, email)
  const membership = person ? await findSignInMembership(q, person.personId) : undefined
  const accountId = membership ? (await loadMemberPrincipal(q, membership.membershipId))?.accountId : undefined
  if (accountId) return enabled.find((c) => c.accountId === accountId)
  return enabled.find((c) => commonConfig(c).allowedDomains.includes(domainOf(email)))
}

/** Start a sign-in with SSO for the connection's window: the provider's URL to open, with a fresh state, nonce and PKCE verifier. */
export async function startSignIn(kernel: Kernel, ctx: CallContext, signIns: SsoSignIns, input: ParsedInputOf<'sso:sign-in-start'>) {
  const connection = await connectionFor(kernel.store.db, input.email)
  if (!connection) throw new AppError('VALIDATION', 'Single sign-on is not turned on for this email address: sign in with your password. If you joined through single sign-on and have no password, ask an admin to send you a password reset.', { issues: [{ path: 'email', message: 'Single sign-on is not turned on for this email address.' }] })
  // One sign-in per window at a time.
  for (const [id, other] of signIns.flows) if (other.connectionId === ctx.connectionId) end(signIns, id)
  const flowId = randomUUID()
  let flow: StartedFlow
  try {
    flow = await startProviderFlow(kernel, connection, signIns.replay, answerSiteOf(ctx, signIns.callbacks), (answer) => finishSignIn(kernel, signIns, flowId, answer), { loginHint: input.email })
  } catch (error) {
    if (error instanceof AppError && error.code === 'VALIDATION') throw new AppError('VALIDATION', `Your identity provider cannot be used right now (${error.message}) Ask an admin, or sign in with your password if you have one.`)
    throw error
  }
  const timer = setTimeout(() => end(signIns, flowId), SIGN_IN_MS)
  timer.unref()
  signIns.flows.set(flowId, {
    flowId,
    connectionId: ctx.connectionId,
    meta: ctx.meta,
    emailTyped: input.email,
    connection,
    config: commonConfig(connection),
    flow,
    timer,
    outcome: { status: 'pending', message: null, session: null }
  })
  return { flowId, authorizationUrl: flow.authorizationUrl, provider: connectionLabel(connection), expiresAt: ctx.now + SIGN_IN_MS }
}

function end(signIns: SsoSignIns, flowId: string): void {
  const flow = signIns.flows.get(flowId)
  if (!flow) return
  clearTimeout(flow.timer)
  flow.flow?.close()
  signIns.flows.delete(flowId)
}

export function signInResult(ctx: CallContext, signIns: SsoSignIns, input: ParsedInputOf<'sso:sign-in-result'>) {
  const flow = signIns.flows.get(input.flowId)
  // A window reads only its own sign-in.
  if (!flow || flow.connectionId !== ctx.connectionId) throw new AppError('NOT_FOUND', 'This sign-in has ended; start again.')
  if (flow.outcome.status !== 'pending') end(signIns, input.flowId)
  return flow.outcome
}

class Refusal extends Error {}

/**
 * The person the provider vouched for, as a member able to sign in: an active member as is; an
 * invitation accepted by this first sign-in; an unknown email from an allowed domain created as an
 * active member with the default role (just-in-time, within the seats), or refused (pre-provisioned).
 */
async function memberFor(kernel: Kernel, t: Executor, pending: PendingSignIn, claims: Record<string, unknown>, email: string, name: string, now: number): Promise<MemberPrincipal> {
  const { connection, config } = pending
  const accountId = connection.accountId
  if (!config.allowedDomains.includes(domainOf(email))) throw new Refusal(`${domainOf(email)} is not an email domain allowed to sign in with single sign-on here.`)
  const member = await findMemberByEmail(t, accountId, email)
  const base = { accountId, ip: pending.meta.ip, device: pending.meta.device }
  if (member) {
    if (member.status === 'deactivated') throw new Refusal('Your access to this account was deactivated.')
    if (member.status === 'invited') {
      if (connection.provisioning === 'pre' && member.inviteExpiresAt !== null && Number(member.inviteExpiresAt) <= now) throw new Refusal('Your invitation has expired: ask an admin to send a new one.')
      await activateMembership(t, member.membershipId, now)
      // The name the provider knows, as the acceptance form would have asked for it.
      await setPersonName(t, member.personId, name)
      await kernel.ledger.append(t, {
        ...base,
        actor: { kind: 'member', id: member.personId, name, email: member.email, role: member.role },
        action: 'member.joined',
        summary: `${name} accepted the invitation by signing in with single sign-on.`,
        target: { type: 'member', id: member.personId, name },
        ...(name !== member.name ? { before: { name: member.name }, after: { name } } : {})
      })
    }
    const principal = await loadMemberPrincipal(t, member.membershipId)
    if (!principal || principal.status !== 'active') throw new Refusal('Your membership of this account cannot sign in.')
    return principal
  }
  if (connection.provisioning !== 'jit') throw new Refusal(`${email} is not a member of this account: ask an admin to invite you.`)
  try {
    await assertSeats(t, accountId, now, 1, 'adding')
  } catch (error) {
    if (error instanceof AppError && error.code === 'LIMIT') throw new Refusal('There is no free seat for a new member in this account: ask an admin to free one or buy more.')
    throw error
  }
  const personId = randomUUID()
  const membershipId = randomUUID()
  // The role and teams the provider names (when mapped), else the defaults chosen when SSO was turned on.
  const role = mappedRole(config.claims, claims).role ?? connection.defaultRole ?? 'agent'
  const named = mappedTeams(config.claims, claims, config.claims.teams ? await allTeams(t, accountId) : []).teams
  const teams = [...(await findTeams(t, accountId, connection.defaultTeams)), ...named].filter((team, i, list) => list.findIndex((x) => x.id === team.id) === i)
  await insertInvitedPerson(t, { personId, accountId, email, name, now })
  await insertInvitedMembership(t, { membershipId, accountId, personId, role, expiresAt: now, now })
  await activateMembership(t, membershipId, now)
  for (const team of teams) await addTeamMember(t, accountId, team.id, membershipId, personId, now)
  const teamNames = teams.map((team) => team.name).sort((a, b) => a.localeCompare(b))
  await kernel.ledger.append(t, {
    ...base,
    actor: { ...SYSTEM_ACTOR, name: 'Single sign-on' },
    action: 'member.created',
    summary: `${name} (${email}) joined as ${ROLE_LABELS[role]}${teamNames.length > 0 ? ` in ${teamNames.join(', ')}` : ''} at their first sign-in with single sign-on (just-in-time provisioning).`,
    target: { type: 'member', id: personId, name },
    after: { email, name, role, teams: teamNames, status: 'active', provisioning: 'jit' }
  })
  return (await loadMemberPrincipal(t, membershipId))!
}

/** The provider's redirect for a sign-in: checked like a test, then the member signed in on the window that asked. */
async function finishSignIn(kernel: Kernel, signIns: SsoSignIns, flowId: string, answer: ProviderAnswer): Promise<{ ok: boolean; message: string }> {
  const pending = signIns.flows.get(flowId)
  if (!pending || pending.outcome.status !== 'pending') return { ok: false, message: 'This sign-in has ended; start again in Gatehouse.' }
  // The listener closes itself once its page is sent.
  pending.flow = null
  clearTimeout(pending.timer)
  const provider = connectionLabel(pending.connection)
  const now = kernel.clock.now()
  let email = pending.emailTyped
  const refuse = async (message: string, reason: string) => {
    await recordLoginEvent(kernel.store.db, {
      accountId: pending.connection.accountId,
      time: now,
      personId: null,
      kind: 'member',
      email,
      method: 'sso',
      result: 'failure',
      reason,
      provider,
      ip: pending.meta.ip,
      device: pending.meta.device
    })
    pending.outcome = { status: 'refused', message, session: null }
    return { ok: false, message }
  }
  const keep = () => {
    // The outcome waits for the window to read it, for a while.
    pending.timer = setTimeout(() => end(signIns, flowId), SIGN_IN_MS)
    pending.timer.unref()
  }
  try {
    const claims = answer.claims
    if (!claims) {
      const check = answer.checks.find((c) => !c.ok)
      return await refuse(`Single sign-on did not complete: ${check?.detail ?? 'no reason given'}`, check?.detail ?? 'no reason given')
    }
    const claimed = claims[pending.config.claims.email]
    if (typeof claimed !== 'string' || !claimed.includes('@')) return await refuse(`${provider} sent no email address: ask an admin to check the SSO claim mapping.`, 'no email claim')
    if (claims.email_verified === false) return await refuse(`${provider} says ${claimed} is not verified.`, 'email not verified')
    email = claimed.trim()
    const rawName = claims[pending.config.claims.name]
    const name = typeof rawName === 'string' && rawName.trim() ? rawName.trim().slice(0, 120) : email.slice(0, email.indexOf('@'))
    let principal: MemberPrincipal
    try {
      principal = await kernel.tx(async (t) => {
        const member = await memberFor(kernel, t, pending, claims, email, name, now)
        await recordLoginEvent(t, {
          accountId: member.accountId,
          time: now,
          personId: member.personId,
          kind: 'member',
          email,
          method: 'sso',
          result: 'success',
          reason: null,
          provider,
          ip: pending.meta.ip,
          device: pending.meta.device
        })
        await kernel.ledger.append(t, {
          accountId: member.accountId,
          actor: actorOf(member),
          action: 'auth.signed-in',
          summary: `${member.name} signed in with single sign-on (${provider}).`,
          target: { type: 'member', id: member.personId, name: member.name },
          ip: pending.meta.ip,
          device: pending.meta.device
        })
        return member
      })
    } catch (error) {
      if (error instanceof Refusal) return await refuse(error.message, error.message)
      throw error
    }
    const session = await kernel.sessions.start(pending.connectionId, principal)
    pending.outcome = { status: 'signed-in', message: null, session: sessionInfoOf(kernel, { session }, principal) }
    kernel.emit(pending.connectionId, 'session:changed', {})
    kernel.publish(principal.accountId, ['users', 'audit'], pending.connectionId)
    return { ok: true, message: `You are signed in to Gatehouse as ${principal.name}.` }
  } finally {
    keep()
  }
}
