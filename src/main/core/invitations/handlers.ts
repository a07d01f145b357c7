import { AppError } from '../../../shared/contract/result'
import type { Core } from '../core'
import { sessionInfoOf } from '../auth/handlers'
import { checkPasswordPolicy, hashPassword, verifyPassword } from '../auth/passwords'
import { teamsOf } from '../teams/service'
import { accountOf, auditBase, effectiveStatus, memberTarget, membersOf, plural, roleLabel } from '../users/members'
import { hashToken, invitationsOf, type PendingInvitation } from './service'

interface InvitationRow {
  invitationId: string
  accountId: string
  membershipId: string | null
  email: string
  expiresAt: number
  usedAt: number | null
  revokedAt: number | null
  replacedAt: number | null
}

type InvitationState = 'pending' | 'expired' | 'accepted' | 'revoked' | 'replaced'

function stateOf(row: InvitationRow, now: number): InvitationState {
  if (row.usedAt !== null) return 'accepted'
  if (row.revokedAt !== null || row.membershipId === null) return 'revoked'
  if (row.replacedAt !== null) return 'replaced'
  return row.expiresAt <= now ? 'expired' : 'pending'
}

const REFUSALS: Record<Exclude<InvitationState, 'pending'>, string> = {
  accepted: 'This invitation was already accepted; sign in instead.',
  revoked: 'This invitation was revoked; ask an administrator for a new one.',
  replaced: 'A newer invitation replaced this link; use the link from the latest email.',
  expired: 'This invitation has expired; ask an administrator to resend it.'
}

/**
 * Inviting (one or many emails), resending, revoking, and the public side: inspecting and
 * accepting a link. Tokens exist in clear only in the response (or email) that delivers them.
 */
export function registerInvitations(core: Core): void {
  const db = core.db
  const members = membersOf(core)
  const teams = teamsOf(core)
  const invitations = invitationsOf(core)
  const byHash = db.prepare(`
    SELECT invitation_id AS invitationId, account_id AS accountId, membership_id AS membershipId, email, expires_at AS expiresAt,
           used_at AS usedAt, revoked_at AS revokedAt, replaced_at AS replacedAt
    FROM invitations WHERE token_hash = ?`)
  const insertLogin = db.prepare(`
    INSERT INTO login_events (account_id, time, person_id, principal_kind, email_tried, method, result, reason, ip, device)
    VALUES (?, ?, ?, 'member', ?, 'password', ?, ?, ?, ?)`)

  core.handle('users:invite', async (ctx, input) => {
    const accountId = accountOf(ctx)
    const seen = new Set<string>()
    const emails = input.emails.filter((e) => {
      const key = e.toLowerCase()
      if (seen.has(key)) return false
      seen.add(key)
      return true
    })
    const pending = core.tx(() => {
      const chosenTeams = teams.getMany(accountId, input.teamIds)
      const taken = emails.flatMap((email) => {
        const existing = invitations.existingMembership(accountId, email)
        return existing ? [{ email, status: existing.status }] : []
      })
      if (taken.length > 0) {
        const list = taken.map((t) => `${t.email} (${t.status})`).join(', ')
        throw new AppError('CONFLICT', `Already ${taken.length === 1 ? 'a member' : 'members'} of this account: ${list}. Nobody was invited.`, { emails: taken })
      }
      members.assertSeats(accountId, ctx.now, emails.length)
      const created = emails.map((email) =>
        invitations.create(ctx, { email, name: null, role: input.role, teams: chosenTeams, permissions: input.permissions })
      )
      const base = auditBase(ctx)
      core.ledger.appendMany([
        ...created.map((c) => c.entry),
        ...(created.length > 1
          ? [
              {
                ...base,
                action: 'users.invited',
                summary: `${base.actor.name} invited ${plural(created.length, 'person', 'people')} as ${roleLabel(input.role)}.`,
                target: { type: 'members', id: null, name: plural(created.length, 'person', 'people') },
                after: { count: created.length, role: input.role, emails: created.slice(0, 100).map((c) => c.pending.email) }
              }
            ]
          : [])
      ])
      return created.map((c) => c.pending)
    })
    core.broadcast(accountId, ['users', 'teams', 'audit'])
    const invited = await invitations.deliver(ctx, pending)
    return { invited, seats: members.seats(accountId, core.clock.now()) }
  })

  core.handle('users:resend-invitation', async (ctx, input) => {
    const accountId = accountOf(ctx)
    const pending: PendingInvitation = core.tx(() => {
      const member = members.get(accountId, input.membershipId)
      if (member.status !== 'invited') {
        throw new AppError('CONFLICT', `${member.name || member.email} has already joined; there is no invitation to resend.`)
      }
      const wasExpired = effectiveStatus(member, ctx.now) === 'expired'
      // An expired invitation holds no seat; reviving it takes one again.
      if (wasExpired) members.assertSeats(accountId, ctx.now, 1, 'resending to')
      const next = invitations.reissue(ctx, member)
      const base = auditBase(ctx)
      core.ledger.append({
        ...base,
        action: 'member.invitation-resent',
        summary: `${base.actor.name} resent the invitation to ${member.email}; the previous link no longer works.`,
        target: memberTarget(member),
        before: { expiresAt: member.inviteExpiresAt, status: wasExpired ? 'expired' : 'invited' },
        after: { expiresAt: next.expiresAt, status: 'invited' }
      })
      return next
    })
    core.broadcast(accountId, ['users', 'audit'])
    const [delivery] = await invitations.deliver(ctx, [pending])
    return delivery!
  })

  core.handle('users:revoke-invitation', (ctx, input) => {
    const accountId = accountOf(ctx)
    core.tx(() => {
      const member = members.get(accountId, input.membershipId)
      if (member.status !== 'invited') {
        throw new AppError('CONFLICT', `${member.name || member.email} has already joined; deactivate them instead.`)
      }
      const teamNames = members.teamsOf(member.membershipId).map((t) => t.name)
      db.prepare('UPDATE invitations SET revoked_at = ? WHERE membership_id = ? AND used_at IS NULL AND revoked_at IS NULL').run(ctx.now, member.membershipId)
      db.prepare('DELETE FROM memberships WHERE membership_id = ?').run(member.membershipId)
      // A person created only for this invitation (no password, no other account) goes too.
      db.prepare(
        'DELETE FROM persons WHERE person_id = ? AND password_hash IS NULL AND NOT EXISTS (SELECT 1 FROM memberships WHERE person_id = ?)'
      ).run(member.personId, member.personId)
      const base = auditBase(ctx)
      core.ledger.append({
        ...base,
        action: 'member.invitation-revoked',
        summary: `${base.actor.name} revoked the invitation of ${member.email}.`,
        target: memberTarget(member),
        before: { email: member.email, role: member.role, status: effectiveStatus(member, ctx.now), teams: teamNames, expiresAt: member.inviteExpiresAt },
        after: { status: 'revoked' }
      })
    })
    core.broadcast(accountId, ['users', 'teams', 'audit'])
    return { revoked: true as const }
  })

  core.handle('invitations:inspect', (ctx, input) => {
    const row = byHash.get(hashToken(input.token)) as InvitationRow | undefined
    if (!row) throw new AppError('NOT_FOUND', 'This invitation link is not valid. Check that it was copied whole.')
    const account = db.prepare('SELECT name FROM accounts WHERE account_id = ?').get(row.accountId) as { name: string }
    const member = row.membershipId ? members.find(row.accountId, row.membershipId) : undefined
    const person = db.prepare('SELECT name, password_hash AS hash FROM persons WHERE email = ?').get(row.email) as { name: string; hash: string | null } | undefined
    return {
      accountName: account.name,
      email: row.email,
      role: member?.role ?? null,
      state: stateOf(row, ctx.now),
      expiresAt: row.expiresAt,
      choosesPassword: !person?.hash,
      suggestedName: person?.name ?? null
    }
  })

  core.handle('invitations:accept', async (ctx, input) => {
    const hash = hashToken(input.token)
    const check = () => {
      const row = byHash.get(hash) as InvitationRow | undefined
      if (!row) throw new AppError('NOT_FOUND', 'This invitation link is not valid. Check that it was copied whole.')
      const state = stateOf(row, core.clock.now())
      if (state !== 'pending') throw new AppError('CONFLICT', REFUSALS[state], { state })
      const member = members.get(row.accountId, row.membershipId!)
      if (member.status !== 'invited') throw new AppError('CONFLICT', REFUSALS.accepted, { state: 'accepted' })
      return { row, member }
    }
    const { member } = check()
    const person = db.prepare('SELECT password_hash AS hash FROM persons WHERE person_id = ?').get(member.personId) as { hash: string | null }
    let passwordHash: string | null = null
    if (person.hash) {
      // Someone who already has a Gatehouse password (another account) proves it instead of replacing it.
      if (!(await verifyPassword(input.password, person.hash))) {
        core.tx(() => insertLogin.run(member.accountId, ctx.now, member.personId, member.email, 'failure', 'invitation: wrong password', ctx.meta.ip, ctx.meta.device))
        throw new AppError('UNAUTHENTICATED', 'Wrong password: enter the Gatehouse password you already use.')
      }
    } else {
      checkPasswordPolicy(input.password, member.email)
      passwordHash = await hashPassword(input.password)
    }
    const now = core.clock.now()
    core.tx(() => {
      // Checked again inside the write: the link may have been used, revoked or resent meanwhile.
      const { row } = check()
      if (passwordHash) db.prepare('UPDATE persons SET name = ?, password_hash = ? WHERE person_id = ?').run(input.name, passwordHash, member.personId)
      db.prepare("UPDATE memberships SET status = 'active', invite_expires_at = NULL, last_login_at = ? WHERE membership_id = ?").run(now, member.membershipId)
      db.prepare('UPDATE invitations SET used_at = ? WHERE invitation_id = ?').run(now, row.invitationId)
      insertLogin.run(member.accountId, now, member.personId, member.email, 'success', 'invitation accepted', ctx.meta.ip, ctx.meta.device)
      const name = passwordHash ? input.name : member.name
      core.ledger.append({
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
    })
    const principal = core.principalByMembership(member.membershipId)!
    const session = core.startSession(ctx.connectionId, principal)
    core.broadcast(member.accountId, ['users', 'audit'], ctx.connectionId)
    return sessionInfoOf(core, { session }, principal)
  })
}
