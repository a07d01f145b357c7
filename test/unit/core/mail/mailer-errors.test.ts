import net, { type AddressInfo } from 'node:net'
import { SMTPServer } from 'smtp-server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMailer, describeSmtpError, type SmtpConfig } from '../../../../src/main/core/mail/mailer'
import { startSmtpServer } from '../../../support/smtp'

const MESSAGE = { to: 'ada@example.com', subject: 'Test', text: 'Hello', html: '<p>Hello</p>' }

function config(port: number, over: Partial<SmtpConfig> = {}): SmtpConfig {
  return { host: '127.0.0.1', port, tls: 'none', username: '', password: null, fromAddress: 'it@example.com', fromName: 'Gatehouse', updatedAt: 0, ...over }
}

async function sendWith(c: SmtpConfig): Promise<string> {
  const mailer = createMailer(c)
  try {
    const outcome = await mailer.send(MESSAGE)
    return outcome.ok ? 'delivered' : outcome.error
  } finally {
    mailer.close()
  }
}

/** A port on 127.0.0.1 that nothing listens on (bound once, then released). */
async function closedPort(): Promise<number> {
  const server = net.createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise((resolve) => server.close(resolve))
  return port
}

describe('SMTP failures in words, against real servers on 127.0.0.1', () => {
  let plain: Awaited<ReturnType<typeof startSmtpServer>>
  let implicitTls: SMTPServer
  let tlsPort: number

  beforeAll(async () => {
    plain = await startSmtpServer({ user: 'gatehouse', pass: 'right-password' })
    // smtp-server's built-in test certificate: not one Gatehouse trusts (it always verifies).
    implicitTls = new SMTPServer({ secure: true, logger: false, authOptional: true })
    implicitTls.on('error', () => {})
    await new Promise<void>((resolve) => implicitTls.listen(0, '127.0.0.1', () => resolve()))
    tlsPort = (implicitTls.server.address() as AddressInfo).port
  })
  afterAll(async () => {
    await plain.close()
    await new Promise<void>((resolve) => implicitTls.close(() => resolve()))
  })

  it('a closed port: the server at host:port refused the connection (not "the secure connection failed")', async () => {
    const port = await closedPort()
    const error = await sendWith(config(port))
    expect(error).toBe(`The mail server at 127.0.0.1:${port} refused the connection. Check the server name and port, and that the mail server is running.`)
    expect(error).not.toMatch(/secure|ESOCKET|ECONNREFUSED/)
  })

  it('a wrong password: the server refused the user name or password, with its answer', async () => {
    const error = await sendWith(config(plain.port, { username: 'gatehouse', password: 'wrong' }))
    expect(error).toBe(`The mail server at 127.0.0.1:${plain.port} refused the user name or password (it answered: 535 Invalid username or password).`)
  })

  it('the right password is delivered', async () => {
    expect(await sendWith(config(plain.port, { username: 'gatehouse', password: 'right-password' }))).toBe('delivered')
  })

  it('TLS chosen for a port without TLS says so and suggests what to choose', async () => {
    const error = await sendWith(config(plain.port, { tls: 'tls' }))
    expect(error).toBe(`The mail server at 127.0.0.1:${plain.port} does not use TLS on this port. Choose STARTTLS (usually port 587), or the server's TLS port (usually 465).`)
  })

  it('STARTTLS required by a server that does not offer it', async () => {
    const error = await sendWith(config(plain.port, { tls: 'starttls' }))
    expect(error).toMatch(new RegExp(`^The mail server at 127\\.0\\.0\\.1:${plain.port} could not start an encrypted connection with STARTTLS \\(it answered: 5\\d\\d [^)]*\\)\\. If it offers TLS`))
  })

  it('an untrusted certificate names the certificate problem', async () => {
    const error = await sendWith(config(tlsPort, { tls: 'tls' }))
    expect(error).toMatch(new RegExp(`^The mail server at 127\\.0\\.0\\.1:${tlsPort} presented a (self-signed )?certificate`))
    expect(error).not.toMatch(/ESOCKET|CERT_/)
  })
})

describe('SMTP failures in words, for errors not worth a 15-second wait', () => {
  const at = { host: 'smtp.example.com', port: 587, tls: 'starttls' as const }

  it('timeouts: no answer to connect, no greeting (with the TLS hint), a stalled socket', () => {
    expect(describeSmtpError({ code: 'ETIMEDOUT', timeoutType: 'CONNECT_TIMEOUT' }, at)).toBe(
      'The mail server at smtp.example.com:587 did not answer in time. Check the server name, port and firewall.'
    )
    expect(describeSmtpError({ code: 'ETIMEDOUT', timeoutType: 'GREETING_TIMEOUT' }, { ...at, port: 465 })).toBe(
      'The mail server at smtp.example.com:465 accepted the connection but never greeted Gatehouse. If this port uses TLS from the start (usually 465), choose TLS.'
    )
    expect(describeSmtpError({ code: 'ETIMEDOUT', timeoutType: 'SOCKET_TIMEOUT' }, at)).toBe('The mail server at smtp.example.com:587 stopped answering in time.')
  })

  it('DNS: a name that does not exist, and a lookup that got no answer', () => {
    expect(describeSmtpError({ code: 'EDNS', originalCode: 'ENOTFOUND', message: 'getaddrinfo ENOTFOUND smtp.example.com' }, at)).toBe(
      'The mail server name smtp.example.com could not be found. Check the spelling.'
    )
    expect(describeSmtpError({ code: 'EDNS', originalCode: 'EAI_AGAIN' }, at)).toMatch(/^The mail server name smtp\.example\.com could not be looked up just now/)
  })

  it('certificates: self-signed, expired, for another name', () => {
    expect(describeSmtpError({ code: 'ESOCKET', originalCode: 'DEPTH_ZERO_SELF_SIGNED_CERT' }, at)).toBe(
      'The mail server at smtp.example.com:587 presented a self-signed certificate, which Gatehouse does not trust.'
    )
    expect(describeSmtpError({ code: 'ETLS', originalCode: 'CERT_HAS_EXPIRED' }, at)).toBe('The mail server at smtp.example.com:587 presented a certificate that has expired.')
    expect(describeSmtpError({ code: 'ESOCKET', originalCode: 'ERR_TLS_CERT_ALTNAME_INVALID' }, at)).toBe(
      'The mail server at smtp.example.com:587 presented a certificate for another name (check the server name).'
    )
  })

  it('a refused message quotes the server; an IPv6 host is bracketed; anything else still names the server', () => {
    expect(describeSmtpError({ code: 'EMESSAGE', responseCode: 552, response: '552 Message size exceeds fixed limit' }, at)).toBe(
      'The mail server at smtp.example.com:587 refused the message (it answered: 552 Message size exceeds fixed limit).'
    )
    expect(describeSmtpError({ code: 'ESOCKET', originalCode: 'ECONNREFUSED' }, { ...at, host: '::1', port: 25 })).toMatch(/^The mail server at \[::1\]:25 refused the connection\./)
    expect(describeSmtpError(new Error('boom'), at)).toBe('Sending through the mail server at smtp.example.com:587 failed: boom.')
  })
})
