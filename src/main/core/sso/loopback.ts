import { createServer, type Server } from 'node:http'
import { SSO_CALLBACK_PATH } from '../../../shared/sso-presets'

/**
 * The one-shot loopback listener of a desktop sign-in (RFC 8252 §7.3): the core opens it on
 * 127.0.0.1 on a port the system picks, for one flow, and closes it after the provider's redirect
 * arrives (or the flow ends). Only the callback path is answered; the browser is shown a short
 * page saying how the sign-in went.
 */
export interface LoopbackListener {
  readonly redirectUri: string
  close(): void
}

const PAGE = (title: string, text: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title><meta name="viewport" content="width=device-width"></head>` +
  `<body style="font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;line-height:1.5"><h1 style="font-size:1.4rem">${title}</h1><p>${text}</p></body></html>`

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

export async function openLoopback(onCallback: (url: URL) => Promise<{ ok: boolean; message: string }>): Promise<LoopbackListener> {
  let done = false
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1')
    if (request.method !== 'GET' || url.pathname !== SSO_CALLBACK_PATH || done) {
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found')
      return
    }
    done = true
    const address = server.address()
    const port = typeof address === 'object' && address ? address.port : 0
    const full = new URL(`http://127.0.0.1:${port}${request.url ?? '/'}`)
    void onCallback(full)
      .catch((error: unknown) => ({ ok: false, message: error instanceof Error ? error.message : String(error) }))
      .then(({ ok, message }) => {
        response
          .writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'" })
          .end(PAGE(ok ? 'Sign-in received' : 'Sign-in not completed', `${escapeHtml(message)} You can close this tab and return to Gatehouse.`))
        server.close()
      })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  server.unref()
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  return {
    redirectUri: `http://127.0.0.1:${port}${SSO_CALLBACK_PATH}`,
    close: () => {
      done = true
      server.close()
      server.closeAllConnections()
    }
  }
}
