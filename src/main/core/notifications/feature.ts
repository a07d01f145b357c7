import type { Feature } from '../kernel/kernel'
import { deliverNotifications, getNotificationPreferences, setNotificationPreference } from './service'

/**
 * Notification emails: after a change commits, the people it concerns are told (their own sign-in
 * locked, their password changed or reset; the Owner, Support Team Access), unless they turned
 * that kind off in Personal settings.
 */
export const notificationsFeature: Feature = (kernel) => {
  kernel.handle('notifications:get', (ctx) => getNotificationPreferences(kernel, ctx))
  kernel.handle('notifications:set', (ctx, input) => setNotificationPreference(kernel, ctx, input))
  kernel.onCommitted((entries) => {
    // Most transactions call for no email: only look further when one of the events does.
    void deliverNotifications(kernel, entries).catch(() => undefined)
  })
}
