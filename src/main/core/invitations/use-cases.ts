import type { OutputOf, ParsedInputOf } from '../../../shared/contract'
import { AppError } from '../../../shared/contract/result'
import type { InvitationDelivery } from '../../../shared/contract/users'
import { identityKey, oneAtATime, recordFailure, recordSuccess, refuseIfLocked, type LoginAttempt } from '../auth/lockout'
import { checkPasswordPolicy, hashPassword, verifyPassword } from '../auth/passwords'
import { loadMemberPrincipal } from '../auth/principals-repository'
import { sessionInfoOf } from '../auth/session-info'
import type { AuditEntry } from '../audit/ledger'
import type { CallContext } from '../context'
import { accountOf, auditBase, bulkEvent, plural } from '../kernel/call'
import type { Executor, Kernel } from '../kernel/kernel'
import { getTeams } from '../teams/service'
import { findMemberRow } from '../users/members-repository'
import { assertSeats, effectiveStatus, getMember, getMembers, memberTarget, roleLabel, seats, teamsOfMember, type MemberRecord } from '../users/members'
import * as repo from './repository'
import {
  createInvitation,
  deliverInvitations,
  hashToken,
  lookupInvitee,
  openInvitation,
  REFUSALS,
  reissueInvitation,
  stateOf,
  UNKNOWN_LINK,
  uniqueEmails,
  type PendingInvitation
} from './service'

/** The invitation calls, each one transaction; delivery (SMTP) happens after the commit. */

export async function inviteEmails(kernel: Kernel, ctx: CallContext, input: ParsedInputOf<'users:invite'>): Promise<OutputOf<'users:invite'>> {
  const accountId = accountOf(ctx)
  const emails = uniqueEmails(input.emails)
  const pending = await kernel.tx(async (t) => {
    const chosenTeams = await getTeams(t, accountId, input.teamIds)
    const taken: Array<{ email: string; status: string }> = []
    for (const email of emails) {
      const existing = (await lookupInvitee(t, accountId, email)).membership
      if (existing) taken.push({ email, status: existing.status })
    }
    if (taken.length > 0) {
      const list = taken.map((x) => `${x.email} (${x.status})`).join(', ')
      throw new AppError('CONFLICT', `Already ${taken.length === 1 ? 'a member' : 'members'} of this account: ${list}. Nobody was invited.`, { emails: taken })
    }
    await assertSeats(t, accountId, ctx.now, emails.length)
    const created = []
    for (const email of emails) {
      created.push(await createInvitation(kernel, t, ctx, { email, name: null, role: input.role, teams: chosenTeams, permissions: input.permissions }))
    }
    const base = auditBase(ctx)
    await kernel.ledger.appendMany(t, [
      ...created.map((c) => c.entry),
      ...(created.length > 1
        ? [
            {
              ...base,
              action: 'users.invited' as const,
              summary: `${base.actor.name} invited ${plural(created.length, 'person', 'people')} as ${roleLabel(input.role)}.`,
              target: { type: 'members', id: null, name: plural(created.length, 'person', 'people') },
              after: { count: created.length, role: input.role, emails: created.slice(0, 100).map((c) => c.pending.email) }
            }
          ]
        : [])
    ])
    return created.map((c) => c.pending)
  })
  const invited = await deliverInvitations(kernel, ctx, pending)
  return { invited, seats: await seats(kernel.store.db, accountId, kernel.clock.now()) }
}

/** A new link and 7 new days for an invited member, inside the caller's transaction, with its audit entry. */
async function resendOne(kernel: Kernel, t: Executor, ctx: CallContext, member: MemberRecord): Promise<{ pending: PendingInvitation; entry: AuditEntry }> {
  const wasExpired = effectiveStatus(member, ctx.now) === 'expired'
  const next = await reissueInvitation(kernel, t, ctx, member)
  const base = auditBase(ctx)
  return {
    pending: next,
    entry: {
      ...base,
      action: 'member.invitation-resent',
      summary: `${base.actor.name} resent the invitation to ${member.email}; the previous link no longer works.`,
      target: memberTarget(member),
      before: { expiresAt: member.inviteExpiresAt, status: wasExpired ? 'expired' : 'invited' },
      after: { expiresAt: next.expiresAt, status: 'invited' }
    }
  }
}

function refuseJoined(members: readonly MemberRecord[]): void {
  const joined = members.filter((m) => m.status !== 'invited')
  if (joined.length === 0) return
  const names = joined.slice(0, 5).map((m) => m.name || m.email)
  const list = `${names.join(', ')}${joined.length > names.length ? ` and ${joined.length - names.length} more` : ''}`
  throw new AppError(
    'CONFLICT',
    joined.length === 1 && members.length === 1
      ? `${list} has already joined; there is no invitation to resend.`
      : `Already joined, so there is no invitation to resend: ${list}. Nothing was resent; leave them out of the selection.`,
    { membershipIds: joined.map((m) => m.membershipId) }
  )
}

export async function resendInvitation(kernel: Kernel, ctx: CallContext, membershipId: string): Promise<InvitationDelivery> {
  return (await resend(kernel, ctx, [membershipId]))[0]!
}

/** Resend the invitations of several people at once: all or none (users:bulk-resend-invitations). */
export async function resendInvitations(kernel: Kernel, ctx: CallContext, membershipIds: readonly string[]): Promise<OutputOf<'users:bulk-resend-invitations'>> {
  const invited = await resend(kernel, ctx, membershipIds)
  return { invited, seats: await seats(kernel.store.db, accountOf(ctx), kernel.clock.now()) }
}

async function resend(kernel: Kernel, ctx: CallContext, membershipIds: readonly string[]): Promise<InvitationDelivery[]> {
  const accountId = accountOf(ctx)
  const pending = await kernel.tx(async (t) => {
    const selection = await getMembers(t, accountId, membershipIds)
    refuseJoined(selection)
    // An expired invitation holds no seat; reviving it takes one again.
    const expired = selection.filter((m) => effectiveStatus(m, ctx.now) === 'expired').length
    if (expired > 0) await assertSeats(t, accountId, ctx.now, expired, 'resending to')
    const resent = []
    for (const member of selection) resent.push(await resendOne(kernel, t, ctx, member))
    const entries = resent.map((r) => r.entry)
    await kernel.ledger.appendMany(t, [
      ...entries,
      ...(entries.length > 1 ? [bulkEvent(ctx, 'users.invitations-resent', `resent ${plural(entries.length, 'invitation')}; the previous links no longer work.`, entries, {})] : [])
    ])
    return resent.map((r) => r.pending)
  })
  return deliverInvitations(kernel, ctx, pending)
}

export async function revokeInvitation(kernel: Kernel, ctx: CallContext, membershipId: string): Promise<{ revoked: true }> {
  const accountId = accountOf(ctx)
  await kernel.tx(async (t) => {
    const member = await getMember(t, accountId, membershipId)
    if (member.status !== 'invited') {
      throw new AppError('CONFLICT', `${member.name || member.email} has already joined; deactivate them instead.`)
    }
    const teamNames = (await teamsOfMember(t, member.membershipId)).map((team) => team.name)
    await repo.revokeInvitedMembership(t, member.membershipId, member.personId, ctx.now)
    const base = auditBase(ctx)
    await kernel.ledger.append(t, {
      ...base,
      action: 'member.invitation-revoked',
      summary: `${base.actor.name} revoked the invitation of ${member.email}.`,
      target: memberTarget(member),
      before: { email: member.email, role: member.role, status: effectiveStatus(member, ctx.now), teams: teamNames, expiresAt: member.inviteExpiresAt },
      after: { status: 'revoked' }
    })
  })
  return { revoked: true as const }
}

export async function inspectInvitation(kernel: Kernel, ctx: CallContext, token: string): Promise<OutputOf<'invitations:inspect'>> {
  const q = kernel.store.db
  const row = await repo.findInvitationByHash(q, hashToken(token))
  if (!row) throw new AppError('NOT_FOUND', UNKNOWN_LINK)
  const accountName = (await repo.accountName(q, row.accountId))!
  const member = row.membershipId ? await findMemberRow(q, row.accountId, row.membershipId) : undefined
  const person = await repo.findPersonByEmail(q, row.email)
  return {
    accountName,
    email: row.email,
    role: member?.role ?? null,
    state: stateOf(row, ctx.now),
    expiresAt: row.expiresAt,
    choosesPassword: !person?.hash,
    suggestedName: person?.name ?? null
  }
}

export async function acceptInvitation(kernel: Kernel, ctx: CallContext, input: ParsedInputOf<'invitations:accept'>): Promise<OutputOf<'invitations:accept'>> {
  const hash = hashToken(input.token)
  const check = async (q: Parameters<typeof openInvitation>[0]) => {
    const row = await openInvitation(q, hash, kernel.clock.now())
    const member = await getMember(q, row.accountId, row.membershipId!)
    if (member.status !== 'invited') throw new AppError('CONFLICT', REFUSALS.accepted, { state: 'accepted' })
    return { row, member }
  }
  const { member } = await check(kernel.store.db)
  // One attempt per identity at a time, under the sign-in lockout: an invitation link is no way
  // around it for someone who already has a password.
  return oneAtATime(kernel, identityKey('member', member.email), () => acceptOnce(kernel, ctx, input, member, check))
}

async function acceptOnce(
  kernel: Kernel,
  ctx: CallContext,
  input: ParsedInputOf<'invitations:accept'>,
  member: MemberRecord,
  check: (q: Executor) => Promise<{ row: repo.InvitationRow }>
): Promise<OutputOf<'invitations:accept'>> {
  const attempt: LoginAttempt = { kind: 'member', method: 'invitation', email: member.email, personId: member.personId, accountId: member.accountId }
  const existingHash = await repo.findPasswordHash(kernel.store.db, member.personId)
  let passwordHash: string | null = null
  // Hashing and verifying happen before any transaction (scrypt is slow).
  if (existingHash) {
    // Someone who already has a Gatehouse password (another account) proves it instead of replacing it.
    await refuseIfLocked(kernel, ctx, attempt)
    if (!(await verifyPassword(input.password, existingHash))) {
      if (await recordFailure(kernel, ctx, { ...attempt, reason: 'invitation: wrong password' })) {
        throw new AppError('LOCKED', 'Too many failed attempts: sign-in for this email is locked for 15 minutes.')
      }
      throw new AppError('UNAUTHENTICATED', 'Wrong password: enter the Gatehouse password you already use.')
    }
  } else {
    checkPasswordPolicy(input.password, member.email)
    passwordHash = await hashPassword(input.password)
  }
  const now = kernel.clock.now()
  const session = await kernel.tx(async (t) => {
    // Checked again inside the write: the link may have been used, revoked or resent meanwhile.
    const { row } = await check(t)
    await repo.markAccepted(t, { personId: member.personId, membershipId: member.membershipId, invitationId: row.invitationId, name: input.name, passwordHash, now })
    await recordSuccess(t, { ...ctx, now }, { ...attempt, reason: 'invitation accepted' })
    const name = passwordHash ? input.name : member.name
    await kernel.ledger.append(t, {
      accountId: member.accountId,
      actor: { kind: 'member', id: member.personId, name, email: member.email, role: member.role },
      action: 'member.joined',
      summary: `${name} accepted the invitation and joined as ${roleLabel(member.role)}.`,
      target: { type: 'member', id: member.personId, name },
      before: { status: 'invited', name: member.name },
      after: { status: 'active', name },
      ip: ctx.meta.ip,
      device: ctx.meta.device
    })
    const principal = (await loadMemberPrincipal(t, member.membershipId))!
    return { principal, session: await kernel.sessions.start(ctx.connectionId, principal, t) }
  })
  return sessionInfoOf(kernel, session, session.principal)
}
