/**
 * Data topics named by `data:changed` events: a window refreshes what it shows under a topic
 * when the core says it changed. Channels declare the topics they invalidate (`invalidates` in
 * ChannelDef); the renderer listens with `useDataChanged(topic, …)`.
 */
export const TOPICS = [
  /** People, roles, statuses, invitations, seats (users screen, user panel). */
  'users',
  /** Teams and their member counts. */
  'teams',
  /** The account's audit log. */
  'audit',
  /** Account settings (mail server, Owner). No renderer listener today. */
  'settings',
  /** The account itself: its plan (account-plan.tsx). */
  'account',
  /** Support Team Access status, log and logins: the Owner's windows only (published by hand, not declared). */
  'support-access',
  /** Single sign-on: the connections and their tests. */
  'sso'
] as const

export type Topic = (typeof TOPICS)[number]

export function isTopic(value: unknown): value is Topic {
  return typeof value === 'string' && (TOPICS as readonly string[]).includes(value)
}
