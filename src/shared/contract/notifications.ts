import { z } from 'zod'
import type { Permission } from '../permissions'
import { channel } from './define'

/**
 * The notification emails Gatehouse sends, each about something that already happened (its audit
 * event), to the person it concerns, and who can get it: every kind is on until the person turns
 * it off in Personal settings.
 */
export const NOTIFICATION_KINDS = ['security', 'support-access'] as const
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number]

/** The permission a person needs for a kind to concern them (null: everyone). */
export const NOTIFICATION_AUDIENCE: Readonly<Record<NotificationKind, Permission | null>> = {
  /** Your own sign-in locked after failed attempts; your password changed or reset. */
  security: null,
  /** Support Team Access turned on, changed, turned off or ended: the Owner's. */
  'support-access': 'support-access:manage'
}

const preferences = z.object({
  /** False when the account has no mail server: nothing is sent until one is set up (Email delivery). */
  emailDelivery: z.boolean(),
  preferences: z.array(z.object({ kind: z.enum(NOTIFICATION_KINDS), enabled: z.boolean() }))
})

/** Personal settings → Email notifications: every role, for itself. */
export const notificationsChannels = {
  'notifications:get': channel({
    input: z.object({}).strict().optional(),
    output: preferences,
    access: 'profile:self',
    mutates: false
  }),
  'notifications:set': channel({
    input: z.object({ kind: z.enum(NOTIFICATION_KINDS, { message: 'Choose a kind of notification' }), enabled: z.boolean() }).strict(),
    output: preferences,
    access: 'profile:self',
    mutates: true,
    invalidates: ['audit']
  })
} as const
