import { createReadStream } from 'node:fs'
import { realpath, stat } from 'node:fs/promises'
import { createServer, STATUS_CODES, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import type { Duplex } from 'node:stream'
import { WebSocket, WebSocketServer, type RawData } from 'ws'
import { fail, type Result } from '../../shared/contract/result'
import type { CoreClient, CoreEvent } from '../core/host'
import { ANSWER_PAGE_CSP, answerPage } from '../core/sso/answer-page'
import { MAX_ANSWER_BODY } from '../core/sso/loopback'
import { SSO_CALLBACK_PATH, SSO_SAML_ACS_PATH } from '../../shared/sso-presets'
import {
  TOKEN_COOKIE,
  assertUsableToken,
  generateToken,
  hasValidToken,
  isAllowedHost,
  isAllowedOrigin,
  securityHeaders,
  tokensMatch
} from './guards'
import { decodeFrame, type PushFrame, type ReplyFrame } from './protocol'
import { lookupStatic } from './static-files'
import { summarizeUserAgent } from './user-agent'

export interface WebHostOptions {
  /** The caller owns the core: close() disconnects this host's connections but leaves the core running. */
  core: CoreClient
  /** The renderer build (out/renderer), served as static files. */
  rendererDir: string
  /** 0 or absent: any free port. */
  port?: number
  /** Absent: 32 random bytes, base64url. */
  token?: string
  log?: (line: string) => void
}

export interface WebHost {
  /** `http://127.0.0.1:PORT/?token=T`: opening it sets the cookie the WebSocket needs. */
  url: string
  port: number
  token: string
  /** Where the server listens (always 127.0.0.1). */
  address: AddressInfo
  close(): Promise<void>
}

export const IPC_PATH = '/ipc'
// users:import-* carries a CSV file of up to 10 MB (more once JSON-escaped).
export const MAX_FRAME_BYTES = 24 * 1024 * 1024
/** Calls one connection may have in flight before further ones are refused with LIMIT. */
export const MAX_PENDING_CALLS = 64
const CLOSE_GRACE_MS = 2000

interface Connection {
  ws: WebSocket
  /** Resolves to the core's connection id, or null when connect failed or the socket closed first. */
  ready: Promise<string | null>
  connectionId: string | null
  disconnected: boolean
  pending: number
}

export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const { core } = options
  const log = options.log ?? (() => {})
  const token = options.token ?? generateToken()
  assertUsableToken(token)
  const root = await resolveRendererDir(options.rendererDir)

  const connections = new Set<Connection>()
  const byConnectionId = new Map<string, Connection>()
  const disconnects = new Set<Promise<void>>()
  let port = 0
  let closing: Promise<void> | null = null

  const disconnectCore = (conn: Connection): void => {
    if (conn.disconnected || conn.connectionId === null) return
    conn.disconnected = true
    const id = conn.connectionId
    byConnectionId.delete(id)
    const done = core
      .disconnect(id)
      .catch((err: unknown) => log(`web host: disconnecting a core connection failed: ${errorText(err)}`))
      .finally(() => disconnects.delete(done))
    disconnects.add(done)
  }

  const send = (conn: Connection, frame: ReplyFrame | PushFrame): void => {
    if (conn.ws.readyState !== WebSocket.OPEN) return
    let text: string
    try {
      text = JSON.stringify(frame)
    } catch (err) {
      log(`web host: a frame could not be serialised: ${errorText(err)}`)
      if (!('id' in frame)) return
      text = JSON.stringify({ id: frame.id, result: fail('INTERNAL', 'The answer could not be sent.') })
    }
    conn.ws.send(text)
  }

  const onMessage = async (conn: Connection, data: RawData, isBinary: boolean): Promise<void> => {
    if (isBinary) {
      send(conn, { id: null, result: fail('VALIDATION', 'Frames must be JSON text, not binary.') })
      return
    }
    const decoded = decodeFrame(rawText(data))
    if (decoded.kind === 'reject') {
      send(conn, decoded.reply)
      return
    }
    if (conn.pending >= MAX_PENDING_CALLS) {
      send(conn, { id: decoded.id, result: fail('LIMIT', `At most ${MAX_PENDING_CALLS} calls may be in flight on one connection.`) })
      return
    }
    conn.pending++
    let result: Result<unknown>
    try {
      const connectionId = await conn.ready
      if (connectionId === null) return
      result = await core.call(connectionId, decoded.channel, decoded.input)
    } catch (err) {
      log(`web host: ${decoded.channel} failed in the core: ${errorText(err)}`)
      result = fail('INTERNAL', 'The call failed; see the server log.')
    } finally {
      conn.pending--
    }
    send(conn, { id: decoded.id, result })
  }

  const onConnection = (ws: WebSocket, req: IncomingMessage): void => {
    const conn: Connection = { ws, ready: Promise.resolve(null), connectionId: null, disconnected: false, pending: 0 }
    connections.add(conn)
    conn.ready = core
      .connect({ transport: 'web', ip: req.socket.remoteAddress ?? null, device: summarizeUserAgent(req.headers['user-agent']), callbackBase: originOf(port) })
      .then(
        (connectionId) => {
          conn.connectionId = connectionId
          if (ws.readyState === WebSocket.OPEN && closing === null) {
            byConnectionId.set(connectionId, conn)
            return connectionId
          }
          // The socket went away while the core was connecting.
          disconnectCore(conn)
          return null
        },
        (err: unknown) => {
          log(`web host: the core refused a connection: ${errorText(err)}`)
          ws.close(1011, 'The core is unavailable')
          return null
        }
      )
    ws.on('message', (data, isBinary) => {
      onMessage(conn, data, isBinary).catch((err: unknown) => log(`web host: a frame could not be handled: ${errorText(err)}`))
    })
    ws.on('error', (err) => log(`web host: WebSocket error: ${errorText(err)}`))
    ws.on('close', () => {
      connections.delete(conn)
      disconnectCore(conn)
    })
  }

  const unsubscribe = core.onEvent((event: CoreEvent) => {
    const conn = byConnectionId.get(event.connectionId)
    if (conn) send(conn, { event: event.event, payload: event.payload })
  })

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES, clientTracking: false, perMessageDeflate: false })

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    socket.on('error', () => socket.destroy())
    const refuse = (status: number, reason: string): void => {
      log(`web host: refused a WebSocket upgrade: ${reason}`)
      refuseUpgrade(socket, status, reason, port)
    }
    if (closing !== null) return refuse(503, 'The server is shutting down.')
    if (!isAllowedHost(req.headers.host, port)) return refuse(421, 'Wrong Host header.')
    if (splitUrl(req.url).path !== IPC_PATH) return refuse(404, `The WebSocket is at ${IPC_PATH}.`)
    if (!isAllowedOrigin(req.headers.origin, port)) return refuse(403, 'Foreign Origin.')
    if (!hasValidToken(req.headers, token)) return refuse(401, 'Missing or wrong token.')
    wss.handleUpgrade(req, socket, head, (ws) => onConnection(ws, req))
  }

  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    handleHttp(req, res, { root, core, port: () => port, token, closing: () => closing !== null }).catch((err: unknown) => {
      log(`web host: ${req.method ?? '?'} failed: ${errorText(err)}`)
      if (!res.headersSent) sendText(req, res, 500, 'Internal error.', port)
      else res.destroy()
    })
  }

  const server = createServer(onRequest)
  server.on('upgrade', onUpgrade)
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    // Loopback only: the console must never be reachable from another machine.
    server.listen({ host: '127.0.0.1', port: options.port ?? 0 }, () => {
      server.off('error', reject)
      resolve()
    })
  }).catch((err: unknown) => {
    unsubscribe()
    throw err
  })
  server.on('error', (err) => log(`web host: server error: ${errorText(err)}`))
  const address = server.address() as AddressInfo
  port = address.port

  const shutdown = async (): Promise<void> => {
    const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()))
    const socketsClosed = [...connections].map(
      (conn) =>
        new Promise<void>((resolve) => {
          if (conn.ws.readyState === WebSocket.CLOSED) return resolve()
          const timer = setTimeout(() => conn.ws.terminate(), CLOSE_GRACE_MS)
          conn.ws.once('close', () => {
            clearTimeout(timer)
            resolve()
          })
          conn.ws.close(1001, 'The server is shutting down')
        })
    )
    // Connections still being set up disconnect themselves once the core answers.
    await Promise.all([...connections].map((conn) => conn.ready))
    for (const conn of connections) disconnectCore(conn)
    await Promise.all(socketsClosed)
    server.closeAllConnections()
    await serverClosed
    await Promise.all([...disconnects])
    unsubscribe()
    wss.close()
  }

  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    address,
    close: () => {
      closing ??= shutdown()
      return closing
    }
  }
}

interface HttpContext {
  root: string
  core: CoreClient
  port: () => number
  token: string
  closing: () => boolean
}

async function handleHttp(req: IncomingMessage, res: ServerResponse, ctx: HttpContext): Promise<void> {
  const port = ctx.port()
  if (!isAllowedHost(req.headers.host, port)) {
    return sendText(req, res, 421, 'This server answers only to 127.0.0.1 and localhost on its own port.', port)
  }
  if (ctx.closing()) return sendText(req, res, 503, 'The server is shutting down.', port, { Connection: 'close' })
  const target = splitUrl(req.url)
  if (target.path === SSO_CALLBACK_PATH || target.path === SSO_SAML_ACS_PATH) return handleSsoAnswer(req, res, ctx, target.path)
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    return sendText(req, res, 405, 'Only GET and HEAD.', port, { Allow: 'GET, HEAD' })
  }
  const { path, query } = splitUrl(req.url)
  // Absolute-form targets ("GET http://x/ HTTP/1.1") are proxy requests; this is no proxy.
  if (!path.startsWith('/')) return sendText(req, res, 400, 'Bad request target.', port)

  const params = new URLSearchParams(query)
  if (params.has('token')) {
    if (!tokensMatch(ctx.token, params.get('token') ?? '')) {
      return sendText(req, res, 403, 'Wrong token. Open the URL that "gatehouse serve" printed.', port)
    }
    // The cookie carries the token from here on, so it leaves the address bar and history.
    return sendText(req, res, 303, 'See /', port, {
      Location: '/',
      'Set-Cookie': `${TOKEN_COOKIE}=${ctx.token}; HttpOnly; SameSite=Strict; Path=/`
    })
  }
  if (path === IPC_PATH) return sendText(req, res, 426, 'The WebSocket endpoint needs an Upgrade.', port, { Upgrade: 'websocket' })

  const found = await lookupStatic(ctx.root, path)
  if (found.kind === 'bad-path') return sendText(req, res, 400, 'Bad path.', port)
  if (found.kind === 'not-found') return sendText(req, res, 404, 'Not found.', port)

  res.writeHead(200, {
    ...securityHeaders(port),
    'Content-Type': found.contentType,
    'Content-Length': found.size,
    // index.html names the current build's hashed assets; never reuse a stale one.
    'Cache-Control': found.isIndex ? 'no-store' : 'no-cache'
  })
  if (req.method === 'HEAD') {
    res.end()
    return
  }
  await new Promise<void>((resolve, reject) => {
    const stream = createReadStream(found.path)
    stream.on('error', reject)
    res.on('close', () => {
      stream.destroy()
      resolve()
    })
    stream.pipe(res)
  })
}

function originOf(port: number): string {
  return `http://127.0.0.1:${port}`
}

/**
 * The web host's own single sign-on callback route: the provider sends the browser tab back here
 * (OIDC: a GET with code and state; SAML: the IdP's form POSTed to the ACS). No token cookie comes
 * with it (it arrives from the provider's site), so the core accepts it only for a flow waiting
 * under the random state or RelayState it carries, once. The tab is shown how the sign-in went.
 */
async function handleSsoAnswer(req: IncomingMessage, res: ServerResponse, ctx: HttpContext, path: string): Promise<void> {
  const port = ctx.port()
  const method = path === SSO_SAML_ACS_PATH ? 'POST' : 'GET'
  if (req.method !== method) return sendText(req, res, 405, `Single sign-on answers come to ${path} by ${method}.`, port, { Allow: method })
  let form: string | undefined
  if (method === 'POST') {
    const body = await readBody(req, MAX_ANSWER_BODY)
    if (body === null) return sendText(req, res, 413, 'The posted answer is larger than 1 MB: refused.', port, { Connection: 'close' })
    form = body
  }
  const connectionId = await ctx.core.connect({ transport: 'web', ip: req.socket.remoteAddress ?? null, device: summarizeUserAgent(req.headers['user-agent']), callbackBase: originOf(port) })
  let answer: { ok: boolean; message: string }
  try {
    const result = await ctx.core.call(connectionId, 'sso:provider-answer', { url: `${originOf(port)}${req.url ?? path}`, ...(form === undefined ? {} : { form }) })
    answer = result.ok ? (result.value as { ok: boolean; message: string }) : { ok: false, message: result.error.message }
  } finally {
    await ctx.core.disconnect(connectionId)
  }
  const body = answerPage(answer.ok, answer.message)
  res.writeHead(answer.ok ? 200 : 400, {
    ...securityHeaders(port),
    'Content-Security-Policy': ANSWER_PAGE_CSP,
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store'
  })
  res.end(body)
}

/** The request's body as text, or null once it passes `max` bytes (the rest is not read). */
function readBody(req: IncomingMessage, max: number): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    const onData = (chunk: Buffer): void => {
      size += chunk.length
      if (size <= max) return void chunks.push(chunk)
      // The refusal goes out with Connection: close; what is left of the body is never read.
      req.off('data', onData)
      resolve(null)
    }
    req.on('data', onData)
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

function sendText(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  message: string,
  port: number,
  extra: OutgoingHttpHeaders = {}
): void {
  const body = `${message}\n`
  res.writeHead(status, {
    ...securityHeaders(port),
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
    ...extra
  })
  res.end(req.method === 'HEAD' ? undefined : body)
}

/** Answers a refused upgrade as plain HTTP and drops the socket before any handshake. */
function refuseUpgrade(socket: Duplex, status: number, message: string, port: number): void {
  if (!socket.writable) {
    socket.destroy()
    return
  }
  const body = `${message}\n`
  const headers: Record<string, string | number> = {
    ...securityHeaders(port),
    Connection: 'close',
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store'
  }
  const head = Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('')
  socket.once('finish', () => socket.destroy())
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n${head}\r\n${body}`)
}

function splitUrl(url: string | undefined): { path: string; query: string } {
  const raw = url ?? '/'
  const q = raw.indexOf('?')
  return q < 0 ? { path: raw, query: '' } : { path: raw.slice(0, q), query: raw.slice(q + 1) }
}

async function resolveRendererDir(dir: string): Promise<string> {
  let real: string
  try {
    real = await realpath(dir)
  } catch {
    throw new Error(`The renderer build is missing at ${dir} (run "npx electron-vite build").`)
  }
  const index = await stat(join(real, 'index.html')).catch(() => null)
  if (!index?.isFile()) throw new Error(`The renderer build at ${dir} has no index.html (run "npx electron-vite build").`)
  return real
}

function rawText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8')
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8')
  return Buffer.from(data).toString('utf8')
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}
