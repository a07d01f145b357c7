import { protocol } from 'electron'
import { readFile, realpath } from 'node:fs/promises'
import { lookupStatic } from '../web-host/static-files'

/**
 * The renderer is served from `app://gatehouse/`, not `file://`: a real origin the IPC sender
 * check can pin, no access to the rest of the disk through relative URLs, and a CSP sent as a
 * response header (which, unlike the page's meta tag, also covers frame-ancestors).
 */
export const APP_SCHEME = 'app'
export const APP_HOST = 'gatehouse'
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`

/** Stricter than the page's meta CSP (which also allows the web host's WebSocket): Electron talks over IPC only. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'"
].join('; ')

const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin'
}

/** True only for `app://gatehouse/...` with no credentials or port (Chromium lower-cases the host of a standard scheme). */
export function isAppUrl(raw: string): boolean {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return false
  }
  return url.protocol === `${APP_SCHEME}:` && url.host.toLowerCase() === APP_HOST && !url.username && !url.password
}

/** Must run before `app` is ready: privileges cannot be granted to a scheme later. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    {
      scheme: APP_SCHEME,
      // standard: a real origin and relative URLs; secure: a secure context like https;
      // corsEnabled + supportFetchAPI: Vite's `<script type="module" crossorigin>` loads.
      privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true }
    }
  ])
}

function textResponse(status: number, message: string): Response {
  return new Response(`${message}\n`, {
    status,
    headers: { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' }
  })
}

/**
 * Answers one `app://` request from the renderer build in `realRoot` (already a real path).
 * Path checks are the web host's (`lookupStatic`): `..`, encoded or not, backslashes, NUL and
 * symlinks out of the root are refused, so the two hosts cannot drift apart.
 */
export async function serveAppRequest(request: Request, realRoot: string): Promise<Response> {
  if (request.method !== 'GET' && request.method !== 'HEAD') return textResponse(405, 'Only GET and HEAD.')
  // Parse the raw string ourselves: `new URL` would quietly resolve "/../" before we saw it.
  const match = /^app:\/\/([^/?#]*)(\/[^?#]*)?/i.exec(request.url)
  if (!match || match[1]?.toLowerCase() !== APP_HOST) return textResponse(404, 'Not found.')
  const found = await lookupStatic(realRoot, match[2] ?? '/')
  if (found.kind === 'bad-path') return textResponse(400, 'Bad path.')
  if (found.kind === 'not-found') return textResponse(404, 'Not found.')
  const body = request.method === 'HEAD' ? null : await readFile(found.path)
  return new Response(body, {
    status: 200,
    headers: {
      ...SECURITY_HEADERS,
      'Content-Type': found.contentType,
      // index.html names the current build's hashed assets; never reuse a stale one.
      'Cache-Control': found.isIndex ? 'no-store' : 'no-cache'
    }
  })
}

/** After `app` is ready: serve `rendererDir` (out/renderer) on the privileged scheme. */
export async function registerAppProtocol(rendererDir: string): Promise<void> {
  const realRoot = await realpath(rendererDir)
  protocol.handle(APP_SCHEME, (request) => serveAppRequest(request, realRoot))
}
