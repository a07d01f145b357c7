import type { Feature } from '../kernel/kernel'
import { replaceRecoveryKey, securityStatus } from './service'

/** Settings → Security: where the data and its key are kept; a new recovery key. The Owner's. */
export const securityFeature: Feature = (kernel) => {
  kernel.handle('security:status', (ctx) => securityStatus(kernel, ctx))
  kernel.handle('security:replace-recovery-key', (ctx, input) => replaceRecoveryKey(kernel, ctx, input))
}
