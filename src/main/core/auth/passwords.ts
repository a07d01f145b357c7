import { dictionary } from '@zxcvbn-ts/language-common'
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto'
import { AppError } from '../../../shared/contract/result'

/** The cost of a new hash: about 170 ms of one core on this 2-core machine. */
const PARAMS = { N: 2 ** 15, r: 8, p: 1 }
/** What the vitest suite hashes with (test/support/cheap-passwords.ts): 2.4 ms instead of 170. */
const TEST_PARAMS = { N: 2 ** 10, r: 8, p: 1 }
let cost = PARAMS

/**
 * For the unit and integration tests only, from a vitest setup file: new hashes at N = 2^10, so the
 * suite's thousands of sign-ins and new members do not spend minutes in scrypt. A hash carries its
 * own parameters, so checking one is the same code either way. The app, the CLI and the e2e suite
 * (a real `gatehouse serve`) never call it.
 */
export function useTestPasswordCost(cheap: boolean): void {
  cost = cheap ? TEST_PARAMS : PARAMS
}
const KEY_LENGTH = 32
export const MIN_PASSWORD_LENGTH = 12

function scryptAsync(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, { ...options, maxmem: 128 * 1024 * 1024 }, (error, key) =>
      error ? reject(error) : resolve(key)
    )
  )
}

/** `scrypt$N$r$p$salt$hash`, base64 fields: the parameters travel with the hash so they can be raised later. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16)
  const params = cost
  const hash = await scryptAsync(password, salt, params)
  return `scrypt$${params.N}$${params.r}$${params.p}$${salt.toString('base64')}$${hash.toString('base64')}`
}

// Compared against when the email is unknown, so a miss costs the same time as a wrong password.
let dummyHash: Promise<string> | null = null

export async function verifyPassword(password: string, stored: string | null): Promise<boolean> {
  const encoded = stored ?? (await (dummyHash ??= hashPassword('gatehouse-dummy-password')))
  const parts = encoded.split('$')
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false
  const [, n, r, p, salt, hash] = parts as [string, string, string, string, string, string]
  const expected = Buffer.from(hash, 'base64')
  const actual = await scryptAsync(password, Buffer.from(salt, 'base64'), { N: Number(n), r: Number(r), p: Number(p) })
  return timingSafeEqual(actual, expected) && stored !== null
}

let common: Set<string> | null = null

/** The password rules of SPEC.md: at least 12 characters, not the email, not a common password. */
export function checkPasswordPolicy(password: string, email: string): void {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new AppError('VALIDATION', `The password must have at least ${MIN_PASSWORD_LENGTH} characters.`, {
      issues: [{ path: 'password', message: `At least ${MIN_PASSWORD_LENGTH} characters` }]
    })
  }
  const lower = password.toLowerCase()
  const mail = email.trim().toLowerCase()
  if (lower === mail || lower === mail.split('@')[0]) {
    throw new AppError('VALIDATION', 'The password must not be your email address.', {
      issues: [{ path: 'password', message: 'Must not be your email address' }]
    })
  }
  common ??= new Set(dictionary['passwords-common'].map((p) => p.toLowerCase()))
  if (common.has(lower)) {
    throw new AppError('VALIDATION', 'This password is on a list of commonly used passwords; choose another.', {
      issues: [{ path: 'password', message: 'Too common' }]
    })
  }
}
