import type { Feature } from '../kernel/kernel'
import { registerAuditHandlers } from './handlers'
import { registerRetentionHandlers } from './retention'

/** The audit log screen (`audit:list`) and its retention; the ledger itself belongs to the kernel. */
export const auditFeature: Feature = (kernel) => {
  registerAuditHandlers(kernel)
  registerRetentionHandlers(kernel)
}
