import { AppError } from '../../../shared/contract/result'
import type { SmtpSettings } from '../../../shared/contract/settings'
import type { Core } from '../core'
import type { CallContext } from '../context'
import { verifyPassword } from '../auth/passwords'
import { createMailer, loadSmtp, testMessage, type SmtpConfig } from '../mail/mailer'
import { accountOf, auditBase, memberTarget, membersOf, notifySessionChanged } from '../users/members'

function toDto(config: SmtpConfig | null): SmtpSettings | null {
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
function audited(config: SmtpConfig | null): Record<string, unknown> | null {
  const dto = toDto(config)
  if (!dto) return null
  const { updatedAt: _u, ...rest } = dto
  return rest
}

/** Settings → Account: account facts, the SMTP server for invitations, ownership transfer. */
export function registerSettings(core: Core): void {
  const db = core.db
  const members = membersOf(core)

  core.handle('settings:account', (ctx) => {
    const accountId = accountOf(ctx)
    const account = db
      .prepare('SELECT account_id AS id, name, plan, idle_timeout_minutes AS idleTimeoutMinutes, created_at AS createdAt FROM accounts WHERE account_id = ?')
      .get(accountId) as { id: string; name: string; plan: 'trial' | 'paid'; idleTimeoutMinutes: number; createdAt: number }
    const owner = db
      .prepare(
        "SELECT m.membership_id AS membershipId, p.name, p.email FROM memberships m JOIN persons p ON p.person_id = m.person_id WHERE m.account_id = ? AND m.role = 'owner'"
      )
      .get(accountId) as { membershipId: string; name: string; email: string }
    return { ...account, seats: members.seats(accountId, ctx.now), owner }
  })

  core.handle('settings:smtp-get', (ctx) => toDto(loadSmtp(db, accountOf(ctx))))

  core.handle('settings:smtp-set', (ctx, input) => {
    const accountId = accountOf(ctx)
    const saved = core.tx(() => {
      const before = loadSmtp(db, accountId)
      const base = auditBase(ctx)
      if (input.smtp === null) {
        if (!before) return null
        db.prepare('DELETE FROM smtp_settings WHERE account_id = ?').run(accountId)
        core.ledger.append({
          ...base,
          action: 'settings.smtp-removed',
          summary: `${base.actor.name} removed the mail server; invitations now show their link to copy.`,
          target: { type: 'account', id: accountId, name: ctx.principal!.accountName },
          before: audited(before)
        })
        return null
      }
      const smtp = input.smtp
      // Omitted password: keep the stored one; '' clears it.
      const password = smtp.password === undefined ? (before?.password ?? null) : smtp.password || null
      db.prepare(
        `INSERT INTO smtp_settings (account_id, host, port, tls, username, password, from_address, from_name, updated_at)
         VALUES (@accountId, @host, @port, @tls, @user, @password, @from, @fromName, @now)
         ON CONFLICT (account_id) DO UPDATE SET host = excluded.host, port = excluded.port, tls = excluded.tls, username = excluded.username,
           password = excluded.password, from_address = excluded.from_address, from_name = excluded.from_name, updated_at = excluded.updated_at`
      ).run({ accountId, host: smtp.host, port: smtp.port, tls: smtp.tls, user: smtp.user, password, from: smtp.from, fromName: smtp.fromName, now: ctx.now })
      const after = loadSmtp(db, accountId)
      core.ledger.append({
        ...base,
        action: 'settings.smtp-updated',
        summary: `${base.actor.name} ${before ? 'changed' : 'set up'} the mail server (${smtp.host}:${smtp.port}, ${smtp.tls === 'none' ? 'no TLS' : smtp.tls.toUpperCase()}).`,
        target: { type: 'account', id: accountId, name: ctx.principal!.accountName },
        before: audited(before),
        after: { ...audited(after), passwordChanged: smtp.password !== undefined && (before?.password ?? null) !== password }
      })
      return after
    })
    core.broadcast(accountId, ['settings', 'audit'])
    return toDto(saved)
  })

  core.handle('settings:smtp-test', async (ctx: CallContext, input) => {
    const principal = ctx.principal!
    const config = loadSmtp(db, principal.accountId)
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
  })

  core.handle('account:transfer-ownership', async (ctx, input) => {
    const principal = ctx.principal!
    if (principal.kind !== 'member' || principal.role !== 'owner') throw new AppError('FORBIDDEN', 'Only the Owner can transfer ownership.')
    const accountId = principal.accountId
    const person = db.prepare('SELECT password_hash AS hash FROM persons WHERE person_id = ?').get(principal.personId) as { hash: string | null }
    if (!(await verifyPassword(input.password, person.hash))) {
      throw new AppError('VALIDATION', 'The password is wrong; ownership was not transferred.', { issues: [{ path: 'password', message: 'Wrong password' }] })
    }
    const target = core.tx(() => {
      const target = members.get(accountId, input.toMembershipId)
      if (target.membershipId === principal.membershipId) throw new AppError('CONFLICT', 'You are already the Owner.')
      if (target.role !== 'admin' || target.status !== 'active') {
        throw new AppError('CONFLICT', `Ownership can go only to an active Admin; ${target.name || target.email} is ${target.status === 'active' ? `an ${target.role === 'agent' ? 'Agent' : 'Viewer'}` : target.status}.`)
      }
      // The demotion first: at most one Owner per account, even inside the transaction.
      db.prepare("UPDATE memberships SET role = 'admin' WHERE membership_id = ?").run(principal.membershipId)
      db.prepare("UPDATE memberships SET role = 'owner' WHERE membership_id = ?").run(target.membershipId)
      const base = auditBase(ctx)
      core.ledger.appendMany([
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
    notifySessionChanged(core, principal.personId, accountId)
    notifySessionChanged(core, target.personId, accountId)
    core.broadcast(accountId, ['users', 'settings', 'audit'])
    return { previousOwnerId: principal.membershipId, newOwnerId: target.membershipId }
  })
}
