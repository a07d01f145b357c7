import type { Feature } from '../kernel/kernel'
import { registerAuditHandlers } from './handlers'

/** The audit log screen (`audit:list`); the ledger itself belongs to the kernel. */
export const auditFeature: Feature = (kernel) => {
  registerAuditHandlers(kernel)
}
