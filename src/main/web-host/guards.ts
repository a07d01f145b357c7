import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import type { IncomingHttpHeaders } from 'node:http'

/** The cookie the page gets after loading with `?token=T`; the WebSocket handshake presents it. */
export const TOKEN_COOKIE = 'gatehouse_token'

// Cookie-safe and URL-safe, so the token never needs escaping in a cookie or the printed URL.
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{16,256}$/

export function generateToken(): string {
  return randomBytes(32).toString('base64url')
}

export function assertUsableToken(token: string): void {
  if (!TOKEN_PATTERN.test(token)) {
    throw new Error('The web host token must be 16 to 256 characters of A-Z, a-z, 0-9, "-" or "_".')
  }
}

/** Hashing first makes the comparison constant-time even when the lengths differ. */
export function tokensMatch(expected: string, presented: string): boolean {
  const a = createHash('sha256').update(expected).digest()
  const b = createHash('sha256').update(presented).digest()
  return timingSafeEqual(a, b)
}

/**
 * DNS-rebinding defence: a page on evil.example that resolves to 127.0.0.1 still sends
 * `Host: evil.example:PORT`, so only the two loopback names with our exact port are served.
 */
export function isAllowedHost(host: string | undefined, port: number): boolean {
  if (!host) return false
  const h = host.toLowerCase()
  return h === `127.0.0.1:${port}` || h === `localhost:${port}`
}

/** Browsers always send Origin on a WebSocket handshake; a page elsewhere must not reach /ipc. */
export function isAllowedOrigin(origin: string | undefined, port: number): boolean {
  if (origin === undefined) return true
  return origin === `http://127.0.0.1:${port}` || origin === `http://localhost:${port}`
}

export function bearerToken(headers: IncomingHttpHeaders): string | null {
  const value = headers.authorization
  if (!value) return null
  const match = /^Bearer\s+(\S+)\s*$/i.exec(value)
  return match?.[1] ?? null
}

/** Every value of the token cookie (another loopback server could have set one of the same name). */
export function cookieTokens(headers: IncomingHttpHeaders): string[] {
  const header = headers.cookie
  if (!header) return []
  const found: string[] = []
  for (const part of header.split(';')) {
    const eq = part.indexOf('=')
    if (eq < 0) continue
    if (part.slice(0, eq).trim() !== TOKEN_COOKIE) continue
    found.push(part.slice(eq + 1).trim())
  }
  return found
}

/** The token from `Authorization: Bearer` (scripts) or the cookie (the page), checked in constant time. */
export function hasValidToken(headers: IncomingHttpHeaders, token: string): boolean {
  const candidates = [bearerToken(headers), ...cookieTokens(headers)].filter((t): t is string => t !== null)
  // Check every candidate so timing does not reveal which one matched.
  let ok = false
  for (const candidate of candidates) ok = tokensMatch(token, candidate) || ok
  return ok
}

export function contentSecurityPolicy(port: number): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    // React sets styles through the CSSOM, which style-src does not govern; the build emits CSS files.
    "style-src 'self'",
    `connect-src 'self' ws://127.0.0.1:${port} ws://localhost:${port}`,
    "img-src 'self' data:",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'"
  ].join('; ')
}

/** Sent on every response, errors included. */
export function securityHeaders(port: number): Record<string, string> {
  return {
    'Content-Security-Policy': contentSecurityPolicy(port),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin'
  }
}
