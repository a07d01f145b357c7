import type { Kernel } from '../kernel/kernel'
import { authStatus, setUp, signIn, signOut } from './service'

export { LOCKOUT_DURATION_MS, LOCKOUT_FAILURES, LOCKOUT_WINDOW_MS } from './lockout'
export { sessionInfoOf } from './session-info'

/** First-run setup, member sign-in and sign-out (support agents sign in through support-access). */
export function registerAuthHandlers(kernel: Kernel): void {
  kernel.handle('auth:status', (ctx) => authStatus(kernel, ctx))
  kernel.handle('auth:setup', (ctx, input) => setUp(kernel, ctx, input))
  kernel.handle('auth:sign-in', (ctx, input) => signIn(kernel, ctx, input))
  kernel.handle('auth:sign-out', (ctx) => signOut(kernel, ctx))
}
