import { request, type IncomingHttpHeaders } from 'node:http'
import { WebSocket } from 'ws'

/** Plain HTTP helpers and a small JSON-frame WebSocket client for the web host tests. */

export interface HttpAnswer {
  status: number
  headers: IncomingHttpHeaders
  body: string
}

/** Sends `path` byte for byte (no URL normalisation), with any Host header we like. */
export function httpGet(port: number, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }))
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end()
  })
}

/**
 * A raw WebSocket handshake: resolves with the HTTP status the server answered (101 when it
 * upgraded, in which case the socket is dropped at once).
 */
export function tryUpgrade(port: number, headers: Record<string, string>, path = '/ipc'): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = request({
      host: '127.0.0.1',
      port,
      path,
      agent: false,
      headers: {
        Connection: 'Upgrade',
        Upgrade: 'websocket',
        'Sec-WebSocket-Version': '13',
        'Sec-WebSocket-Key': Buffer.from('0123456789abcdef').toString('base64'),
        ...headers
      }
    })
    req.on('upgrade', (res, socket) => {
      socket.destroy()
      resolve({ status: res.statusCode ?? 0, headers: res.headers, body: '' })
    })
    req.on('response', (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }))
    })
    req.on('error', reject)
    req.end()
  })
}

export interface Reply {
  id: number | string | null
  result: { ok: true; value: unknown } | { ok: false; error: { code: string; message: string; details?: unknown } }
}

export interface Push {
  event: string
  payload: unknown
}

export interface OpenOptions {
  cookie?: string
  bearer?: string
  origin?: string
  userAgent?: string
}

/** A connected client: `call` sends a request and waits for the reply with the same id. */
export class IpcClient {
  readonly replies: Reply[] = []
  readonly pushes: Push[] = []
  private nextId = 1
  private readonly waiting = new Map<number | string | null, Array<(reply: Reply) => void>>()
  private readonly pushWaiters: Array<{ event: string; resolve: (push: Push) => void }> = []
  readonly closed: Promise<{ code: number; reason: string }>

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const frame = JSON.parse(String(data)) as Reply | Push
      if ('event' in frame) {
        this.pushes.push(frame)
        const i = this.pushWaiters.findIndex((w) => w.event === frame.event)
        if (i >= 0) this.pushWaiters.splice(i, 1)[0]?.resolve(frame)
        return
      }
      this.replies.push(frame)
      const queue = this.waiting.get(frame.id)
      const next = queue?.shift()
      if (next) next(frame)
    })
    this.closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: String(reason) })))
  }

  static open(port: number, options: OpenOptions = {}, host = '127.0.0.1'): Promise<IpcClient> {
    const headers: Record<string, string> = {}
    if (options.cookie) headers.Cookie = options.cookie
    if (options.bearer) headers.Authorization = `Bearer ${options.bearer}`
    if (options.userAgent) headers['User-Agent'] = options.userAgent
    const ws = new WebSocket(`ws://${host}:${port}/ipc`, { headers, origin: options.origin })
    const client = new IpcClient(ws)
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(client))
      ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)))
      ws.once('error', reject)
    })
  }

  /** The reply to the next frame answered with `id` (also `null` for unmatched frames). */
  replyTo(id: number | string | null): Promise<Reply> {
    return new Promise((resolve) => {
      const queue = this.waiting.get(id) ?? []
      queue.push(resolve)
      this.waiting.set(id, queue)
    })
  }

  nextPush(event: string): Promise<Push> {
    const seen = this.pushes.find((p) => p.event === event)
    if (seen) return Promise.resolve(seen)
    return new Promise((resolve) => this.pushWaiters.push({ event, resolve }))
  }

  send(text: string): void {
    this.ws.send(text)
  }

  async call(channel: string, input?: unknown): Promise<Reply['result']> {
    const id = this.nextId++
    const reply = this.replyTo(id)
    this.ws.send(JSON.stringify({ id, channel, input }))
    return (await reply).result
  }

  async close(): Promise<void> {
    if (this.ws.readyState !== WebSocket.CLOSED) this.ws.close(1000)
    await this.closed
  }
}
