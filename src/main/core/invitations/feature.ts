import type { Feature } from '../kernel/kernel'
import { registerInvitationsHandlers } from './handlers'

/** Invitations: invite, resend, revoke, and the public inspect/accept of a link. */
export const invitationsFeature: Feature = (kernel) => {
  registerInvitationsHandlers(kernel)
}
