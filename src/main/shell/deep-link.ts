/**
 * `gatehouse://` links reach the app from the OS (argv on Windows and Linux, `open-url` on macOS),
 * that is, from anyone who can make the user click a link. Only the exact shapes below are
 * accepted; everything else is ignored rather than half-understood.
 */
export const DEEP_LINK_SCHEME = 'gatehouse'

/** An invitation link, or a password reset link an administrator issued. */
export type DeepLink = { kind: 'invite' | 'reset'; token: string }

const PREFIX = `${DEEP_LINK_SCHEME}://`
const MAX_LINK_LENGTH = 512
// Invitation and reset tokens are 256 random bits: 43 base64url characters, or 64 hex; nothing else fits.
// Matched on the raw string: `new URL` would quietly resolve "/../" or decode before we looked.
const LINK = /^(invite|reset)\/([A-Za-z0-9_-]{43,64})\/?$/

export function parseDeepLink(raw: unknown): DeepLink | null {
  if (typeof raw !== 'string' || raw.length > MAX_LINK_LENGTH) return null
  // Schemes are case-insensitive; the rest of the link is matched exactly.
  if (raw.slice(0, PREFIX.length).toLowerCase() !== PREFIX) return null
  const match = LINK.exec(raw.slice(PREFIX.length))
  return match?.[2] ? { kind: match[1] as DeepLink['kind'], token: match[2] } : null
}

/** The first `gatehouse://` argument of a command line, if it parses; Chromium adds its own flags around it. */
export function findDeepLink(argv: readonly string[]): DeepLink | null {
  for (const arg of argv) {
    if (arg.slice(0, PREFIX.length).toLowerCase() === PREFIX) return parseDeepLink(arg)
  }
  return null
}
