import type { Feature } from '../kernel/kernel'
import { registerTeams } from './handlers'

export const teamsFeature: Feature = (kernel) => {
  registerTeams(kernel)
}
