import type { SessionInfo } from '../../../shared/contract/auth'
import type { ResolvedPrincipal } from '../context'
import type { Kernel } from '../kernel/kernel'
import { permissionsOf } from '../kernel/permissions'

/** What the window learns of its session (sign-in, setup, invitation accepted, support sign-in). */
export function sessionInfoOf(kernel: Pick<Kernel, 'clock'>, ctx: { session: { startedAt: number } | null }, principal: ResolvedPrincipal): SessionInfo {
  return {
    principal: {
      kind: principal.kind,
      personId: principal.personId,
      name: principal.name,
      email: principal.email,
      role: principal.role,
      accountId: principal.accountId,
      accountName: principal.accountName,
      plan: principal.plan
    },
    permissions: permissionsOf(principal),
    idleTimeoutMinutes: principal.idleTimeoutMinutes,
    startedAt: ctx.session?.startedAt ?? kernel.clock.now(),
    // The agent's banner says when access ends (null: no end date); session:changed re-reads it.
    ...(principal.kind === 'support' ? { supportAccessEndsAt: principal.grantEndsAt } : {})
  }
}
