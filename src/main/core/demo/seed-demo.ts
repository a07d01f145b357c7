import { Faker, en } from '@faker-js/faker'
import { AppError } from '../../../shared/contract/result'
import { TEAM_EXAMPLES } from '../../../shared/contract/teams'
import type { AuditActor } from '../../../shared/contract/audit'
import type { Role } from '../../../shared/permissions'
import type { AuditEntry } from '../audit/ledger'
import type { Core } from '../core'

export interface DemoOptions {
  users: number
  events: number
  seed: number
  /** Called after each batch with what is done so far. */
  progress?: (done: { users: number; events: number }) => void
}

const BATCH = 5_000
const DAY = 86_400_000
const DEVICES = ['Chrome 142 on Windows', 'Edge 141 on Windows', 'Safari 19 on macOS', 'Firefox 145 on Linux', 'Gatehouse desktop on macOS', 'Chrome 142 on macOS']

interface DemoMember {
  personId: string
  name: string
  email: string
  role: Role
}

/**
 * Realistic people, logins and audit history for the first account, deterministic per seed:
 * the same seed gives the same names, roles, statuses and events. Runs through the ledger, so
 * the generated history verifies like any other.
 */
export function seedDemo(core: Core, options: DemoOptions): { users: number; events: number } {
  const db = core.db
  const account = db.prepare('SELECT account_id, name FROM accounts ORDER BY created_at LIMIT 1').get() as { account_id: string; name: string } | undefined
  if (!account) throw new AppError('NOT_FOUND', 'No account yet: run "gatehouse init" first.')
  const owner = db
    .prepare("SELECT p.person_id AS personId, p.name, p.email FROM memberships m JOIN persons p USING (person_id) WHERE m.account_id = ? AND m.role = 'owner'")
    .get(account.account_id) as Omit<DemoMember, 'role'>
  const existing = (db.prepare('SELECT count(*) AS n FROM persons').get() as { n: number }).n
  const faker = new Faker({ locale: [en], seed: options.seed })
  // A later run into the same store must not draw the first run's ids again (UNIQUE person_id).
  if (existing > 1) faker.seed([options.seed, existing])
  const now = core.clock.now()
  const domain = `${faker.internet.domainWord()}-demo.example`
  const insertPerson = db.prepare('INSERT INTO persons (person_id, account_id, email, name, password_hash, created_at) VALUES (?, ?, ?, ?, NULL, ?)')
  const insertMembership = db.prepare(
    'INSERT INTO memberships (membership_id, account_id, person_id, role, status, invite_expires_at, last_login_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)'
  )
  const insertLogin = db.prepare(`
    INSERT INTO login_events (account_id, time, person_id, principal_kind, email_tried, method, result, reason, ip, device)
    VALUES (?, ?, ?, 'member', ?, ?, ?, ?, ?, ?)`)
  const admins: DemoMember[] = [{ ...owner, role: 'owner' }]
  const members: DemoMember[] = []
  const actorOf = (m: DemoMember): AuditActor => ({ kind: 'member', id: m.personId, name: m.name, email: m.email, role: m.role })
  const ip = () => faker.internet.ipv4()
  // The seed's team examples (created once; a second demo run reuses them), about 1.3 teams per person.
  let teamEvents = 0
  const teamIds = core.tx(() =>
    TEAM_EXAMPLES.map((name) => {
      const found = db.prepare('SELECT team_id AS id FROM teams WHERE account_id = ? AND name = ?').get(account.account_id, name) as { id: string } | undefined
      if (found) return found.id
      const id = faker.string.uuid()
      db.prepare('INSERT INTO teams (team_id, account_id, name, description, created_at) VALUES (?, ?, ?, ?, ?)').run(id, account.account_id, name, `${name} (demo)`, now - 700 * DAY)
      core.ledger.append({
        accountId: account.account_id,
        actor: actorOf({ ...owner, role: 'owner' }),
        action: 'team.created',
        summary: `${owner.name} created the team ${name}.`,
        target: { type: 'team', id, name },
        after: { name, description: `${name} (demo)`, members: 0 },
        ip: null,
        device: null,
        time: now - 700 * DAY
      })
      teamEvents += 1
      return id
    })
  )
  const insertTeamMember = db.prepare('INSERT OR IGNORE INTO team_members (account_id, team_id, membership_id, person_id, added_at) VALUES (?, ?, ?, ?, ?)')

  for (let start = 0; start < options.users; start += BATCH) {
    core.tx(() => {
      const entries: AuditEntry[] = []
      for (let i = start; i < Math.min(options.users, start + BATCH); i++) {
        const first = faker.person.firstName()
        const last = faker.person.lastName()
        const name = `${first} ${last}`
        const email = `${first}.${last}.${existing + i}@${domain}`.toLowerCase().replace(/[^a-z0-9.@-]/g, '')
        const personId = faker.string.uuid()
        const roll = faker.number.float()
        const role: Role = roll < 0.04 ? 'admin' : roll < 0.14 ? 'viewer' : 'agent'
        const statusRoll = faker.number.float()
        const status = statusRoll < 0.82 ? 'active' : statusRoll < 0.9 ? 'invited' : 'deactivated'
        // Invitations come first in the history, in order, then a year of activity follows.
        const createdAt = now - 700 * DAY + Math.floor((334 * DAY * i) / Math.max(1, options.users))
        const inviteExpiresAt = status === 'invited' ? now + faker.number.int({ min: -6, max: 7 }) * DAY : null
        const lastLogin = status === 'invited' || faker.number.float() < 0.05 ? 0 : now - faker.number.int({ min: 60_000, max: 90 * DAY })
        insertPerson.run(personId, account.account_id, email, name, createdAt)
        const membershipId = faker.string.uuid()
        insertMembership.run(membershipId, account.account_id, personId, role, status, inviteExpiresAt, lastLogin, createdAt)
        for (const teamId of faker.helpers.arrayElements(teamIds, faker.helpers.weightedArrayElement([{ weight: 2, value: 0 }, { weight: 5, value: 1 }, { weight: 3, value: 2 }]))) {
          insertTeamMember.run(account.account_id, teamId, membershipId, personId, createdAt)
        }
        const member = { personId, name, email, role }
        if (role === 'admin' && status === 'active') admins.push(member)
        if (status === 'active') members.push(member)
        const inviter = faker.helpers.arrayElement(admins)
        entries.push({
          accountId: account.account_id,
          actor: actorOf(inviter),
          action: 'member.invited',
          summary: `${inviter.name} invited ${name} as ${role}.`,
          target: { type: 'member', id: personId, name },
          after: { email, role, status: 'invited' },
          ip: ip(),
          device: faker.helpers.arrayElement(DEVICES),
          time: createdAt
        })
      }
      core.ledger.appendMany(entries)
    })
    options.progress?.({ users: Math.min(options.users, start + BATCH), events: 0 })
  }

  const pool = members.length > 0 ? members : [{ ...owner, role: 'owner' as Role }]
  const remaining = Math.max(0, options.events - options.users - teamEvents)
  const span = 365 * DAY
  for (let start = 0; start < remaining; start += BATCH) {
    core.tx(() => {
      const entries: AuditEntry[] = []
      const end = Math.min(remaining, start + BATCH)
      for (let i = start; i < end; i++) {
        const time = now - span + Math.floor((span * i) / remaining)
        const kind = faker.number.float()
        const device = faker.helpers.arrayElement(DEVICES)
        const address = ip()
        if (kind < 0.6) {
          const who = faker.helpers.arrayElement(pool)
          insertLogin.run(account.account_id, time, who.personId, who.email, 'password', 'success', null, address, device)
          entries.push({
            accountId: account.account_id,
            actor: actorOf(who),
            action: 'auth.signed-in',
            summary: `${who.name} signed in.`,
            target: { type: 'member', id: who.personId, name: who.name },
            ip: address,
            device,
            time
          })
        } else if (kind < 0.7) {
          const who = faker.helpers.arrayElement(pool)
          insertLogin.run(account.account_id, time, who.personId, who.email, 'password', 'failure', 'wrong password', address, device)
          entries.push({
            accountId: account.account_id,
            actor: actorOf(who),
            action: 'auth.signed-out',
            summary: `${who.name} signed out.`,
            target: { type: 'member', id: who.personId, name: who.name },
            ip: address,
            device,
            time
          })
        } else {
          const admin = faker.helpers.arrayElement(admins)
          const target = faker.helpers.arrayElement(pool)
          const from = target.role
          const to = faker.helpers.arrayElement(['agent', 'viewer', 'admin'] as const)
          const action = faker.helpers.arrayElement(['member.role-changed', 'member.profile-updated', 'member.deactivated', 'member.reactivated'])
          const summary =
            action === 'member.role-changed'
              ? `${admin.name} changed ${target.name}'s role from ${from} to ${to}.`
              : action === 'member.profile-updated'
                ? `${admin.name} updated ${target.name}'s profile.`
                : action === 'member.deactivated'
                  ? `${admin.name} deactivated ${target.name}.`
                  : `${admin.name} reactivated ${target.name}.`
          entries.push({
            accountId: account.account_id,
            actor: actorOf(admin),
            action,
            summary,
            target: { type: 'member', id: target.personId, name: target.name },
            before: action === 'member.role-changed' ? { role: from } : action === 'member.reactivated' ? { status: 'deactivated' } : action === 'member.deactivated' ? { status: 'active' } : { name: target.name },
            after: action === 'member.role-changed' ? { role: to } : action === 'member.reactivated' ? { status: 'active' } : action === 'member.deactivated' ? { status: 'deactivated' } : { name: target.name },
            ip: address,
            device,
            time
          })
        }
      }
      core.ledger.appendMany(entries)
    })
    options.progress?.({ users: options.users, events: options.users + teamEvents + Math.min(remaining, start + BATCH) })
  }
  core.tx(() => {
    // A real account this size has bought the seats its people use.
    db.prepare(
      `UPDATE accounts SET seats = max(seats, (SELECT count(*) FROM memberships m WHERE m.account_id = accounts.account_id AND m.status IN ('active', 'invited')))
       WHERE account_id = ?`
    ).run(account.account_id)
    core.ledger.signHead('demo')
  })
  return { users: options.users, events: Math.max(options.events, options.users + teamEvents) }
}
