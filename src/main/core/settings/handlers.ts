import type { Kernel } from '../kernel/kernel'
import { accountSettings, getSmtp, setSmtp, testSmtp, transferOwnership, updateAccountSettings } from './service'

/** Settings → Account: account facts, the SMTP server for invitations, ownership transfer. */
export function registerSettingsHandlers(kernel: Kernel): void {
  kernel.handle('settings:account', (ctx) => accountSettings(kernel, ctx))
  kernel.handle('settings:account-update', (ctx, input) => updateAccountSettings(kernel, ctx, input))
  kernel.handle('settings:smtp-get', (ctx) => getSmtp(kernel, ctx))
  kernel.handle('settings:smtp-set', (ctx, input) => setSmtp(kernel, ctx, input))
  kernel.handle('settings:smtp-test', (ctx, input) => testSmtp(kernel, ctx, input))
  kernel.handle('account:transfer-ownership', (ctx, input) => transferOwnership(kernel, ctx, input))
}
