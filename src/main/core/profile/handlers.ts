import type { Kernel } from '../kernel/kernel'
import { changePassword, memberOf, profileOf, updateProfile } from './service'

/** Personal settings: each person, whatever their role, for themselves only. */
export function registerProfileHandlers(kernel: Kernel): void {
  kernel.handle('profile:get', (ctx) => profileOf(kernel.store.db, memberOf(ctx)))
  kernel.handle('profile:update', (ctx, input) => updateProfile(kernel, ctx, input))
  kernel.handle('profile:change-password', (ctx, input) => changePassword(kernel, ctx, input))
}
