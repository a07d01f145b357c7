import nodemailer from 'nodemailer'
import type { Executor, Store } from '../store/port'
import { deleteSmtpRow, findSmtpRow, upsertSmtpRow } from './smtp-repository'

export interface SmtpConfig {
  host: string
  port: number
  tls: 'none' | 'starttls' | 'tls'
  username: string
  password: string | null
  fromAddress: string
  fromName: string
  updatedAt: number
}

export interface MailMessage {
  to: string
  subject: string
  text: string
  html: string
}

export type SendOutcome = { ok: true; messageId: string } | { ok: false; error: string }

export interface Mailer {
  send(message: MailMessage): Promise<SendOutcome>
  close(): void
}

/** The account's mail server, or null when none is configured (invitations then carry their link). */
export async function loadSmtp(store: Pick<Store, 'unseal' | 'db'>, accountId: string, q: Executor = store.db): Promise<SmtpConfig | null> {
  const row = await findSmtpRow(q, accountId)
  if (!row) return null
  return { ...row, password: row.password === null ? null : unsealPassword(store, row.password) }
}

/** Save (or replace) the account's mail server; the password is sealed with the store key before it is written. */
export async function saveSmtp(store: Pick<Store, 'seal'>, q: Executor, accountId: string, config: SmtpConfig): Promise<void> {
  await upsertSmtpRow(q, accountId, { ...config, password: config.password === null ? null : sealPassword(store, config.password) })
}

export async function removeSmtp(q: Executor, accountId: string): Promise<void> {
  await deleteSmtpRow(q, accountId)
}

// The column is text on both stores: the sealed bytes are written as base64. A value that does not
// decode to a sealed box was written before sealing existed (SQLite only) and is the password itself.
const SEALED_MAGIC = Buffer.from('GHS1')

function sealPassword(store: Pick<Store, 'seal'>, password: string): string {
  return store.seal(Buffer.from(password, 'utf8')).toString('base64')
}

function unsealPassword(store: Pick<Store, 'unseal'>, stored: string): string {
  const bytes = Buffer.from(stored, 'base64')
  const sealed = bytes.length > 32 && bytes.subarray(0, 4).equals(SEALED_MAGIC) && bytes.toString('base64') === stored
  return sealed ? store.unseal(bytes).toString('utf8') : stored
}

/**
 * One SMTP connection pool for a batch of messages (an invitation run, a test email). TLS modes:
 * 'tls' is implicit TLS, 'starttls' requires the upgrade (refusing a server that does not offer
 * it), 'none' never upgrades. Certificates are always verified.
 */
export function createMailer(config: SmtpConfig): Mailer {
  const transport = nodemailer.createTransport({
    host: config.host,
    port: config.port,
    secure: config.tls === 'tls',
    requireTLS: config.tls === 'starttls',
    ignoreTLS: config.tls === 'none',
    auth: config.username ? { user: config.username, pass: config.password ?? '' } : undefined,
    pool: true,
    maxConnections: 2,
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 30_000
  })
  return {
    async send(message) {
      try {
        const info = await transport.sendMail({
          from: { name: config.fromName, address: config.fromAddress },
          to: message.to,
          subject: message.subject,
          text: message.text,
          html: message.html
        })
        return { ok: true, messageId: String(info.messageId ?? '') }
      } catch (error) {
        return { ok: false, error: describeSmtpError(error) }
      }
    },
    close: () => transport.close()
  }
}

function describeSmtpError(error: unknown): string {
  const e = error as { code?: string; responseCode?: number; response?: string; message?: string }
  if (e.code === 'ECONNREFUSED') return 'The mail server refused the connection (check host and port).'
  if (e.code === 'ETIMEDOUT' || e.code === 'ETIMEOUT') return 'The mail server did not answer in time.'
  if (e.code === 'EAUTH') return `The mail server refused the user name or password${e.response ? ` (${e.response})` : ''}.`
  if (e.code === 'ESOCKET' || e.code === 'ETLS') return `The secure connection to the mail server failed: ${e.message ?? e.code}.`
  if (e.code === 'EDNS') return 'The mail server name could not be resolved.'
  if (e.responseCode) return `The mail server answered ${e.responseCode}: ${e.response ?? e.message ?? ''}`.trim()
  return `Sending failed: ${e.message ?? String(error)}`
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)
}

export function invitationMessage(options: { to: string; accountName: string; inviterName: string; roleLabel: string; link: string; expiresAt: number }): MailMessage {
  const until = new Date(options.expiresAt).toUTCString()
  const text =
    `${options.inviterName} invited you to ${options.accountName} as ${options.roleLabel}.\n\n` +
    `Open this link in Gatehouse to accept (or paste it under "Accept an invitation" on the sign-in screen):\n\n` +
    `${options.link}\n\nThe link works once and expires on ${until}.\n`
  const html =
    `<p>${escapeHtml(options.inviterName)} invited you to <strong>${escapeHtml(options.accountName)}</strong> as ${escapeHtml(options.roleLabel)}.</p>` +
    `<p><a href="${escapeHtml(options.link)}">Accept the invitation</a></p>` +
    `<p>Or paste this link under "Accept an invitation" on the Gatehouse sign-in screen:<br><code>${escapeHtml(options.link)}</code></p>` +
    `<p>The link works once and expires on ${escapeHtml(until)}.</p>`
  return { to: options.to, subject: `You are invited to ${options.accountName} on Gatehouse`, text, html }
}

export function testMessage(to: string, accountName: string, senderName: string): MailMessage {
  const text = `${senderName} sent this test from Gatehouse to check the mail settings of ${accountName}. Invitations will be delivered the same way.\n`
  return { to, subject: `Gatehouse test email for ${accountName}`, text, html: `<p>${escapeHtml(text)}</p>` }
}
