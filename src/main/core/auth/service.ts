import { randomUUID } from 'node:crypto'
import type { SessionInfo } from '../../../shared/contract/auth'
import type { ParsedInputOf } from '../../../shared/contract'
import { AppError } from '../../../shared/contract/result'
import { actorOf, type CallContext, type MemberPrincipal } from '../context'
import type { Kernel } from '../kernel/kernel'
import { generateRecoveryKey } from '../store/key-envelope'
import { identityKey, logAttempt, oneAtATime, recordFailure, recordSuccess, refuseIfLocked } from './lockout'
import { checkPasswordPolicy, hashPassword, verifyPassword } from './passwords'
import { loadMemberPrincipal } from './principals-repository'
import {
  countAccounts,
  findPersonByEmail,
  findSignInMembership,
  insertAccount,
  insertOwnerMembership,
  insertPerson,
  listAccounts,
  lockForSetup,
  setLastLogin
} from './repository'
import { sessionInfoOf } from './session-info'
import { ssoEnforced } from '../sso/repository'

export async function authStatus(kernel: Kernel, ctx: CallContext) {
  const accounts = await listAccounts(kernel.store.db)
  return { initialized: accounts.length > 0, accounts, session: ctx.principal ? sessionInfoOf(kernel, ctx, ctx.principal) : null }
}

const ALREADY_SET_UP = 'Gatehouse is already set up; sign in instead.'

/** First run: the account, its Owner, the ledger's key and first head, the recovery slot; signs the Owner in. */
export async function setUp(kernel: Kernel, ctx: CallContext, input: ParsedInputOf<'auth:setup'>): Promise<{ recoveryKey: string; session: SessionInfo }> {
  if ((await countAccounts(kernel.store.db)) > 0) throw new AppError('CONFLICT', ALREADY_SET_UP)
  checkPasswordPolicy(input.ownerPassword, input.ownerEmail)
  // Slow work (scrypt) before the transaction.
  const passwordHash = await hashPassword(input.ownerPassword)
  const recoveryKey = generateRecoveryKey()
  const recoverySlot = kernel.store.wrapKey(recoveryKey)
  const accountId = randomUUID()
  const personId = randomUUID()
  const membershipId = randomUUID()
  const now = kernel.clock.now()
  const principal = await kernel.tx(async (t) => {
    await lockForSetup(t, kernel.store.dialect)
    if ((await countAccounts(t)) > 0) throw new AppError('CONFLICT', ALREADY_SET_UP)
    await insertAccount(t, { accountId, name: input.accountName, plan: input.plan, seats: input.seats, now })
    await insertPerson(t, { personId, accountId, email: input.ownerEmail, name: input.ownerName, passwordHash, now })
    await insertOwnerMembership(t, { membershipId, accountId, personId, now })
    await kernel.ledger.ensureSigningKey(t)
    const actor = { kind: 'member' as const, id: personId, name: input.ownerName, email: input.ownerEmail, role: 'owner' as const }
    const common = { accountId, actor, ip: ctx.meta.ip, device: ctx.meta.device }
    await kernel.ledger.appendMany(t, [
      {
        ...common,
        action: 'account.created',
        summary: `${input.ownerName} created the account ${input.accountName} (${input.plan}, ${input.seats} seats).`,
        target: { type: 'account', id: accountId, name: input.accountName },
        after: { name: input.accountName, plan: input.plan, seats: input.seats }
      },
      {
        ...common,
        action: 'member.created',
        summary: `${input.ownerName} became the Owner of ${input.accountName}.`,
        target: { type: 'member', id: personId, name: input.ownerName },
        after: { name: input.ownerName, email: input.ownerEmail, role: 'owner', status: 'active' }
      }
    ])
    await logAttempt(t, { ...ctx, now }, { kind: 'member', method: 'password', email: input.ownerEmail, personId, accountId, reason: 'first-run setup' }, 'success')
    await kernel.ledger.signHead('init', t)
    return (await loadMemberPrincipal(t, membershipId))!
  })
  // The recovery slot goes into the key envelope once the account exists.
  await kernel.store.setEnvelopeSlot('recovery', recoverySlot)
  const session = await kernel.sessions.start(ctx.connectionId, principal)
  return { recoveryKey, session: sessionInfoOf(kernel, { session }, principal) }
}

/** Member sign-in by email and password, under the shared lockout rule. */
/** Sign-in, one attempt per identity at a time: a burst of guesses cannot overshoot the lockout limit. */
export function signIn(kernel: Kernel, ctx: CallContext, input: ParsedInputOf<'auth:sign-in'>): Promise<SessionInfo> {
  return oneAtATime(kernel, identityKey('member', input.email), () => signInOnce(kernel, ctx, input))
}

async function signInOnce(kernel: Kernel, ctx: CallContext, input: ParsedInputOf<'auth:sign-in'>): Promise<SessionInfo> {
  const email = input.email
  const db = kernel.store.db
  const person = await findPersonByEmail(db, email)
  await refuseIfLocked(kernel, ctx, { kind: 'member', method: 'password', email, personId: person?.personId })
  const passwordOk = await verifyPassword(input.password, person?.passwordHash ?? null)
  const membership = person ? await findSignInMembership(db, person.personId) : undefined
  const principal: MemberPrincipal | null = membership ? ((await loadMemberPrincipal(db, membership.membershipId)) as MemberPrincipal | null) : null
  if (!passwordOk || !person || !principal) {
    const reason = !person ? 'unknown email' : !principal ? 'no membership' : 'wrong password'
    const lockedNow = await recordFailure(kernel, ctx, {
      kind: 'member',
      method: 'password',
      email,
      personId: person?.personId,
      accountId: principal?.accountId,
      reason
    })
    if (lockedNow) throw new AppError('LOCKED', 'Too many failed attempts: sign-in for this email is locked for 15 minutes.')
    throw new AppError('UNAUTHENTICATED', 'Wrong email or password.')
  }
  if (principal.status === 'active' && principal.role !== 'owner' && (await ssoEnforced(db, principal.accountId))) {
    // Enforced SSO: the password is not a way in (the Owner's stays, as break-glass).
    await kernel.tx((t) =>
      logAttempt(t, ctx, { kind: 'member', method: 'password', email, personId: person.personId, accountId: principal.accountId, reason: 'sso enforced' }, 'failure')
    )
    throw new AppError('UNAUTHENTICATED', 'This account signs in with single sign-on: choose "Sign in with SSO".')
  }
  if (principal.status !== 'active') {
    await kernel.tx((t) =>
      logAttempt(t, ctx, { kind: 'member', method: 'password', email, personId: person.personId, accountId: principal.accountId, reason: `member ${principal.status}` }, 'failure')
    )
    throw new AppError(
      'UNAUTHENTICATED',
      principal.status === 'deactivated' ? 'Your access to this account was deactivated.' : 'Accept your invitation before signing in.'
    )
  }
  await kernel.tx(async (t) => {
    await recordSuccess(t, ctx, { kind: 'member', method: 'password', email, personId: person.personId, accountId: principal.accountId })
    await setLastLogin(t, principal.membershipId, ctx.now)
    await kernel.ledger.append(t, {
      accountId: principal.accountId,
      actor: actorOf(principal),
      action: 'auth.signed-in',
      summary: `${principal.name} signed in.`,
      target: { type: 'member', id: principal.personId, name: principal.name },
      ip: ctx.meta.ip,
      device: ctx.meta.device
    })
  })
  const session = await kernel.sessions.start(ctx.connectionId, principal)
  return sessionInfoOf(kernel, { session }, principal)
}

/** Sign out; a support agent's sign-out is audited as 'support.signed-out' (the Owner's alone). */
export async function signOut(kernel: Kernel, ctx: CallContext): Promise<{ signedOut: true }> {
  const principal = ctx.principal!
  const support = principal.kind === 'support'
  await kernel.tx((t) =>
    kernel.ledger.append(t, {
      accountId: principal.accountId,
      actor: actorOf(principal),
      action: support ? 'support.signed-out' : 'auth.signed-out',
      summary: `${principal.name} signed out.`,
      target: { type: support ? 'support-agent' : 'member', id: principal.personId, name: principal.name },
      ip: ctx.meta.ip,
      device: ctx.meta.device
    })
  )
  await kernel.sessions.end(ctx.connectionId, 'signed-out', { notify: false })
  return { signedOut: true as const }
}
