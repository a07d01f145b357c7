import type { Kernel, PrincipalResolver } from '../kernel/kernel'
import { loadMemberPrincipal } from './principals-repository'

/**
 * Member sessions answer to the membership as stored now: a deactivated or removed member's
 * session ends at their next call, and an idle one at the moment its idle period ran out.
 */
export function memberPrincipals(kernel: Kernel): PrincipalResolver {
  return {
    load: (q, session) => (session.membershipId ? loadMemberPrincipal(q, session.membershipId) : Promise.resolve(null)),
    async refresh(connectionId, session, now) {
      const principal = session.membershipId ? await loadMemberPrincipal(kernel.store.db, session.membershipId) : null
      if (!principal || principal.status !== 'active') {
        await kernel.sessions.end(connectionId, principal ? 'deactivated' : 'role-removed')
        return null
      }
      const idleMs = principal.idleTimeoutMinutes * 60_000
      if (now - session.lastSeenAt >= idleMs) {
        // The session ended when the idle period ran out, not when it was noticed.
        await kernel.sessions.end(connectionId, 'idle-timeout', { at: session.lastSeenAt + idleMs })
        return null
      }
      return principal
    }
  }
}
