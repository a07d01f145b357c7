import type { Feature } from '../kernel/kernel'
import { registerProfileHandlers } from './handlers'

export const profileFeature: Feature = (kernel) => {
  registerProfileHandlers(kernel)
}
