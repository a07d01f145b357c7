import { z } from 'zod'

export const email = z
  .string()
  .trim()
  .max(254, 'An email address has at most 254 characters')
  .pipe(z.email({ message: 'Enter a valid email address' }))

/** Control characters a name may not hold (line breaks and tabs may: a quoted CSV cell can span lines). */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
export const NAME_CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/

export const personName = z
  .string()
  .trim()
  .min(1, 'Enter a name')
  .max(120, 'A name has at most 120 characters')
  .refine((name) => !NAME_CONTROL.test(name), 'A name cannot contain control characters (line breaks and tabs are allowed)')

export const password = z.string().min(1, 'Enter a password').max(1024, 'A password has at most 1024 characters')

export const id = z.string().min(1).max(64)

export const pageLimit = z.number().int().min(1).max(500).default(100)

export const isoTime = z.string()

/**
 * The token of a one-time link (an invitation, a password reset): the 43 base64url characters of
 * 256 random bits, or the whole `<prefix><token>` link pasted as is (a trailing slash forgiven).
 */
export function linkToken(prefix: string, refusal: string) {
  return z
    .string()
    .trim()
    .max(200)
    .transform((value) => (value.startsWith(prefix) ? value.slice(prefix.length) : value).replace(/\/+$/, ''))
    .pipe(z.string().regex(/^[A-Za-z0-9_-]{43}$/, refusal))
}
