import { realpath, stat } from 'node:fs/promises'
import { extname, isAbsolute, join, relative, sep } from 'node:path'

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.wasm': 'application/wasm'
}

export function contentTypeFor(file: string): string {
  return CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream'
}

export type StaticLookup =
  | { kind: 'file'; path: string; size: number; contentType: string; isIndex: boolean }
  | { kind: 'bad-path' }
  | { kind: 'not-found' }

/**
 * Maps a request path (still percent-encoded, without the query) to a file inside `root`.
 * Any `.`/`..` segment, backslash or NUL — raw or encoded — is refused outright rather than
 * normalised, and the resolved real path must still lie inside the real root (no symlink escape).
 */
export async function lookupStatic(realRoot: string, rawPath: string): Promise<StaticLookup> {
  let decoded: string
  try {
    decoded = decodeURIComponent(rawPath)
  } catch {
    return { kind: 'bad-path' }
  }
  if (!decoded.startsWith('/') || decoded.includes('\0') || decoded.includes('\\')) return { kind: 'bad-path' }
  const segments = decoded.split('/').slice(1)
  if (segments.some((s) => s === '.' || s === '..')) return { kind: 'bad-path' }

  const isIndex = decoded === '/' || decoded === '/index.html'
  const candidate = decoded === '/' ? join(realRoot, 'index.html') : join(realRoot, ...segments)
  let real: string
  try {
    real = await realpath(candidate)
  } catch {
    return { kind: 'not-found' }
  }
  const rel = relative(realRoot, real)
  if (rel === '' || rel.startsWith(`..${sep}`) || rel === '..' || isAbsolute(rel)) return { kind: 'not-found' }
  const info = await stat(real).catch(() => null)
  // Directories are never listed.
  if (!info || !info.isFile()) return { kind: 'not-found' }
  return { kind: 'file', path: real, size: info.size, contentType: contentTypeFor(real), isIndex }
}
