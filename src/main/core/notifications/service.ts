import { AppError } from '../../../shared/contract/result'
import type { OutputOf } from '../../../shared/contract'
import { NOTIFICATION_AUDIENCE, NOTIFICATION_KINDS, type NotificationKind } from '../../../shared/contract/notifications'
import { ROLE_PERMISSIONS, type Role } from '../../../shared/permissions'
import type { AuditEntry } from '../audit/ledger'
import type { CallContext, MemberPrincipal } from '../context'
import type { Kernel } from '../kernel/kernel'
import { auditBase } from '../kernel/call'
import { escapeHtml, loadSmtp, sendEach, type MailMessage } from '../mail/mailer'
import { readableUtc } from '../support-access/time'
import { accountName, accountOwner, recipientByPerson, savePreference, storedPreferences, type Recipient } from './repository'

/** The kinds that concern a person of this role (pure: the same rule for the screen and for sending). */
export function kindsFor(role: Role): NotificationKind[] {
  return NOTIFICATION_KINDS.filter((kind) => {
    const needed = NOTIFICATION_AUDIENCE[kind]
    return needed === null || ROLE_PERMISSIONS[role].includes(needed)
  })
}

function member(ctx: CallContext): MemberPrincipal {
  const principal = ctx.principal
  if (principal?.kind !== 'member') throw new AppError('FORBIDDEN', 'Only members of the account have notification settings.')
  return principal
}

async function preferencesOf(kernel: Kernel, principal: MemberPrincipal): Promise<OutputOf<'notifications:get'>> {
  const [stored, smtp] = await Promise.all([storedPreferences(kernel.store.db, principal.personId), loadSmtp(kernel.store, principal.accountId)])
  return { emailDelivery: smtp !== null, preferences: kindsFor(principal.role).map((kind) => ({ kind, enabled: stored.get(kind) ?? true })) }
}

export function getNotificationPreferences(kernel: Kernel, ctx: CallContext): Promise<OutputOf<'notifications:get'>> {
  return preferencesOf(kernel, member(ctx))
}

const KIND_WORDS: Record<NotificationKind, string> = {
  security: 'security alerts about their own sign-in',
  'support-access': 'Support Team Access notices'
}

export async function setNotificationPreference(kernel: Kernel, ctx: CallContext, input: { kind: NotificationKind; enabled: boolean }): Promise<OutputOf<'notifications:set'>> {
  const principal = member(ctx)
  if (!kindsFor(principal.role).includes(input.kind)) {
    throw new AppError('VALIDATION', 'Support Team Access notices go to the account Owner only.', { issues: [{ path: 'kind', message: 'Only for the account Owner' }] })
  }
  await kernel.tx(async (t) => {
    const before = (await storedPreferences(t, principal.personId)).get(input.kind) ?? true
    await savePreference(t, { accountId: principal.accountId, personId: principal.personId, kind: input.kind, enabled: input.enabled, now: ctx.now })
    const base = auditBase(ctx)
    await kernel.ledger.append(t, {
      ...base,
      action: 'profile.notifications-changed',
      summary: `${principal.name} turned ${input.enabled ? 'on' : 'off'} the emails with ${KIND_WORDS[input.kind]}.`,
      target: { type: 'member', id: principal.personId, name: principal.name },
      before: { [input.kind]: before },
      after: { [input.kind]: input.enabled }
    })
  })
  return preferencesOf(kernel, principal)
}

// --- Sending ---------------------------------------------------------------------------------

/**
 * The events that call for an email: its kind, its subject, and whom it concerns (the event's
 * target, its actor, or the account's Owner). A member's lock only: a support agent's is
 * 'support.locked', which is not here.
 */
const NOTIFIED: Partial<Record<AuditEntry['action'], { kind: NotificationKind; subject: string; to: 'target' | 'actor' | 'owner' }>> = {
  'auth.locked': { kind: 'security', subject: 'Sign-in to {account} was locked', to: 'target' },
  'profile.password-changed': { kind: 'security', subject: 'Your {account} password was changed', to: 'actor' },
  'member.password-reset': { kind: 'security', subject: 'Your {account} password was reset', to: 'target' },
  'support-access.extended': { kind: 'support-access', subject: "The vendor's support team can now enter {account}", to: 'owner' },
  'support-access.changed': { kind: 'support-access', subject: 'Support Team Access to {account} was changed', to: 'owner' },
  'support-access.disabled': { kind: 'support-access', subject: 'Support Team Access to {account} was turned off', to: 'owner' },
  'support-access.expired': { kind: 'support-access', subject: 'Support Team Access to {account} has ended', to: 'owner' },
  'support-access.trial-converted': { kind: 'support-access', subject: 'Support Team Access to {account} ended with the trial', to: 'owner' }
}

/** The person an event concerns, as NOTIFIED names them (undefined: nobody to tell). */
async function recipientOf(kernel: Kernel, accountId: string, entry: AuditEntry, to: 'target' | 'actor' | 'owner'): Promise<Recipient | undefined> {
  const q = kernel.store.db
  if (to === 'owner') return accountOwner(q, accountId)
  const personId = to === 'target' ? entry.target.id : entry.actor.kind === 'member' ? entry.actor.id : null
  return personId ? recipientByPerson(q, accountId, personId) : undefined
}

/** The email about one event: what happened (the event's own summary), when, from where, and what to do. */
export function notificationMessage(entry: AuditEntry, kind: NotificationKind, to: Recipient, account: string, at: number): MailMessage {
  const subject = (NOTIFIED[entry.action]?.subject ?? '{account}: a change').replace('{account}', account)
  const where = entry.ip ? ` from ${entry.ip}${entry.device ? ` (${entry.device})` : ''}` : ''
  const advice =
    kind === 'security'
      ? 'If this was not you, ask an administrator of the account to reset your password, and tell your IT team.'
      : 'You can change or turn off Support Team Access in Gatehouse: Settings → Access Control → Support Team Access.'
  const optOut = 'You get this email because of your Gatehouse notification settings (Settings → Personal settings → Email notifications).'
  const lines = [`Hello ${to.name},`, '', entry.summary, `When: ${readableUtc(at)}${where}.`, '', advice, '', optOut]
  const html = [`<p>Hello ${escapeHtml(to.name)},</p>`, `<p>${escapeHtml(entry.summary)}<br>When: ${escapeHtml(readableUtc(at))}${escapeHtml(where)}.</p>`, `<p>${escapeHtml(advice)}</p>`, `<p style="color:#666">${escapeHtml(optOut)}</p>`].join('')
  return { to: to.email, subject, text: `${lines.join('\n')}\n`, html }
}

/**
 * The emails the committed events call for, each to the person it concerns if they are active and
 * have not turned that kind off, through the account's mail server (none configured: none sent).
 * Best effort, after the change: a mail server that fails loses the email, never the change.
 */
export async function deliverNotifications(kernel: Kernel, entries: readonly AuditEntry[]): Promise<number> {
  const byAccount = new Map<string, MailMessage[]>()
  for (const entry of entries) {
    const notified = NOTIFIED[entry.action]
    // Generated demo history carries its own time: it happened to nobody.
    if (!notified || !entry.accountId || entry.time !== undefined) continue
    const to = await recipientOf(kernel, entry.accountId, entry, notified.to)
    if (!to || to.status !== 'active' || !kindsFor(to.role).includes(notified.kind)) continue
    if ((await storedPreferences(kernel.store.db, to.personId)).get(notified.kind) === false) continue
    const account = (await accountName(kernel.store.db, entry.accountId)) ?? 'Gatehouse'
    const list = byAccount.get(entry.accountId) ?? []
    list.push(notificationMessage(entry, notified.kind, to, account, kernel.clock.now()))
    byAccount.set(entry.accountId, list)
  }
  let sent = 0
  for (const [accountId, messages] of byAccount) {
    const outcomes = await sendEach(kernel.store, accountId, messages)
    sent += outcomes?.filter((o) => o.ok).length ?? 0
  }
  return sent
}
