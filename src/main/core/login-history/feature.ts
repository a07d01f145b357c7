import type { Feature } from '../kernel/kernel'
import { registerLoginHistoryHandlers } from './handlers'

/** Login history per person, with unlock and sign out everywhere. */
export const loginHistoryFeature: Feature = (kernel) => {
  registerLoginHistoryHandlers(kernel)
}
