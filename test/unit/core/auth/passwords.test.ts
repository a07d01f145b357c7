import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AppError } from '../../../../src/shared/contract/result'
import { checkPasswordPolicy, hashPassword, MIN_PASSWORD_LENGTH, useTestPasswordCost, verifyPassword } from '../../../../src/main/core/auth/passwords'

function policyError(password: string, email: string): AppError | null {
  try {
    checkPasswordPolicy(password, email)
    return null
  } catch (error) {
    expect(error).toBeInstanceOf(AppError)
    return error as AppError
  }
}

describe('password policy', () => {
  it('wants at least 12 characters', () => {
    expect(MIN_PASSWORD_LENGTH).toBe(12)
    const error = policyError('short-pass1', 'a@example.com')
    expect(error?.code).toBe('VALIDATION')
    expect(error?.details).toEqual({ issues: [{ path: 'password', message: 'At least 12 characters' }] })
    expect(policyError('long-enough!', 'a@example.com')).toBeNull()
  })

  it('refuses the email address itself, in any case, and its local part', () => {
    expect(policyError('jane.doe@example.com', 'jane.doe@example.com')?.message).toMatch(/not be your email/)
    expect(policyError('Jane.Doe@Example.COM', 'jane.doe@example.com')?.code).toBe('VALIDATION')
    expect(policyError('administrator01', 'administrator01@example.com')?.code).toBe('VALIDATION')
  })

  it('refuses common passwords whatever their case', () => {
    for (const common of ['password1234', 'Password1234', 'qwertyuiop12', '123456789012', 'PASSWORDPASSWORD']) {
      expect(policyError(common, 'a@example.com')?.message, common).toMatch(/commonly used/)
    }
    expect(policyError('violet-harbour-lantern-42', 'a@example.com')).toBeNull()
  })
})

describe('password hashing', () => {
  // The real cost here (the rest of the suite hashes cheaply: test/support/cheap-passwords.ts).
  beforeAll(() => useTestPasswordCost(false))
  afterAll(() => useTestPasswordCost(true))

  it('stores scrypt parameters with a random salt, never the password', async () => {
    const [a, b] = await Promise.all([hashPassword('violet-harbour-lantern-42'), hashPassword('violet-harbour-lantern-42')])
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}$/)
    expect(a).not.toBe(b)
    expect(a).not.toContain('violet')
  })

  it('verifies the right password only', async () => {
    const stored = await hashPassword('violet-harbour-lantern-42')
    expect(await verifyPassword('violet-harbour-lantern-42', stored)).toBe(true)
    expect(await verifyPassword('violet-harbour-lantern-43', stored)).toBe(false)
    expect(await verifyPassword('', stored)).toBe(false)
  })

  it('fails closed for a person without a password and for a malformed hash', async () => {
    expect(await verifyPassword('gatehouse-dummy-password', null)).toBe(false)
    expect(await verifyPassword('anything', 'bcrypt$2b$10$abc')).toBe(false)
    expect(await verifyPassword('anything', '')).toBe(false)
  })
})
