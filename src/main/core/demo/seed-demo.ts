import { Faker, en } from '@faker-js/faker'
import { AppError } from '../../../shared/contract/result'
import { TEAM_EXAMPLES } from '../../../shared/contract/teams'
import type { AuditActor } from '../../../shared/contract/audit'
import type { Role } from '../../../shared/permissions'
import type { AuditEntry } from '../audit/ledger'
import { recordLoginEvents, type LoginEvent } from '../auth/login-events-repository'
import type { Kernel } from '../kernel/kernel'
import { addTeamMembers, findTeamByName, insertTeam, type TeamMemberRow } from '../teams/repository'
import { countPersons, firstAccount, growSeatsToUse, insertDemoPeople, ownerOf, type DemoPersonRow } from './repository'

export interface DemoOptions {
  users: number
  events: number
  seed: number
  /**
   * Login events in all. About 7 in 10 audit events come with one (a sign-in, or a wrong password
   * before a sign-out); when more are asked for, the rest are wrong passwords alone, which write no
   * audit event (as in the core), spread over the same year.
   */
  logins?: number
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
export async function seedDemo(kernel: Kernel, options: DemoOptions): Promise<{ users: number; events: number; logins: number }> {
  const db = kernel.store.db
  const found = await firstAccount(db)
  if (!found) throw new AppError('NOT_FOUND', 'No account yet: run "gatehouse init" first.')
  const accountId = found.accountId
  const owner = (await ownerOf(db, accountId))!
  const existing = await countPersons(db)
  const faker = new Faker({ locale: [en], seed: options.seed })
  // A later run into the same store must not draw the first run's ids again (UNIQUE person_id).
  if (existing > 1) faker.seed([options.seed, existing])
  const now = kernel.clock.now()
  const domain = `${faker.internet.domainWord()}-demo.example`
  const admins: DemoMember[] = [{ ...owner, role: 'owner' }]
  const members: DemoMember[] = []
  const actorOf = (m: DemoMember): AuditActor => ({ kind: 'member', id: m.personId, name: m.name, email: m.email, role: m.role })
  const ip = () => faker.internet.ipv4()
  // The seed's team examples (created once; a second demo run reuses them), about 1.3 teams per person.
  let teamEvents = 0
  const teamIds = await kernel.tx(async (t) => {
    const ids: string[] = []
    for (const name of TEAM_EXAMPLES) {
      const id = (await findTeamByName(t, accountId, name))?.id
      if (id) {
        ids.push(id)
        continue
      }
      const newId = faker.string.uuid()
      await insertTeam(t, accountId, { id: newId, name, description: `${name} (demo)`, createdAt: now - 700 * DAY })
      await kernel.ledger.append(t, {
        accountId,
        actor: actorOf({ ...owner, role: 'owner' }),
        action: 'team.created',
        summary: `${owner.name} created the team ${name}.`,
        target: { type: 'team', id: newId, name },
        after: { name, description: `${name} (demo)`, members: 0 },
        ip: null,
        device: null,
        time: now - 700 * DAY
      })
      teamEvents += 1
      ids.push(newId)
    }
    return ids
  })

  for (let start = 0; start < options.users; start += BATCH) {
    const entries: AuditEntry[] = []
    const people: DemoPersonRow[] = []
    const teamRows: TeamMemberRow[] = []
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
      const membershipId = faker.string.uuid()
      const inviter = faker.helpers.arrayElement(admins)
      people.push({ personId, membershipId, accountId, email, name, role, status, inviteExpiresAt, lastLoginAt: lastLogin, createdAt, invitedBy: status === 'invited' ? inviter.personId : null })
      for (const teamId of faker.helpers.arrayElements(teamIds, faker.helpers.weightedArrayElement([{ weight: 2, value: 0 }, { weight: 5, value: 1 }, { weight: 3, value: 2 }]))) {
        teamRows.push({ accountId, teamId, membershipId, personId, now: createdAt })
      }
      const member = { personId, name, email, role }
      if (role === 'admin' && status === 'active') admins.push(member)
      if (status === 'active') members.push(member)
      entries.push({
        accountId,
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
    // Generated outside, written in one transaction per batch.
    await kernel.tx(async (t) => {
      await insertDemoPeople(t, people)
      await addTeamMembers(t, teamRows)
      await kernel.ledger.appendMany(t, entries)
    })
    options.progress?.({ users: Math.min(options.users, start + BATCH), events: 0 })
  }

  const pool = members.length > 0 ? members : [{ ...owner, role: 'owner' as Role }]
  const remaining = Math.max(0, options.events - options.users - teamEvents)
  const span = 365 * DAY
  let written = 0
  for (let start = 0; start < remaining; start += BATCH) {
    const entries: AuditEntry[] = []
    const logins: LoginEvent[] = []
    const end = Math.min(remaining, start + BATCH)
    const login = (who: DemoMember, time: number, result: 'success' | 'failure', reason: string | null, address: string, device: string): LoginEvent => ({
      accountId,
      time,
      personId: who.personId,
      kind: 'member',
      email: who.email,
      method: 'password',
      result,
      reason,
      ip: address,
      device
    })
    for (let i = start; i < end; i++) {
      const time = now - span + Math.floor((span * i) / remaining)
      const kind = faker.number.float()
      const device = faker.helpers.arrayElement(DEVICES)
      const address = ip()
      if (kind < 0.6) {
        const who = faker.helpers.arrayElement(pool)
        logins.push(login(who, time, 'success', null, address, device))
        entries.push({
          accountId,
          actor: actorOf(who),
          action: 'auth.signed-in',
          summary: `${who.name} signed in.`,
          target: { type: 'member', id: who.personId, name: who.name },
          ip: address,
          device,
          time
        })
      } else if (kind < 0.7) {
        // A wrong password is a login event only (as in the core); the audit event is the person
        // signing out of the session they had open.
        const who = faker.helpers.arrayElement(pool)
        logins.push(login(who, time, 'failure', 'wrong password', address, device))
        entries.push({
          accountId,
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
        // A role change changes the role: one of the roles the target does not hold (one draw either way, so the seed's sequence stays).
        const to = faker.helpers.arrayElement((['agent', 'viewer', 'admin'] as const).filter((role) => role !== from))
        const action = faker.helpers.arrayElement(['member.role-changed', 'member.updated', 'member.deactivated', 'member.reactivated'] as const)
        const summary =
          action === 'member.role-changed'
            ? `${admin.name} changed ${target.name}'s role from ${from} to ${to}.`
            : action === 'member.updated'
              ? `${admin.name} updated ${target.name}'s name.`
              : action === 'member.deactivated'
                ? `${admin.name} deactivated ${target.name}.`
                : `${admin.name} reactivated ${target.name}.`
        entries.push({
          accountId,
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
    await kernel.tx(async (t) => {
      await recordLoginEvents(t, logins)
      await kernel.ledger.appendMany(t, entries)
    })
    written += logins.length
    options.progress?.({ users: options.users, events: options.users + teamEvents + Math.min(remaining, start + BATCH) })
  }
  const extra = Math.max(0, (options.logins ?? 0) - written)
  for (let start = 0; start < extra; start += BATCH) {
    const logins: LoginEvent[] = []
    for (let i = start; i < Math.min(extra, start + BATCH); i++) {
      const who = faker.helpers.arrayElement(pool)
      const time = now - span + Math.floor((span * i) / extra)
      logins.push({ accountId, time, personId: who.personId, kind: 'member', email: who.email, method: 'password', result: 'failure', reason: 'wrong password', ip: ip(), device: faker.helpers.arrayElement(DEVICES) })
    }
    await kernel.tx((t) => recordLoginEvents(t, logins))
  }
  await kernel.tx(async (t) => {
    await growSeatsToUse(t, accountId)
    await kernel.ledger.signHead('demo', t)
  })
  await kernel.store.refreshStatistics()
  return { users: options.users, events: Math.max(options.events, options.users + teamEvents), logins: written + extra }
}
