import type { Feature } from '../kernel/kernel'
import { completePasswordReset, inspectPasswordReset, issuePasswordReset } from './service'

/** Password reset links: an administrator issues one; the person inspects it and chooses a new password. */
export const passwordResetFeature: Feature = (kernel) => {
  kernel.handle('users:reset-password', (ctx, input) => issuePasswordReset(kernel, ctx, input.membershipId))
  kernel.handle('password-reset:inspect', (ctx, input) => inspectPasswordReset(kernel, ctx, input.token))
  kernel.handle('password-reset:complete', (ctx, input) => completePasswordReset(kernel, ctx, input))
}
