import type { Feature } from '../kernel/kernel'
import { registerAuthHandlers } from './handlers'
import { memberPrincipals } from './member-principals'

/** Sign-in: first-run setup, member sign-in/out, the lockout rule, and member sessions' principals. */
export const authFeature: Feature = (kernel) => {
  kernel.registerPrincipals('member', memberPrincipals(kernel))
  registerAuthHandlers(kernel)
}
