import type { ContractError } from '../../../shared/contract'

export type FieldErrors<F extends string> = Partial<Record<F, string>>

interface Issue {
  path: string
  message: string
}

function issuesOf(details: unknown): Issue[] {
  if (typeof details !== 'object' || details === null) return []
  const issues = (details as { issues?: unknown }).issues
  if (!Array.isArray(issues)) return []
  return issues.filter(
    (i): i is Issue => typeof i === 'object' && i !== null && typeof i.path === 'string' && typeof i.message === 'string'
  )
}

/**
 * Maps a VALIDATION envelope's `details.issues` onto a form's fields (first message per field).
 * `aliases` covers rules that name a field generically (the password policy says "password").
 */
export function fieldErrors<F extends string>(
  error: ContractError,
  fields: readonly F[],
  aliases: Partial<Record<string, F>> = {}
): FieldErrors<F> {
  const out: FieldErrors<F> = {}
  if (error.code !== 'VALIDATION') return out
  for (const issue of issuesOf(error.details)) {
    const head = issue.path.split('.')[0] ?? ''
    const field = (aliases[head] ?? head) as F
    if (fields.includes(field) && out[field] === undefined) out[field] = issue.message
  }
  return out
}
