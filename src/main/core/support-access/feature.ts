import type { Feature } from '../kernel/kernel'
import { registerSupportAccessHandlers } from './handlers'
import { settleAll, supportPrincipals } from './service'

/**
 * Support Team Access: its channels, support sessions resolved through the kernel's principal
 * hook, and grant expiry at start-up and on every tick.
 */
export const supportAccessFeature: Feature = (kernel) => {
  kernel.registerPrincipals('support', supportPrincipals(kernel))
  kernel.onStart((now) => settleAll(kernel, now))
  kernel.onTick((now) => settleAll(kernel, now))
  registerSupportAccessHandlers(kernel)
}
