import { createHash, randomBytes } from 'node:crypto'
import { INVITATION_VALID_DAYS, INVITE_LINK_PREFIX, type AgentPermission, type AssignableRole, type InvitationDelivery } from '../../../shared/contract/users'
import type { AuditEntry } from '../audit/ledger'
import type { Core } from '../core'
import type { CallContext } from '../context'
import { createMailer, invitationMessage, loadSmtp } from '../mail/mailer'
import type { TeamRecord } from '../teams/service'
import { timeOrderedId } from '../users/ids'
import { auditBase, roleLabel } from '../users/members'

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

/** Creating, re-issuing and delivering invitations; the write methods run inside the caller's transaction. */
export class Invitations {
  private readonly findPerson
  private readonly lookupEmail
  private readonly insertPerson
  private readonly insertMembership
  private readonly insertTeamMember
  private readonly insertPermission
  private readonly insertInvitation
  private readonly replaceOpen
  private readonly setExpiry

  constructor(private readonly core: Core) {
    const db = core.db
    this.findPerson = db.prepare('SELECT person_id AS personId FROM persons WHERE email = ?')
    this.lookupEmail = db.prepare(`SELECT p.person_id AS personId, m.membership_id AS membershipId, m.status
      FROM persons p LEFT JOIN memberships m ON m.person_id = p.person_id AND m.account_id = ? WHERE p.email = ?`)
    this.insertPerson = db.prepare('INSERT INTO persons (person_id, account_id, email, name, password_hash, created_at) VALUES (?, ?, ?, ?, NULL, ?)')
    this.insertMembership = db.prepare(
      "INSERT INTO memberships (membership_id, account_id, person_id, role, status, invite_expires_at, created_at) VALUES (?, ?, ?, ?, 'invited', ?, ?)"
    )
    this.insertTeamMember = db.prepare('INSERT OR IGNORE INTO team_members (account_id, team_id, membership_id, person_id, added_at) VALUES (?, ?, ?, ?, ?)')
    this.insertPermission = db.prepare('INSERT OR IGNORE INTO member_permissions (account_id, membership_id, permission, granted_at) VALUES (?, ?, ?, ?)')
    this.insertInvitation = db.prepare(
      'INSERT INTO invitations (invitation_id, account_id, membership_id, email, token_hash, created_at, created_by, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)'
    )
    this.replaceOpen = db.prepare(
      'UPDATE invitations SET replaced_at = ? WHERE membership_id = ? AND used_at IS NULL AND revoked_at IS NULL AND replaced_at IS NULL'
    )
    this.setExpiry = db.prepare('UPDATE memberships SET invite_expires_at = ? WHERE membership_id = ?')
  }

  /** The person with this email (compared ignoring case) and their membership of the account, if any: one indexed read. */
  lookup(accountId: string, email: string): { personId: string | null; membership: { membershipId: string; status: string } | null } {
    const row = this.lookupEmail.get(accountId, email) as { personId: string; membershipId: string | null; status: string | null } | undefined
    if (!row) return { personId: null, membership: null }
    return { personId: row.personId, membership: row.membershipId ? { membershipId: row.membershipId, status: row.status! } : null }
  }

  /** The membership this email already has in the account, if any. */
  existingMembership(accountId: string, email: string): { membershipId: string; status: string } | undefined {
    return this.lookup(accountId, email).membership ?? undefined
  }

  /**
   * A person (new, or existing from another account) invited into this account. Callers check
   * `existingMembership` first (per email or per CSV row); the unique (account, person) index
   * still refuses a duplicate.
   */
  create(ctx: CallContext, invitee: NewInvitee, summarySuffix = ''): { pending: PendingInvitation; entry: AuditEntry } {
    const base = auditBase(ctx)
    const accountId = base.accountId!
    const existing =
      invitee.personId !== undefined ? invitee.personId : ((this.findPerson.get(invitee.email) as { personId: string } | undefined)?.personId ?? null)
    const personId = existing ?? timeOrderedId(this.core.clock)
    // Until they accept, the list shows the name the inviter gave, or the address's local part.
    const name = invitee.name?.trim() || invitee.email.split('@')[0]!
    if (!existing) this.insertPerson.run(personId, accountId, invitee.email, name, ctx.now)
    const membershipId = timeOrderedId(this.core.clock)
    const expiresAt = ctx.now + INVITATION_VALID_MS
    this.insertMembership.run(membershipId, accountId, personId, invitee.role, expiresAt, ctx.now)
    for (const team of invitee.teams) this.insertTeamMember.run(accountId, team.id, membershipId, personId, ctx.now)
    const permissions = invitee.role === 'agent' ? [...new Set(invitee.permissions)].sort() : []
    for (const permission of permissions) this.insertPermission.run(accountId, membershipId, permission, ctx.now)
    const { token, hash } = newToken()
    this.insertInvitation.run(timeOrderedId(this.core.clock), accountId, membershipId, invitee.email, hash, ctx.now, base.actor.id, expiresAt)
    const teamNames = invitee.teams.map((t) => t.name)
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
  reissue(ctx: CallContext, member: { membershipId: string; email: string; role: AssignableRole | 'owner' }): PendingInvitation {
    const base = auditBase(ctx)
    this.replaceOpen.run(ctx.now, member.membershipId)
    const { token, hash } = newToken()
    const expiresAt = ctx.now + INVITATION_VALID_MS
    this.insertInvitation.run(timeOrderedId(this.core.clock), base.accountId, member.membershipId, member.email, hash, ctx.now, base.actor.id, expiresAt)
    this.setExpiry.run(expiresAt, member.membershipId)
    return { membershipId: member.membershipId, email: member.email, role: member.role, token, expiresAt }
  }

  /**
   * After the transaction: email each link through the account's SMTP server when one is set up;
   * otherwise (or when sending fails) hand the link back for the console to show once.
   */
  async deliver(ctx: CallContext, pending: readonly PendingInvitation[]): Promise<InvitationDelivery[]> {
    const accountId = ctx.principal!.accountId
    const smtp = loadSmtp(this.core.db, accountId)
    const asLink = (p: PendingInvitation, deliveryError: string | null): InvitationDelivery => ({
      membershipId: p.membershipId,
      email: p.email,
      expiresAt: p.expiresAt,
      delivery: 'link',
      link: inviteLink(p.token),
      deliveryError
    })
    if (!smtp || pending.length === 0) return pending.map((p) => asLink(p, null))
    const mailer = createMailer(smtp)
    try {
      const out: InvitationDelivery[] = []
      for (const p of pending) {
        const outcome = await mailer.send(
          invitationMessage({
            to: p.email,
            accountName: ctx.principal!.accountName,
            inviterName: ctx.principal!.name,
            roleLabel: roleLabel(p.role),
            link: inviteLink(p.token),
            expiresAt: p.expiresAt
          })
        )
        out.push(
          outcome.ok
            ? { membershipId: p.membershipId, email: p.email, expiresAt: p.expiresAt, delivery: 'email', link: null, deliveryError: null }
            : asLink(p, outcome.error)
        )
      }
      return out
    } finally {
      mailer.close()
    }
  }
}

const byCore = new WeakMap<Core, Invitations>()

export function invitationsOf(core: Core): Invitations {
  let invitations = byCore.get(core)
  if (!invitations) byCore.set(core, (invitations = new Invitations(core)))
  return invitations
}
