import type { Feature } from '../kernel/kernel'
import { registerLoginHistoryHandlers } from './handlers'
import { registerAccountLoginHistoryHandlers } from './account-handlers'

/** Login history per person (with unlock and sign out everywhere) and across the account (with the dormant members and export). */
export const loginHistoryFeature: Feature = (kernel) => {
  registerLoginHistoryHandlers(kernel)
  registerAccountLoginHistoryHandlers(kernel)
}
