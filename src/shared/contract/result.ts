/** Stable error codes that cross every process boundary (DESIGN.md "One contract"). */
export const ERROR_CODES = [
  'VALIDATION',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'LOCKED',
  'LIMIT',
  'INTERNAL'
] as const

export type ErrorCode = (typeof ERROR_CODES)[number]

export interface ContractError {
  code: ErrorCode
  message: string
  details?: unknown
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: ContractError }

export function ok<T>(value: T): Result<T> {
  return { ok: true, value }
}

export function fail(code: ErrorCode, message: string, details?: unknown): { ok: false; error: ContractError } {
  return details === undefined ? { ok: false, error: { code, message } } : { ok: false, error: { code, message, details } }
}

/** Thrown inside the core; turned into a `{ ok: false }` envelope at the dispatch boundary. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown
  ) {
    super(message)
    this.name = 'AppError'
  }
}
