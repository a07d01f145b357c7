import type { AuditEntry } from '../audit/ledger'
import { actorOf, type CallContext, type ResolvedPrincipal } from '../context'

/** Helpers every handler uses on its call context. */

/** The caller's account (handlers behind a permission always have a principal). */
export function accountOf(ctx: CallContext): string {
  return ctx.principal!.accountId
}

/** The caller's own membership id (null for a support agent, who is never a member). */
export function selfMembershipId(ctx: CallContext): string | null {
  return ctx.principal?.kind === 'member' ? ctx.principal.membershipId : null
}

/** The common part of an audit entry for a call: account, actor, IP and device. */
export function auditBase(ctx: CallContext): Pick<AuditEntry, 'accountId' | 'actor' | 'ip' | 'device'> {
  const principal = ctx.principal as ResolvedPrincipal
  return { accountId: principal.accountId, actor: actorOf(principal), ip: ctx.meta.ip, device: ctx.meta.device }
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`
}

/** The first few names of a bulk selection, for the operation's own audit event. */
function sample(entries: readonly AuditEntry[]): string[] {
  return entries.slice(0, 100).map((e) => e.target.name ?? '')
}

/** The audit event of a bulk operation itself, beside one event per person it changed. */
export function bulkEvent(ctx: CallContext, action: AuditEntry['action'], summary: string, entries: readonly AuditEntry[], after: Record<string, unknown>): AuditEntry {
  const base = auditBase(ctx)
  return {
    ...base,
    action,
    summary: `${base.actor.name} ${summary}`,
    target: { type: 'members', id: null, name: plural(entries.length, 'person', 'people') },
    after: { ...after, count: entries.length, people: sample(entries) }
  }
}
