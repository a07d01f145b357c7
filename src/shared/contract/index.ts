import type { z } from 'zod'
import { auditChannels } from './audit'
import { authChannels } from './auth'
import { usersChannels } from './users'
import { supportAccessChannels } from './support-access'
import { teamsChannels } from './teams'
import { invitationsChannels } from './invitations'
import { passwordResetChannels } from './password-reset'
import { profileChannels } from './profile'
import { settingsChannels } from './settings'
import { securityChannels } from './security'
import { notificationsChannels } from './notifications'
import { ssoChannels } from './sso'
import { loginHistoryChannels } from './login-history'

export * from './result'
export * from './events'
export * from './topics'

/** Every channel of every feature. Adding a feature adds one spread here. */
export const channels = {
  ...authChannels,
  ...usersChannels,
  ...loginHistoryChannels,
  ...teamsChannels,
  ...invitationsChannels,
  ...passwordResetChannels,
  ...profileChannels,
  ...settingsChannels,
  ...securityChannels,
  ...ssoChannels,
  ...notificationsChannels,
  ...auditChannels,
  ...supportAccessChannels
} as const

export type Channels = typeof channels
export type ChannelName = keyof Channels
export type InputOf<C extends ChannelName> = z.input<Channels[C]['input']>
export type ParsedInputOf<C extends ChannelName> = z.output<Channels[C]['input']>
export type OutputOf<C extends ChannelName> = z.output<Channels[C]['output']>
export const CHANNEL_NAMES = Object.keys(channels) as ChannelName[]

export function isChannelName(name: unknown): name is ChannelName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(channels, name)
}
