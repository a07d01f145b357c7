import type { ParsedInputOf } from '../../../shared/contract'
import type { SmtpSettings } from '../../../shared/contract/settings'
import { AppError } from '../../../shared/contract/result'
import { confirmPassword } from '../auth/reauth'
import type { CallContext } from '../context'
import { accountOf, auditBase, plural } from '../kernel/call'
import type { Kernel } from '../kernel/kernel'
import { createMailer, loadSmtp, removeSmtp, saveSmtp, testMessage, type SmtpConfig } from '../mail/mailer'
import { transferRefusal } from '../users/manage-service'
import { getMember, memberTarget, notifySessionChanged, seats } from '../users/members'
import { lockAccountSeats } from '../users/members-repository'
import { findAccountFacts, findAccountOwner, setOwnershipRole, updateAccount } from './repository'

export function toDto(config: SmtpConfig | null): SmtpSettings | null {
  if (!config) return null
  return {
    host: config.host,
    port: config.port,
    tls: config.tls,
    user: config.username,
    hasPassword: !!config.password,
    from: config.fromAddress,
    fromName: config.fromName,
    updatedAt: config.updatedAt
  }
}

/** What the audit log shows of a mail server: never the password, only whether one is set. */
export function audited(config: SmtpConfig | null): Record<string, unknown> | null {
  const dto = toDto(config)
  if (!dto) return null
  const { updatedAt: _u, ...rest } = dto
  return rest
}

export async function accountSettings(kernel: Kernel, ctx: CallContext) {
  const accountId = accountOf(ctx)
  const db = kernel.store.db
  const account = (await findAccountFacts(db, accountId))!
  const owner = (await findAccountOwner(db, accountId))!
  return { ...account, seats: await seats(db, accountId, ctx.now), owner }
}

const formatCount = (n: number): string => n.toLocaleString('en-US')

/**
 * The Owner's edit of the account: name, seats (never below the seats in use: active members and
 * open invitations), idle timeout. Audited with before and after; open windows learn the new name.
 */
export async function updateAccountSettings(kernel: Kernel, ctx: CallContext, input: ParsedInputOf<'settings:account-update'>) {
  const accountId = accountOf(ctx)
  const changed = await kernel.tx(async (t) => {
    // Seats are compared with those in use while no invitation or reactivation can take one.
    await lockAccountSeats(t, accountId)
    const before = (await findAccountFacts(t, accountId))!
    const use = await seats(t, accountId, ctx.now)
    const change: { name?: string; seats?: number; idleTimeoutMinutes?: number } = {}
    if (input.name !== undefined && input.name !== before.name) change.name = input.name
    if (input.seats !== undefined && input.seats !== use.total) {
      if (input.seats < use.used) {
        // A rule on one field (as the password policy's): the form shows it beside Seats.
        const message = `${plural(use.used, 'seat is', 'seats are')} in use (${formatCount(use.active)} active, ${formatCount(use.invited)} invited); the account needs at least ${formatCount(use.used)}. Deactivate people or revoke invitations first.`
        throw new AppError('VALIDATION', message, { issues: [{ path: 'seats', message }] })
      }
      change.seats = input.seats
    }
    if (input.idleTimeoutMinutes !== undefined && input.idleTimeoutMinutes !== before.idleTimeoutMinutes) change.idleTimeoutMinutes = input.idleTimeoutMinutes
    if (Object.keys(change).length === 0) return false
    await updateAccount(t, accountId, change)
    const base = auditBase(ctx)
    const said = [
      change.name !== undefined ? `renamed the account from ${before.name} to ${change.name}` : null,
      change.seats !== undefined ? `changed the seats from ${formatCount(use.total)} to ${formatCount(change.seats)}` : null,
      change.idleTimeoutMinutes !== undefined ? `changed the idle timeout from ${before.idleTimeoutMinutes} to ${change.idleTimeoutMinutes} minutes` : null
    ].filter(Boolean)
    await kernel.ledger.append(t, {
      ...base,
      action: 'settings.account-updated',
      summary: `${base.actor.name} ${said.join(', ')}.`,
      target: { type: 'account', id: accountId, name: change.name ?? before.name },
      before: {
        ...(change.name !== undefined ? { name: before.name } : {}),
        ...(change.seats !== undefined ? { seats: use.total } : {}),
        ...(change.idleTimeoutMinutes !== undefined ? { idleTimeoutMinutes: before.idleTimeoutMinutes } : {})
      },
      after: change
    })
    return true
  })
  // Every open window of the account shows the new name (the sidebar reads it from the session).
  if (changed) for (const { connectionId } of kernel.sessions.live((session) => session.accountId === accountId)) kernel.emit(connectionId, 'session:changed', {})
  return accountSettings(kernel, ctx)
}

export async function getSmtp(kernel: Kernel, ctx: CallContext): Promise<SmtpSettings | null> {
  return toDto(await loadSmtp(kernel.store, accountOf(ctx)))
}

/** Set, change or remove the mail server (null removes it); the password is sealed before it is written. */
export async function setSmtp(kernel: Kernel, ctx: CallContext, input: ParsedInputOf<'settings:smtp-set'>): Promise<SmtpSettings | null> {
  const accountId = accountOf(ctx)
  const saved = await kernel.tx(async (t) => {
    const before = await loadSmtp(kernel.store, accountId, t)
    const base = auditBase(ctx)
    const target = { type: 'account', id: accountId, name: ctx.principal!.accountName }
    if (input.smtp === null) {
      if (!before) return null
      await removeSmtp(t, accountId)
      await kernel.ledger.append(t, {
        ...base,
        action: 'settings.smtp-removed',
        summary: `${base.actor.name} removed the mail server; invitations now show their link to copy.`,
        target,
        before: audited(before)
      })
      return null
    }
    const smtp = input.smtp
    // Omitted password: keep the stored one; '' clears it.
    const password = smtp.password === undefined ? (before?.password ?? null) : smtp.password || null
    const after: SmtpConfig = {
      host: smtp.host,
      port: smtp.port,
      tls: smtp.tls,
      username: smtp.user,
      password,
      fromAddress: smtp.from,
      fromName: smtp.fromName,
      updatedAt: ctx.now
    }
    await saveSmtp(kernel.store, t, accountId, after)
    await kernel.ledger.append(t, {
      ...base,
      action: 'settings.smtp-updated',
      summary: `${base.actor.name} ${before ? 'changed' : 'set up'} the mail server (${smtp.host}:${smtp.port}, ${smtp.tls === 'none' ? 'no TLS' : smtp.tls.toUpperCase()}).`,
      target,
      before: audited(before),
      after: { ...audited(after), passwordChanged: smtp.password !== undefined && (before?.password ?? null) !== password }
    })
    return after
  })
  return toDto(saved)
}

export async function testSmtp(kernel: Kernel, ctx: CallContext, input: ParsedInputOf<'settings:smtp-test'>) {
  const principal = ctx.principal!
  const config = await loadSmtp(kernel.store, principal.accountId)
  const to = input?.to ?? principal.email
  if (!config) throw new AppError('NOT_FOUND', 'No mail server is set up yet; save the settings first.')
  const mailer = createMailer(config)
  try {
    const outcome = await mailer.send(testMessage(to, principal.accountName, principal.name))
    return outcome.ok
      ? { delivered: true, to, message: `The mail server accepted a test email to ${to}.` }
      : { delivered: false, to, message: outcome.error }
  } finally {
    mailer.close()
  }
}

/** The Owner hands the account to an active Admin (password re-entry, under the lockout rule) and becomes an Admin. */
export async function transferOwnership(kernel: Kernel, ctx: CallContext, input: ParsedInputOf<'account:transfer-ownership'>) {
  const principal = ctx.principal!
  // Only the Owner gets here (the channel needs 'account:owner'): this narrows the type. The rule
  // itself, caller and target, is transferRefusal's, checked inside the transaction.
  if (principal.kind !== 'member') throw new AppError('FORBIDDEN', 'Only the Owner can transfer ownership.')
  const accountId = principal.accountId
  // Re-confirmed under the sign-in lockout rule (auth/reauth.ts).
  await confirmPassword(kernel, ctx, input.password, 'transfer-ownership')
  const target = await kernel.tx(async (t) => {
    const target = await getMember(t, accountId, input.toMembershipId)
    // The same rule as the capability the Users screen shows (users/manage-service.ts).
    const refusal = transferRefusal(principal, target)
    if (refusal) throw refusal
    // The demotion first: at most one Owner per account, even inside the transaction.
    await setOwnershipRole(t, principal.membershipId, 'admin')
    await setOwnershipRole(t, target.membershipId, 'owner')
    const base = auditBase(ctx)
    await kernel.ledger.appendMany(t, [
      {
        ...base,
        action: 'account.ownership-transferred',
        summary: `${base.actor.name} transferred ownership of ${principal.accountName} to ${target.name}; ${base.actor.name} is now an Admin.`,
        target: memberTarget(target),
        before: { owner: { name: principal.name, email: principal.email } },
        after: { owner: { name: target.name, email: target.email }, previousOwnerRole: 'admin' }
      },
      {
        ...base,
        action: 'member.role-changed',
        summary: `${target.name}'s role changed from Admin to Owner (ownership transfer).`,
        target: memberTarget(target),
        before: { role: 'admin' },
        after: { role: 'owner' }
      },
      {
        ...base,
        action: 'member.role-changed',
        summary: `${principal.name}'s role changed from Owner to Admin (ownership transfer).`,
        target: { type: 'member', id: principal.personId, name: principal.name },
        before: { role: 'owner' },
        after: { role: 'admin' }
      }
    ])
    return target
  })
  notifySessionChanged(kernel, principal.personId, accountId)
  notifySessionChanged(kernel, target.personId, accountId)
  return { previousOwnerId: principal.membershipId, newOwnerId: target.membershipId }
}
