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
