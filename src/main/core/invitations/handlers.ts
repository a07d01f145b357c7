import type { Kernel } from '../kernel/kernel'
import { acceptInvitation, inspectInvitation, inviteEmails, resendInvitation, resendInvitations, revokeInvitation } from './use-cases'

/**
 * Inviting (one or many emails), resending, revoking, and the public side: inspecting and
 * accepting a link. Tokens exist in clear only in the response (or email) that delivers them.
 */
export function registerInvitationsHandlers(kernel: Kernel): void {
  kernel.handle('users:invite', (ctx, input) => inviteEmails(kernel, ctx, input))
  kernel.handle('users:resend-invitation', (ctx, input) => resendInvitation(kernel, ctx, input.membershipId))
  kernel.handle('users:bulk-resend-invitations', (ctx, input) => resendInvitations(kernel, ctx, input.membershipIds))
  kernel.handle('users:revoke-invitation', (ctx, input) => revokeInvitation(kernel, ctx, input.membershipId))
  kernel.handle('invitations:inspect', (ctx, input) => inspectInvitation(kernel, ctx, input.token))
  kernel.handle('invitations:accept', (ctx, input) => acceptInvitation(kernel, ctx, input))
}
