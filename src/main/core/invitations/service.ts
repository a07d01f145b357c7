import { createHash, randomBytes } from 'node:crypto'
import { AppError } from '../../../shared/contract/result'
import { INVITATION_VALID_DAYS, INVITE_LINK_PREFIX, type AgentPermission, type AssignableRole, type InvitationDelivery } from '../../../shared/contract/users'
import type { AuditEntry } from '../audit/ledger'
import type { CallContext } from '../context'
import { auditBase } from '../kernel/call'
import type { Kernel } from '../kernel/kernel'
import { invitationMessage, sendEach, type SendOutcome } from '../mail/mailer'
import type { Executor } from '../store/port'
import { addTeamMember } from '../teams/repository'
import type { TeamRecord } from '../teams/repository'
import { timeOrderedId } from '../users/ids'
import { roleLabel } from '../users/members'
import * as repo from './repository'
import type { InvitationRow } from './repository'

/** The rules of invitations: 7 days, single use, a resend voids the old link, tokens stored only as SHA-256. */

export const INVITATION_VALID_MS = INVITATION_VALID_DAYS * 86_400_000

// Random bytes drawn 8 KB at a time: a 10,000-row import would otherwise make 10,000 calls.
let pool = Buffer.alloc(0)
let poolOffset = 0

/** 256 random bits as base64url (43 characters); only its SHA-256 is stored. */
export function newToken(): { token: string; hash: Buffer } {
  if (poolOffset + 32 > pool.length) {
    pool = randomBytes(8192)
    poolOffset = 0
  }
  const token = pool.subarray(poolOffset, poolOffset + 32).toString('base64url')
  // Each token's bytes are used once: wiped as they are handed out.
  pool.fill(0, poolOffset, poolOffset + 32)
  poolOffset += 32
  return { token, hash: hashToken(token) }
}

export function hashToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest()
}

export function inviteLink(token: string): string {
  return `${INVITE_LINK_PREFIX}${token}`
}

export type InvitationState = 'pending' | 'expired' | 'accepted' | 'revoked' | 'replaced'

/** What a link is now: used once, revoked, replaced by a resend, past its 7 days, or still good. */
export function stateOf(row: Pick<InvitationRow, 'usedAt' | 'revokedAt' | 'membershipId' | 'replacedAt' | 'expiresAt'>, now: number): InvitationState {
  if (row.usedAt !== null) return 'accepted'
  if (row.revokedAt !== null || row.membershipId === null) return 'revoked'
  if (row.replacedAt !== null) return 'replaced'
  return row.expiresAt <= now ? 'expired' : 'pending'
}

export const REFUSALS: Record<Exclude<InvitationState, 'pending'>, string> = {
  accepted: 'This invitation was already accepted; sign in instead.',
  revoked: 'This invitation was revoked; ask an administrator for a new one.',
  replaced: 'A newer invitation replaced this link; use the link from the latest email.',
  expired: 'This invitation has expired; ask an administrator to resend it.'
}

export const UNKNOWN_LINK = 'This invitation link is not valid. Check that it was copied whole.'

/** The link of a token, refused unless it can still be accepted. */
export async function openInvitation(q: Executor, hash: Buffer, now: number): Promise<InvitationRow> {
  const row = await repo.findInvitationByHash(q, hash)
  if (!row) throw new AppError('NOT_FOUND', UNKNOWN_LINK)
  const state = stateOf(row, now)
  if (state !== 'pending') throw new AppError('CONFLICT', REFUSALS[state], { state })
  return row
}

/** Emails once each, compared ignoring case, in the order given. */
export function uniqueEmails(emails: readonly string[]): string[] {
  const seen = new Set<string>()
  return emails.filter((e) => {
    const key = e.toLowerCase()
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}

/** A new token waiting to be delivered after its transaction commits; never written anywhere. */
export interface PendingInvitation {
  membershipId: string
  email: string
  role: AssignableRole | 'owner'
  token: string
  expiresAt: number
}

export interface NewInvitee {
  email: string
  name: string | null
  role: AssignableRole
  teams: readonly TeamRecord[]
  permissions: readonly AgentPermission[]
  /** The existing person with this email, when the caller already looked it up (null: none). */
  personId?: string | null
}

/** The person with this email (compared ignoring case) and their membership of the account, if any: one indexed read. */
export async function lookupInvitee(
  q: Executor,
  accountId: string,
  email: string
): Promise<{ personId: string | null; membership: { membershipId: string; status: string } | null }> {
  const row = await repo.lookupEmail(q, accountId, email)
  if (!row) return { personId: null, membership: null }
  return { personId: row.personId, membership: row.membershipId ? { membershipId: row.membershipId, status: row.status! } : null }
}

/** Emails compare without case on both stores, for ASCII letters only (SQLite NOCASE; citext under the C collation). */
function emailKey(email: string): string {
  return email.replace(/[A-Z]/g, (c) => c.toLowerCase())
}

/** `lookupInvitee` for many emails (a CSV import's): a few statements, not one per row. */
export async function lookupInvitees(
  q: Executor,
  accountId: string,
  emails: readonly string[]
): Promise<(email: string) => { personId: string | null; membership: { membershipId: string; status: string } | null }> {
  const byKey = new Map((await repo.lookupEmails(q, accountId, emails)).map((row) => [emailKey(row.email), row]))
  return (email) => {
    const row = byKey.get(emailKey(email))
    if (!row) return { personId: null, membership: null }
    return { personId: row.personId, membership: row.membershipId ? { membershipId: row.membershipId, status: row.status! } : null }
  }
}

/**
 * A person (new, or existing from another account) invited into this account, inside the caller's
 * transaction `t`. Callers check `lookupInvitee` first (per email or per CSV row); the unique
 * (account, person) index still refuses a duplicate.
 */
export async function createInvitation(
  kernel: Kernel,
  t: Executor,
  ctx: CallContext,
  invitee: NewInvitee,
  summarySuffix = ''
): Promise<{ pending: PendingInvitation; entry: AuditEntry }> {
  const base = auditBase(ctx)
  const accountId = base.accountId!
  const existing = invitee.personId !== undefined ? invitee.personId : await repo.findPersonIdByEmail(t, invitee.email)
  const personId = existing ?? timeOrderedId(kernel.clock)
  // Until they accept, the list shows the name the inviter gave, or the address's local part.
  const name = invitee.name?.trim() || invitee.email.split('@')[0]!
  if (!existing) await repo.insertInvitedPerson(t, { personId, accountId, email: invitee.email, name, now: ctx.now })
  const membershipId = timeOrderedId(kernel.clock)
  const expiresAt = ctx.now + INVITATION_VALID_MS
  await repo.insertInvitedMembership(t, { membershipId, accountId, personId, role: invitee.role, expiresAt, now: ctx.now })
  for (const team of invitee.teams) await addTeamMember(t, accountId, team.id, membershipId, personId, ctx.now)
  const permissions = invitee.role === 'agent' ? [...new Set(invitee.permissions)].sort() : []
  await repo.insertPermissions(t, accountId, membershipId, permissions, ctx.now)
  const { token, hash } = newToken()
  await repo.insertInvitation(t, {
    invitationId: timeOrderedId(kernel.clock),
    accountId,
    membershipId,
    email: invitee.email,
    hash,
    now: ctx.now,
    createdBy: base.actor.id,
    expiresAt
  })
  const teamNames = invitee.teams.map((team) => team.name)
  return {
    pending: { membershipId, email: invitee.email, role: invitee.role, token, expiresAt },
    entry: {
      ...base,
      action: 'member.invited',
      summary: `${base.actor.name} invited ${invitee.email} as ${roleLabel(invitee.role)}${teamNames.length ? ` to ${teamNames.join(', ')}` : ''}${summarySuffix}.`,
      target: { type: 'member', id: personId, name },
      after: { email: invitee.email, name, role: invitee.role, status: 'invited', teams: teamNames, permissions, expiresAt }
    }
  }
}

/** A new token and a new 7 days for an existing invited membership; every earlier link stops working. */
export async function reissueInvitation(
  kernel: Kernel,
  t: Executor,
  ctx: CallContext,
  member: { membershipId: string; email: string; role: AssignableRole | 'owner' }
): Promise<PendingInvitation> {
  const base = auditBase(ctx)
  await repo.replaceOpenInvitations(t, member.membershipId, ctx.now)
  const { token, hash } = newToken()
  const expiresAt = ctx.now + INVITATION_VALID_MS
  await repo.insertInvitation(t, {
    invitationId: timeOrderedId(kernel.clock),
    accountId: base.accountId!,
    membershipId: member.membershipId,
    email: member.email,
    hash,
    now: ctx.now,
    createdBy: base.actor.id,
    expiresAt
  })
  await repo.setInviteExpiry(t, member.membershipId, expiresAt)
  return { membershipId: member.membershipId, email: member.email, role: member.role, token, expiresAt }
}

/**
 * After the transaction: email each link through the account's SMTP server when one is set up;
 * otherwise (or when sending fails) hand the link back for the console to show once.
 */
export async function deliverInvitations(kernel: Kernel, ctx: CallContext, pending: readonly PendingInvitation[]): Promise<InvitationDelivery[]> {
  const messages = pending.map((p) =>
    invitationMessage({
      to: p.email,
      accountName: ctx.principal!.accountName,
      inviterName: ctx.principal!.name,
      roleLabel: roleLabel(p.role),
      link: inviteLink(p.token),
      expiresAt: p.expiresAt
    })
  )
  const outcomes = await sendEach(kernel.store, ctx.principal!.accountId, messages)
  return pending.map((p, i) => linkDelivery(p.membershipId, p.email, p.expiresAt, inviteLink(p.token), outcomes?.[i] ?? null))
}

/** How a link reached its person: emailed (`outcome` ok), or shown once (no mail server: null; or sending failed). */
export function linkDelivery(membershipId: string, email: string, expiresAt: number, link: string, outcome: SendOutcome | null): InvitationDelivery {
  return outcome?.ok
    ? { membershipId, email, expiresAt, delivery: 'email', link: null, deliveryError: null }
    : { membershipId, email, expiresAt, delivery: 'link', link, deliveryError: outcome ? outcome.error : null }
}
