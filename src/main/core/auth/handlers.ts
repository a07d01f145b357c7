import { randomUUID } from 'node:crypto'
import { AppError } from '../../../shared/contract/result'
import type { SessionInfo } from '../../../shared/contract/auth'
import type { Core } from '../core'
import { permissionsOf } from '../core'
import { actorOf, type CallContext, type ResolvedPrincipal } from '../context'
import { generateRecoveryKey, readEnvelope, wrapWithSecret, writeEnvelope } from '../store/key-envelope'
import { checkPasswordPolicy, hashPassword, verifyPassword } from './passwords'
import { Lockout, type LoginResult } from './lockout'

export { LOCKOUT_DURATION_MS, LOCKOUT_FAILURES, LOCKOUT_WINDOW_MS } from './lockout'

export function sessionInfoOf(core: Core, ctx: { session: { startedAt: number } | null }, principal: ResolvedPrincipal): SessionInfo {
  return {
    principal: {
      kind: principal.kind,
      personId: principal.personId,
      name: principal.name,
      email: principal.email,
      role: principal.role,
      accountId: principal.accountId,
      accountName: principal.accountName,
      plan: principal.plan
    },
    permissions: permissionsOf(principal),
    idleTimeoutMinutes: principal.idleTimeoutMinutes,
    startedAt: ctx.session?.startedAt ?? core.clock.now()
  }
}

export function registerAuth(core: Core): void {
  const db = core.db
  // Login events and the lockout rule are shared with the support agents' sign-in.
  const lockout = new Lockout(core)
  const findPerson = db.prepare('SELECT person_id, name, email, password_hash FROM persons WHERE email = ?')
  const findMembership = db.prepare(`
    SELECT membership_id, status FROM memberships WHERE person_id = ?
    ORDER BY CASE status WHEN 'active' THEN 0 ELSE 1 END, created_at LIMIT 1`)

  function logAttempt(ctx: CallContext, email: string, result: LoginResult, reason: string | null, person?: { person_id: string }, accountId?: string | null): void {
    lockout.log(ctx, { kind: 'member', method: 'password', email, personId: person?.person_id, accountId, reason }, result)
  }

  core.handle('auth:status', (ctx) => {
    const accounts = db.prepare('SELECT account_id AS id, name FROM accounts ORDER BY created_at').all() as Array<{ id: string; name: string }>
    return {
      initialized: accounts.length > 0,
      accounts,
      session: ctx.principal ? sessionInfoOf(core, ctx, ctx.principal) : null
    }
  })

  core.handle('auth:setup', async (ctx, input) => {
    if ((db.prepare('SELECT count(*) AS n FROM accounts').get() as { n: number }).n > 0) {
      throw new AppError('CONFLICT', 'Gatehouse is already set up; sign in instead.')
    }
    checkPasswordPolicy(input.ownerPassword, input.ownerEmail)
    const passwordHash = await hashPassword(input.ownerPassword)
    const recoveryKey = generateRecoveryKey()
    const recoverySlot = wrapWithSecret(core.storeKey, recoveryKey)
    const accountId = randomUUID()
    const personId = randomUUID()
    const membershipId = randomUUID()
    const now = core.clock.now()
    core.tx(() => {
      if ((db.prepare('SELECT count(*) AS n FROM accounts').get() as { n: number }).n > 0) {
        throw new AppError('CONFLICT', 'Gatehouse is already set up; sign in instead.')
      }
      db.prepare('INSERT INTO accounts (account_id, name, plan, seats, created_at) VALUES (?, ?, ?, ?, ?)').run(
        accountId,
        input.accountName,
        input.plan,
        input.seats,
        now
      )
      db.prepare('INSERT INTO persons (person_id, account_id, email, name, password_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)').run(
        personId,
        accountId,
        input.ownerEmail,
        input.ownerName,
        passwordHash,
        now
      )
      db.prepare(
        "INSERT INTO memberships (membership_id, account_id, person_id, role, status, last_login_at, created_at) VALUES (?, ?, ?, 'owner', 'active', ?, ?)"
      ).run(membershipId, accountId, personId, now, now)
      core.ledger.ensureSigningKey()
      const actor = { kind: 'member' as const, id: personId, name: input.ownerName, email: input.ownerEmail, role: 'owner' as const }
      const common = { accountId, actor, ip: ctx.meta.ip, device: ctx.meta.device }
      core.ledger.append({
        ...common,
        action: 'account.created',
        summary: `${input.ownerName} created the account ${input.accountName} (${input.plan}, ${input.seats} seats).`,
        target: { type: 'account', id: accountId, name: input.accountName },
        after: { name: input.accountName, plan: input.plan, seats: input.seats }
      })
      core.ledger.append({
        ...common,
        action: 'member.created',
        summary: `${input.ownerName} became the Owner of ${input.accountName}.`,
        target: { type: 'member', id: personId, name: input.ownerName },
        after: { name: input.ownerName, email: input.ownerEmail, role: 'owner', status: 'active' }
      })
      logAttempt({ ...ctx, now }, input.ownerEmail, 'success', 'first-run setup', { person_id: personId }, accountId)
      core.ledger.signHead('init')
    })
    // The recovery slot goes beside the database once the account exists.
    const envelope = readEnvelope(core.dataDir) ?? { version: 1 as const, slots: {} }
    envelope.slots.recovery = recoverySlot
    writeEnvelope(core.dataDir, envelope)
    const principal = core.principalByMembership(membershipId)!
    const session = core.startSession(ctx.connectionId, principal)
    return { recoveryKey, session: sessionInfoOf(core, { session }, principal) }
  })

  core.handle('auth:sign-in', async (ctx, input) => {
    const email = input.email
    lockout.refuseIfLocked(ctx, {
      kind: 'member',
      method: 'password',
      email,
      personId: (findPerson.get(email) as { person_id: string } | undefined)?.person_id
    })
    const person = findPerson.get(email) as { person_id: string; name: string; email: string; password_hash: string | null } | undefined
    const passwordOk = await verifyPassword(input.password, person?.password_hash ?? null)
    const membership = person ? (findMembership.get(person.person_id) as { membership_id: string; status: string } | undefined) : undefined
    const principal = membership ? core.principalByMembership(membership.membership_id) : null
    if (!passwordOk || !person || !principal) {
      const reason = !person ? 'unknown email' : !principal ? 'no membership' : 'wrong password'
      const lockedNow = lockout.failure(ctx, {
        kind: 'member',
        method: 'password',
        email,
        personId: person?.person_id,
        accountId: principal?.accountId,
        reason
      })
      if (lockedNow) throw new AppError('LOCKED', 'Too many failed attempts: sign-in for this email is locked for 15 minutes.')
      throw new AppError('UNAUTHENTICATED', 'Wrong email or password.')
    }
    if (principal.status !== 'active') {
      core.tx(() => logAttempt(ctx, email, 'failure', `member ${principal.status}`, person, principal.accountId))
      throw new AppError(
        'UNAUTHENTICATED',
        principal.status === 'deactivated' ? 'Your access to this account was deactivated.' : 'Accept your invitation before signing in.'
      )
    }
    core.tx(() => {
      lockout.success(ctx, { kind: 'member', method: 'password', email, personId: person.person_id, accountId: principal.accountId })
      db.prepare('UPDATE memberships SET last_login_at = ? WHERE membership_id = ?').run(ctx.now, principal.membershipId)
      core.ledger.append({
        accountId: principal.accountId,
        actor: actorOf(principal),
        action: 'auth.signed-in',
        summary: `${principal.name} signed in.`,
        target: { type: 'member', id: principal.personId, name: principal.name },
        ip: ctx.meta.ip,
        device: ctx.meta.device
      })
    })
    const session = core.startSession(ctx.connectionId, principal)
    core.broadcast(principal.accountId, ['users', 'audit'], ctx.connectionId)
    return sessionInfoOf(core, { session }, principal)
  })

  core.handle('auth:sign-out', (ctx) => {
    const principal = ctx.principal!
    core.tx(() => {
      core.ledger.append({
        accountId: principal.accountId,
        actor: actorOf(principal),
        action: 'auth.signed-out',
        summary: `${principal.name} signed out.`,
        target: { type: principal.kind === 'support' ? 'support-agent' : 'member', id: principal.personId, name: principal.name },
        ip: ctx.meta.ip,
        device: ctx.meta.device
      })
    })
    core.endSession(ctx.connectionId, 'signed-out', { notify: false })
    core.broadcast(principal.accountId, ['audit'])
    return { signedOut: true as const }
  })
}
