import { SMTPServer } from 'smtp-server'
import { simpleParser } from 'mailparser'
import type { AddressInfo } from 'node:net'

export interface ReceivedMail {
  to: string[]
  subject: string
  text: string
}

/**
 * A real SMTP server on 127.0.0.1 (port chosen by the OS) that keeps every message it receives,
 * parsed with mailparser: the console's mail goes through nodemailer and the network for real.
 */
export class Mailbox {
  private constructor(
    private readonly server: SMTPServer,
    readonly port: number,
    readonly messages: readonly ReceivedMail[]
  ) {}

  static async start(): Promise<Mailbox> {
    const messages: ReceivedMail[] = []
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, session, callback) {
        simpleParser(stream)
          .then((mail) => {
            messages.push({
              to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
              subject: mail.subject ?? '',
              text: mail.text ?? ''
            })
            callback()
          })
          .catch((error: Error) => callback(error))
      }
    })
    await new Promise<void>((done, fail) => {
      server.once('error', fail)
      server.listen(0, '127.0.0.1', () => done())
    })
    const { port } = server.server.address() as AddressInfo
    return new Mailbox(server, port, messages)
  }

  /** The first message to this address (waits for it). */
  async waitFor(to: string, timeoutMs = 15_000): Promise<ReceivedMail> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const found = this.messages.find((m) => m.to.includes(to.toLowerCase()))
      if (found) return found
      if (Date.now() > deadline) throw new Error(`No mail to ${to} within ${timeoutMs} ms (got ${this.messages.length})`)
      await new Promise((r) => setTimeout(r, 100))
    }
  }

  stop(): Promise<void> {
    return new Promise((done) => this.server.close(() => done()))
  }
}
