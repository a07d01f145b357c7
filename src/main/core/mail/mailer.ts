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
        return { ok: false, error: describeSmtpError(error, config) }
      }
    },
    close: () => transport.close()
  }
}

/** The server as people typed it: "smtp.example.com:587", "[2001:db8::1]:25". */
function serverAt(config: Pick<SmtpConfig, 'host' | 'port'>): string {
  return `${config.host.includes(':') && !config.host.startsWith('[') ? `[${config.host}]` : config.host}:${config.port}`
}

const CERTIFICATE_PROBLEMS: Readonly<Record<string, string>> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'presented a self-signed certificate, which Gatehouse does not trust',
  SELF_SIGNED_CERT_IN_CHAIN: 'presented a certificate signed by an authority Gatehouse does not trust (self-signed in the chain)',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'presented a certificate Gatehouse cannot verify (its issuer is unknown)',
  UNABLE_TO_GET_ISSUER_CERT: 'presented a certificate Gatehouse cannot verify (its issuer is unknown)',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'presented a certificate Gatehouse cannot verify (its issuer is unknown)',
  CERT_HAS_EXPIRED: 'presented a certificate that has expired',
  CERT_NOT_YET_VALID: 'presented a certificate that is not valid yet (check the clocks)',
  CERT_REVOKED: 'presented a certificate that has been revoked',
  ERR_TLS_CERT_ALTNAME_INVALID: 'presented a certificate for another name (check the server name)',
  HOSTNAME_MISMATCH: 'presented a certificate for another name (check the server name)'
}

function clipped(text: string | undefined, max = 200): string {
  const one = (text ?? '').replace(/\s+/g, ' ').trim()
  return one.length > max ? `${one.slice(0, max)}…` : one
}

/**
 * What went wrong, in words, naming the server: nodemailer reports most failures as ESOCKET with
 * the system's code in `originalCode` (ECONNREFUSED, a certificate check, a TLS mismatch).
 */
export function describeSmtpError(error: unknown, config: Pick<SmtpConfig, 'host' | 'port' | 'tls'>): string {
  const e = (typeof error === 'object' && error !== null ? error : { message: String(error) }) as {
    code?: string
    originalCode?: string
    responseCode?: number
    response?: string
    message?: string
    reason?: string
    timeoutType?: string
  }
  const at = `The mail server at ${serverAt(config)}`
  const cause = e.originalCode ?? e.code ?? ''
  const certificate = CERTIFICATE_PROBLEMS[cause]
  if (certificate) return `${at} ${certificate}.`
  switch (cause) {
    case 'ECONNREFUSED':
      return `${at} refused the connection. Check the server name and port, and that the mail server is running.`
    case 'ENOTFOUND':
    case 'EDNS':
      return `The mail server name ${config.host} could not be found. Check the spelling.`
    case 'EAI_AGAIN':
      return `The mail server name ${config.host} could not be looked up just now (no answer from DNS). Try again.`
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `${at} cannot be reached from this machine (no network route).`
    case 'ECONNRESET':
    case 'EPIPE':
    case 'ECONNECTION':
      return `${at} closed the connection unexpectedly.`
    case 'ERR_SSL_WRONG_VERSION_NUMBER':
    case 'ERR_SSL_PACKET_LENGTH_TOO_LONG':
    case 'EPROTO':
      return config.tls === 'tls'
        ? `${at} does not use TLS on this port. Choose STARTTLS (usually port 587), or the server's TLS port (usually 465).`
        : `${at} could not agree on encryption with Gatehouse${e.reason ? ` (${clipped(e.reason)})` : ''}.`
    case 'ETIMEDOUT':
    case 'ETIMEOUT':
      if (e.timeoutType === 'GREETING_TIMEOUT') {
        return config.tls === 'tls'
          ? `${at} accepted the connection but never greeted Gatehouse.`
          : `${at} accepted the connection but never greeted Gatehouse. If this port uses TLS from the start (usually 465), choose TLS.`
      }
      if (e.timeoutType === 'CONNECT_TIMEOUT') return `${at} did not answer in time. Check the server name, port and firewall.`
      return `${at} stopped answering in time.`
    case 'ETLS':
      return `${at} could not start an encrypted connection with STARTTLS${e.response ? ` (it answered: ${clipped(e.response)})` : ''}. If it offers TLS from the start (usually port 465), choose TLS.`
    case 'EAUTH':
      return `${at} refused the user name or password${e.response ? ` (it answered: ${clipped(e.response)})` : ''}.`
    case 'ENOAUTH':
      return `${at} asks for a user name and password; enter them in the mail server settings.`
    case 'EENVELOPE':
      return `${at} refused the sender or recipient address${e.response ? ` (it answered: ${clipped(e.response)})` : ''}.`
  }
  if (e.responseCode) return `${at} refused the message (it answered: ${clipped(e.response ?? `${e.responseCode} ${e.message ?? ''}`)}).`
  return `Sending through the mail server at ${serverAt(config)} failed: ${clipped(e.message ?? e.code ?? 'unknown error')}.`
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)
}

/**
 * Each message through the account's mail server, one connection for all: per message its outcome,
 * or null for all of them when no server is configured (the caller then hands out the links itself).
 */
export async function sendEach(store: Pick<Store, 'unseal' | 'db'>, accountId: string, messages: readonly MailMessage[]): Promise<SendOutcome[] | null> {
  if (messages.length === 0) return []
  const smtp = await loadSmtp(store, accountId)
  if (!smtp) return null
  const mailer = createMailer(smtp)
  try {
    const outcomes: SendOutcome[] = []
    for (const message of messages) outcomes.push(await mailer.send(message))
    return outcomes
  } finally {
    mailer.close()
  }
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

export function passwordResetMessage(options: { to: string; accountName: string; adminName: string; link: string; expiresAt: number }): MailMessage {
  const until = new Date(options.expiresAt).toUTCString()
  const text =
    `${options.adminName}, an administrator of ${options.accountName}, sent you a link to choose a new Gatehouse password.\n\n` +
    `Open this link in Gatehouse (or paste it under "Use a password reset link" on the sign-in screen):\n\n` +
    `${options.link}\n\nThe link works once and expires on ${until}. Until you use it, your current password keeps working; ` +
    `if you did not expect this, tell your administrator.\n`
  const html =
    `<p>${escapeHtml(options.adminName)}, an administrator of <strong>${escapeHtml(options.accountName)}</strong>, sent you a link to choose a new Gatehouse password.</p>` +
    `<p><a href="${escapeHtml(options.link)}">Choose a new password</a></p>` +
    `<p>Or paste this link under "Use a password reset link" on the Gatehouse sign-in screen:<br><code>${escapeHtml(options.link)}</code></p>` +
    `<p>The link works once and expires on ${escapeHtml(until)}. Until you use it, your current password keeps working; if you did not expect this, tell your administrator.</p>`
  return { to: options.to, subject: `Choose a new Gatehouse password for ${options.accountName}`, text, html }
}

export function testMessage(to: string, accountName: string, senderName: string): MailMessage {
  const text = `${senderName} sent this test from Gatehouse to check the mail settings of ${accountName}. Invitations will be delivered the same way.\n`
  return { to, subject: `Gatehouse test email for ${accountName}`, text, html: `<p>${escapeHtml(text)}</p>` }
}
