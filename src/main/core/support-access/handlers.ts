import type { SupportAccessStatus, SupportDuration, SupportLoginRow, SupportScope } from '../../../shared/contract/support-access'
import {
  SUPPORT_DURATIONS,
  SUPPORT_DURATION_LABELS,
  SUPPORT_LOG_ACTION_LABELS,
  SUPPORT_SESSION_END_LABELS
} from '../../../shared/contract/support-access'
import type { SessionEndReason } from '../../../shared/contract/events'
import { AppError } from '../../../shared/contract/result'
import { sessionInfoOf } from '../auth/handlers'
import { Lockout } from '../auth/lockout'
import { verifyPassword } from '../auth/passwords'
import type { Core } from '../core'
import { actorOf, type CallContext, type MemberPrincipal } from '../context'
import { toCsv } from '../csv/csv'
import { durationPhrase, logRowToDto, SupportAccess, type AccountRow, type AgentRow } from './service'
import { addDuration, checkTimeZone, formatEndsAt, formatRemaining, hostTimeZone, isoUtc, readableUtc } from './time'

export type { SupportAccess }

export const TRIAL_EXPLANATION =
  'Trial accounts always allow support access, so there is no toggle. Converting the account to paid turns it off; after that you choose when support can sign in.'

const TRIAL_LINE = 'On — full — always on during the trial'

interface LoginDbRow {
  id: string
  agentId: string
  agentName: string
  agentEmail: string
  loginAt: number
  logoutAt: number | null
  endReason: SessionEndReason | null
  ip: string | null
  device: string | null
}

function durationText(ms: number | null): string {
  if (ms === null) return ''
  const total = Math.round(ms / 1000)
  const h = Math.floor(total / 3600)
  const m = Math.floor((total % 3600) / 60)
  const s = total % 60
  return `${h}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`
}

function fileStamp(now: number): string {
  return isoUtc(now).replace(/[-:]/g, '').replace('T', '-').replace('Z', '')
}

/**
 * Support Team Access (issue 4): the Owner's channels, the agents' sign-in and the trial
 * conversion. Returns the service the core consults on every support session's call.
 */
export function registerSupportAccess(core: Core): SupportAccess {
  const db = core.db
  const support = new SupportAccess(core)
  const lockout = new Lockout(core)
  const findAgent = db.prepare('SELECT * FROM support_agents WHERE email = ? AND removed_at IS NULL')
  const listAgents = db.prepare(`
    SELECT g.agent_id AS id, g.name, g.email, g.created_at AS addedAt,
           (SELECT max(time) FROM login_events l WHERE l.account_id = @accountId AND l.principal_kind = 'support'
              AND l.result = 'success' AND l.person_id = g.agent_id) AS lastLoginAt
    FROM support_agents g WHERE g.removed_at IS NULL ORDER BY g.name COLLATE NOCASE, g.email`)
  const upsertGrant = db.prepare(`
    INSERT INTO support_access (account_id, state, scope, duration, started_at, ends_at, reason, changed_at, changed_by_kind, changed_by_name, changed_by_email)
    VALUES (@accountId, @state, @scope, @duration, @startedAt, @endsAt, @reason, @now, 'member', @name, @email)
    ON CONFLICT (account_id) DO UPDATE SET state = excluded.state, scope = excluded.scope, duration = excluded.duration,
      started_at = excluded.started_at, ends_at = excluded.ends_at, reason = excluded.reason, changed_at = excluded.changed_at,
      changed_by_kind = excluded.changed_by_kind, changed_by_name = excluded.changed_by_name, changed_by_email = excluded.changed_by_email`)
  const statements = new Map<string, ReturnType<typeof db.prepare>>()
  const prepared = (sql: string) => {
    let statement = statements.get(sql)
    if (!statement) statements.set(sql, (statement = db.prepare(sql)))
    return statement
  }

  /** The Owner and their account, with the account's support sessions brought up to date. */
  function ownerCall(ctx: CallContext): { principal: MemberPrincipal; account: AccountRow } {
    const principal = ctx.principal
    // The permission check already ran; this only narrows the type (support agents hold no Owner permission).
    if (!principal || principal.kind !== 'member') throw new AppError('FORBIDDEN', 'Your role does not allow this.')
    sweep(principal.accountId, ctx.now)
    return { principal, account: support.account(principal.accountId)! }
  }

  /** Expire a grant that is due and end support sessions that are already over (idle), so what the Owner sees is current. */
  function sweep(accountId: string, now: number): void {
    support.settle(accountId, now)
    for (const { connectionId, session } of support.supportSessions(accountId)) support.refresh(connectionId, session, now)
  }

  function refuseOnTrial(account: AccountRow): void {
    if (account.plan === 'trial') throw new AppError('CONFLICT', TRIAL_EXPLANATION)
  }

  function statusOf(accountId: string, now: number, timeZone: string): SupportAccessStatus {
    const account = support.account(accountId)!
    const grant = support.grant(account)
    const open = support.isOpen(grant, now)
    const live = support.supportSessions(accountId).filter(({ session }) => support.idleDeadline(session, account) > now)
    const perAgent = new Map<string, number>()
    for (const { session } of live) perAgent.set(session.personId, (perAgent.get(session.personId) ?? 0) + 1)
    const agents = (listAgents.all({ accountId }) as Array<{ id: string; name: string; email: string; addedAt: number; lastLoginAt: number | null }>).map(
      (a) => ({ ...a, liveSessions: perAgent.get(a.id) ?? 0 })
    )
    const on = open
    const endsAt = on ? grant.endsAt : null
    const remainingMs = endsAt === null ? null : endsAt - now
    const scopeText = on ? grant.scope : null
    const remaining = remainingMs === null ? null : formatRemaining(remainingMs)
    const endsAtText = endsAt === null ? null : formatEndsAt(endsAt, timeZone)
    const line = grant.trial
      ? TRIAL_LINE
      : !on
        ? 'Off'
        : endsAt === null
          ? `On — ${grant.scope} — no end date`
          : `On — ${grant.scope} — ends in ${remaining} (${endsAtText})`
    const row = grant.row
    return {
      plan: account.plan,
      trial: grant.trial,
      state: on ? 'on' : 'off',
      scope: on ? grant.scope : null,
      duration: on ? grant.duration : null,
      startedAt: on && !grant.trial ? grant.startedAt : null,
      endsAt,
      reason: on && row ? row.reason : null,
      now,
      remainingMs,
      line,
      lineParts: { state: on ? 'On' : 'Off', scope: scopeText, remaining, endsAtText, timeZone },
      trialExplanation: grant.trial ? TRIAL_EXPLANATION : null,
      changedAt: row ? row.changed_at : null,
      changedBy: row ? { name: row.changed_by_name, email: row.changed_by_email, kind: row.changed_by_kind } : null,
      liveSessions: live.length,
      changeOptions:
        on && !grant.trial && grant.startedAt !== null
          ? SUPPORT_DURATIONS.map((duration) => {
              const end = addDuration(grant.startedAt!, duration)
              return { duration, endsAt: end, allowed: end === null || end > now }
            })
          : [],
      agents
    }
  }

  const grantSummary = (scope: SupportScope, duration: SupportDuration, endsAt: number | null) =>
    `${scope} access ${durationPhrase(duration)}${endsAt === null ? '' : `, until ${readableUtc(endsAt)}`}`
  const reasonSuffix = (reason: string | null) => (reason ? ` Reason: ${reason}` : '')

  /** After any change: the Owner's other windows refresh, support windows re-read their permissions. */
  function announce(accountId: string, except: string, supportSessionsChanged: boolean): void {
    support.notifyOwners(accountId, except)
    core.broadcast(accountId, ['audit'], except)
    if (supportSessionsChanged) {
      for (const { connectionId } of support.supportSessions(accountId)) core.emit(connectionId, 'session:changed', {})
    }
  }

  core.handle('support-access:status', (ctx, input) => {
    const timeZone = input?.timeZone ? checkTimeZone(input.timeZone) : hostTimeZone()
    const { account } = ownerCall(ctx)
    return statusOf(account.account_id, ctx.now, timeZone)
  })

  /** Extend (turn on) and Change (while on) write the grant, its log row and its audit event alike. */
  const writeGrant = (
    ctx: CallContext,
    input: { duration: SupportDuration; scope: SupportScope; reason?: string },
    change: { startedAt: number; before: unknown } | null
  ) => {
    const { principal, account } = ownerCall(ctx)
    const startedAt = change ? change.startedAt : ctx.now
    const endsAt = addDuration(startedAt, input.duration)
    const reason = input.reason ? input.reason : null
    const summary = change
      ? `${principal.name} changed support access to ${grantSummary(input.scope, input.duration, endsAt)}.${reasonSuffix(reason)}`
      : `${principal.name} turned on support access: ${grantSummary(input.scope, input.duration, endsAt)}.${reasonSuffix(reason)}`
    const entry = () =>
      core.tx(() => {
        upsertGrant.run({
          accountId: account.account_id,
          state: 'on',
          scope: input.scope,
          duration: input.duration,
          startedAt,
          endsAt,
          reason,
          now: ctx.now,
          name: principal.name,
          email: principal.email
        })
        return support.writeLog({
          accountId: account.account_id,
          action: change ? 'change' : 'extend',
          actor: actorOf(principal),
          time: ctx.now,
          duration: input.duration,
          scope: input.scope,
          endsAt,
          reason,
          sessionsEnded: 0,
          audit: {
            action: change ? 'support-access.changed' : 'support-access.extended',
            summary,
            before: change ? change.before : { state: 'off' },
            after: { state: 'on', scope: input.scope, duration: input.duration, endsAt, reason },
            ip: ctx.meta.ip,
            device: ctx.meta.device,
            accountName: account.name
          }
        })
      })
    return { endsAt, entry }
  }

  core.handle('support-access:extend', (ctx, input) => {
    const { account } = ownerCall(ctx)
    refuseOnTrial(account)
    if (support.grant(account).state === 'on') throw new AppError('CONFLICT', 'Support access is already on; change its duration or scope instead.')
    const entry = writeGrant(ctx, input, null).entry()
    announce(account.account_id, ctx.connectionId, false)
    return { status: statusOf(account.account_id, ctx.now, hostTimeZone()), entry }
  })

  core.handle('support-access:change', (ctx, input) => {
    const { account } = ownerCall(ctx)
    refuseOnTrial(account)
    const grant = support.grant(account)
    const row = grant.row
    if (grant.state !== 'on' || !row) throw new AppError('CONFLICT', 'Support access is off; turn it on first.')
    // A Change counts from when access was turned on, so it can shorten as well as extend.
    const planned = writeGrant(ctx, input, {
      startedAt: row.started_at,
      before: { state: 'on', scope: row.scope, duration: row.duration, endsAt: row.ends_at, reason: row.reason }
    })
    if (planned.endsAt !== null && planned.endsAt <= ctx.now) {
      throw new AppError(
        'CONFLICT',
        `${SUPPORT_DURATION_LABELS[input.duration]} from when access was turned on ends at ${readableUtc(planned.endsAt)}, which has already passed. Choose a longer duration, or turn access off.`,
        { endsAt: planned.endsAt }
      )
    }
    const entry = planned.entry()
    announce(account.account_id, ctx.connectionId, true)
    return { status: statusOf(account.account_id, ctx.now, hostTimeZone()), entry }
  })

  core.handle('support-access:disable', (ctx, input) => {
    const { principal, account } = ownerCall(ctx)
    refuseOnTrial(account)
    const grant = support.grant(account)
    const row = grant.row
    if (grant.state !== 'on' || !row) throw new AppError('CONFLICT', 'Support access is already off.')
    const reason = input?.reason ? input.reason : null
    const { ends, counted } = support.planEnds(account, ctx.now, 'support-access-disabled')
    const entry = core.tx(() => {
      db.prepare(
        `UPDATE support_access SET state = 'off', changed_at = ?, changed_by_kind = 'member', changed_by_name = ?, changed_by_email = ?
         WHERE account_id = ?`
      ).run(ctx.now, principal.name, principal.email, account.account_id)
      const logged = support.writeLog({
        accountId: account.account_id,
        action: 'disable',
        actor: actorOf(principal),
        time: ctx.now,
        duration: row.duration,
        scope: row.scope,
        endsAt: ctx.now,
        reason,
        sessionsEnded: counted,
        audit: {
          action: 'support-access.disabled',
          summary: `${principal.name} turned off support access; ${counted} support session${counted === 1 ? '' : 's'} ended.${reasonSuffix(reason)}`,
          before: { state: 'on', scope: row.scope, duration: row.duration, endsAt: row.ends_at },
          after: { state: 'off', sessionsEnded: counted, reason },
          ip: ctx.meta.ip,
          device: ctx.meta.device,
          accountName: account.name
        }
      })
      support.applyEnds(ends)
      return logged
    })
    announce(account.account_id, ctx.connectionId, false)
    return { status: statusOf(account.account_id, ctx.now, hostTimeZone()), entry }
  })

  core.handle('support-access:log', (ctx, input) => {
    const { account } = ownerCall(ctx)
    const rows = prepared(
      `SELECT * FROM support_access_log WHERE account_id = @accountId ${input.before !== undefined ? 'AND log_id < @before' : ''}
       ORDER BY log_id DESC LIMIT @limit`
    ).all({ accountId: account.account_id, before: input.before, limit: input.limit }) as Array<Parameters<typeof logRowToDto>[0]>
    const last = rows[rows.length - 1]
    return { rows: rows.map(logRowToDto), next: rows.length === input.limit && last ? last.log_id : null }
  })

  core.handle('support-access:export-log', (ctx) => {
    const { account } = ownerCall(ctx)
    const rows = (
      db.prepare('SELECT * FROM support_access_log WHERE account_id = ? ORDER BY log_id DESC').all(account.account_id) as Array<Parameters<typeof logRowToDto>[0]>
    ).map(logRowToDto)
    const content = toCsv(
      ['Date and time (UTC)', 'Action', 'Owner name', 'Owner email', 'Duration', 'Scope', 'End time (UTC)', 'Reason', 'Sessions ended'],
      rows.map((r) => [
        isoUtc(r.time),
        SUPPORT_LOG_ACTION_LABELS[r.action],
        r.ownerName,
        r.ownerEmail,
        SUPPORT_DURATION_LABELS[r.duration],
        r.scope,
        r.endsAt === null ? 'No end date' : isoUtc(r.endsAt),
        r.reason,
        r.sessionsEnded
      ])
    )
    return { filename: `support-access-log-${fileStamp(ctx.now)}.csv`, mimeType: 'text/csv' as const, content, rows: rows.length }
  })

  function loginRows(accountId: string, filters: { from?: number; to?: number; agentId?: string; after?: { loginAt: number; id: string }; limit?: number }): SupportLoginRow[] {
    const where = ["s.account_id = @accountId", "s.principal_kind = 'support'"]
    if (filters.from !== undefined) where.push('s.started_at >= @from')
    if (filters.to !== undefined) where.push('s.started_at < @to')
    if (filters.agentId !== undefined) where.push('s.person_id = @agentId')
    if (filters.after) where.push('(s.started_at, s.session_id) < (@afterLoginAt, @afterId)')
    const rows = prepared(`
      SELECT s.session_id AS id, s.person_id AS agentId, g.name AS agentName, g.email AS agentEmail, s.started_at AS loginAt,
             s.ended_at AS logoutAt, s.end_reason AS endReason, s.ip, s.device
      FROM sessions s JOIN support_agents g ON g.agent_id = s.person_id
      WHERE ${where.join(' AND ')}
      ORDER BY s.started_at DESC, s.session_id DESC ${filters.limit ? 'LIMIT @limit' : ''}`).all({
      accountId,
      from: filters.from,
      to: filters.to,
      agentId: filters.agentId,
      afterLoginAt: filters.after?.loginAt,
      afterId: filters.after?.id,
      limit: filters.limit
    }) as LoginDbRow[]
    return rows.map((r) => ({ ...r, durationMs: r.logoutAt === null ? null : r.logoutAt - r.loginAt }))
  }

  core.handle('support-access:logins', (ctx, input) => {
    const { account } = ownerCall(ctx)
    const rows = loginRows(account.account_id, input)
    const last = rows[rows.length - 1]
    return { rows, next: rows.length === input.limit && last ? { loginAt: last.loginAt, id: last.id } : null }
  })

  core.handle('support-access:export-logins', (ctx, input) => {
    const { account } = ownerCall(ctx)
    const rows = loginRows(account.account_id, input)
    const content = toCsv(
      ['Agent name', 'Agent email', 'Login time (UTC)', 'Logout time (UTC)', 'Duration (h:mm:ss)', 'How it ended', 'IP address', 'Device'],
      rows.map((r) => [
        r.agentName,
        r.agentEmail,
        isoUtc(r.loginAt),
        r.logoutAt === null ? '' : isoUtc(r.logoutAt),
        durationText(r.durationMs),
        r.endReason === null ? 'Still signed in' : SUPPORT_SESSION_END_LABELS[r.endReason],
        r.ip,
        r.device
      ])
    )
    return { filename: `support-login-history-${fileStamp(ctx.now)}.csv`, mimeType: 'text/csv' as const, content, rows: rows.length }
  })

  core.handle('auth:support-sign-in', async (ctx, input) => {
    const email = input.email
    const account = support.account(input.account)
    const known = findAgent.get(email) as AgentRow | undefined
    const attempt = { kind: 'support' as const, method: 'support' as const, email, personId: known?.agent_id, accountId: account?.account_id ?? null }
    lockout.refuseIfLocked(ctx, attempt)
    const agent = findAgent.get(email) as AgentRow | undefined
    const passwordOk = await verifyPassword(input.password, agent?.password_hash ?? null)
    if (!passwordOk || !agent) {
      if (lockout.failure(ctx, { ...attempt, personId: agent?.agent_id, reason: agent ? 'wrong password' : 'unknown email' })) {
        throw new AppError('LOCKED', 'Too many failed attempts: sign-in for this email is locked for 15 minutes.')
      }
      throw new AppError('UNAUTHENTICATED', 'Wrong email or password.')
    }
    if (!account) {
      core.tx(() => lockout.log(ctx, { ...attempt, personId: agent.agent_id, reason: 'unknown account' }, 'failure'))
      throw new AppError('NOT_FOUND', 'That account does not exist in this installation.')
    }
    // The clock of the call, after the (slow) password check: a grant that ran out meanwhile is expired first.
    sweep(account.account_id, ctx.now)
    const grant = support.grant(account)
    if (!support.isOpen(grant, ctx.now)) {
      const expired = grant.row?.changed_by_kind === 'system'
      core.tx(() =>
        lockout.log(ctx, { ...attempt, personId: agent.agent_id, reason: expired ? 'support access expired' : 'support access off' }, 'failure')
      )
      throw new AppError(
        'FORBIDDEN',
        expired
          ? `Support access to ${account.name} expired at ${readableUtc(grant.row!.changed_at)}; the account owner has to extend it again.`
          : `Support access to ${account.name} is off: only the account owner can turn it on.`,
        { reason: expired ? 'support-access-expired' : 'support-access-off' }
      )
    }
    const principal = support.principalFor(agent, account, grant)
    core.tx(() => {
      lockout.success(ctx, { ...attempt, personId: agent.agent_id })
      core.ledger.append({
        accountId: account.account_id,
        actor: actorOf(principal),
        action: 'support.signed-in',
        summary: `${agent.name} (support) signed in to ${account.name} with ${grant.scope} access.`,
        target: { type: 'support-agent', id: agent.agent_id, name: agent.name },
        after: { scope: grant.scope, grantEndsAt: grant.endsAt },
        ip: ctx.meta.ip,
        device: ctx.meta.device
      })
    })
    const session = core.startSession(ctx.connectionId, principal)
    support.notifyOwners(account.account_id, ctx.connectionId)
    core.broadcast(account.account_id, ['audit'], ctx.connectionId)
    return sessionInfoOf(core, { session }, principal)
  })

  core.handle('account:convert-to-paid', (ctx) => {
    const { principal, account } = ownerCall(ctx)
    if (account.plan !== 'trial') throw new AppError('CONFLICT', 'The account is already on a paid plan.')
    const { ends, counted } = support.planEnds(account, ctx.now, 'support-access-disabled')
    core.tx(() => {
      db.prepare("UPDATE accounts SET plan = 'paid' WHERE account_id = ? AND plan = 'trial'").run(account.account_id)
      upsertGrant.run({
        accountId: account.account_id,
        state: 'off',
        scope: 'full',
        duration: 'indefinite',
        startedAt: account.created_at,
        endsAt: null,
        reason: null,
        now: ctx.now,
        name: principal.name,
        email: principal.email
      })
      const common = { accountId: account.account_id, actor: actorOf(principal), ip: ctx.meta.ip, device: ctx.meta.device }
      core.ledger.append({
        ...common,
        action: 'account.converted-to-paid',
        summary: `${principal.name} converted ${account.name} from a trial to a paid account.`,
        target: { type: 'account', id: account.account_id, name: account.name },
        before: { plan: 'trial' },
        after: { plan: 'paid' }
      })
      support.writeLog({
        accountId: account.account_id,
        action: 'trial-converted',
        actor: actorOf(principal),
        time: ctx.now,
        duration: 'indefinite',
        scope: 'full',
        endsAt: ctx.now,
        reason: null,
        sessionsEnded: counted,
        audit: {
          action: 'support-access.trial-converted',
          summary: `Support access turned off because ${principal.name} converted the account to paid; ${counted} support session${counted === 1 ? '' : 's'} ended.`,
          before: { state: 'on', scope: 'full', duration: 'indefinite', trial: true },
          after: { state: 'off', sessionsEnded: counted },
          ip: ctx.meta.ip,
          device: ctx.meta.device,
          accountName: account.name
        }
      })
      support.applyEnds(ends)
    })
    // The plan is part of every session's info: all windows of the account re-read it.
    for (const { connectionId } of core.liveSessions((s) => s.accountId === account.account_id)) core.emit(connectionId, 'session:changed', {})
    core.broadcast(account.account_id, ['account', 'audit'])
    return { plan: 'paid' as const, sessionsEnded: counted }
  })

  return support
}
