import type { Feature } from '../kernel/kernel'
import { registerSettingsHandlers } from './handlers'

export const settingsFeature: Feature = (kernel) => {
  registerSettingsHandlers(kernel)
}
