import { z } from 'zod'

export const email = z
  .string()
  .trim()
  .max(254, 'An email address has at most 254 characters')
  .pipe(z.email({ message: 'Enter a valid email address' }))

export const personName = z
  .string()
  .trim()
  .min(1, 'Enter a name')
  .max(120, 'A name has at most 120 characters')

export const password = z.string().min(1, 'Enter a password').max(1024, 'A password has at most 1024 characters')

export const id = z.string().min(1).max(64)

export const pageLimit = z.number().int().min(1).max(500).default(100)

export const isoTime = z.string()
