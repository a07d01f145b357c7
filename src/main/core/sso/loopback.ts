import { createServer, type Server } from 'node:http'
import { AppError } from '../../../shared/contract/result'
import { SSO_CALLBACK_PATH } from '../../../shared/sso-presets'
import { ANSWER_PAGE_CSP, answerPage } from './answer-page'

/**
 * The one-shot loopback listener of a sign-in (RFC 8252 §7.3): the core opens it on 127.0.0.1 for
 * one flow, and closes it after the provider's answer arrives (or the flow ends). OpenID Connect:
 * a GET to the redirect URI on a port the system picks. SAML: the IdP's form POSTed to the ACS, on
 * the fixed port its registration names. Only that route is answered; the browser is shown a
 * short page saying how the sign-in went.
 */
export interface LoopbackListener {
  readonly redirectUri: string
  close(): void
}

/** What reached the listener: the URL, and for a POST its form fields. */
export interface LoopbackAnswer {
  url: URL
  form: URLSearchParams | null
}

export interface LoopbackRoute {
  method: 'GET' | 'POST'
  path: string
  /** 0: any free port. */
  port: number
}

const OIDC_ROUTE: LoopbackRoute = { method: 'GET', path: SSO_CALLBACK_PATH, port: 0 }
/** A POSTed SAML response is base64 XML: a few hundred KB at most. */
export const MAX_ANSWER_BODY = 1024 * 1024

export async function openLoopback(onAnswer: (answer: LoopbackAnswer) => Promise<{ ok: boolean; message: string }>, route: LoopbackRoute = OIDC_ROUTE): Promise<LoopbackListener> {
  let done = false
  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname
    if (request.method !== route.method || path !== route.path || done) {
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found')
      return
    }
    done = true
    const address = server.address()
    const port = typeof address === 'object' && address ? address.port : 0
    const url = new URL(`http://127.0.0.1:${port}${request.url ?? '/'}`)
    const chunks: Buffer[] = []
    let size = 0
    request.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size <= MAX_ANSWER_BODY) chunks.push(chunk)
    })
    request.on('end', () => {
      const form = route.method === 'POST' ? new URLSearchParams(Buffer.concat(chunks).toString('utf8')) : null
      const answered = size > MAX_ANSWER_BODY ? Promise.resolve({ ok: false, message: 'The answer was larger than 1 MB: refused.' }) : onAnswer({ url, form })
      void answered
        .catch((error: unknown) => ({ ok: false, message: error instanceof Error ? error.message : String(error) }))
        .then(({ ok, message }) => {
          response
            .writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'content-security-policy': ANSWER_PAGE_CSP })
            .end(answerPage(ok, message))
          server.close()
        })
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new AppError('CONFLICT', `Port ${route.port} on 127.0.0.1 is in use (another sign-in, or another program): finish or cancel that one and try again.`) : error)
    )
    server.listen(route.port, '127.0.0.1', () => resolve())
  })
  server.unref()
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  return {
    redirectUri: `http://127.0.0.1:${port}${route.path}`,
    close: () => {
      done = true
      server.close()
      server.closeAllConnections()
    }
  }
}
