import { useCallback, useState } from 'react'
import type { ContractError } from '../../../shared/contract'
import { t } from '../i18n/i18n'

export type FieldErrors<F extends string> = Partial<Record<F, string>>

/** One field's problem as a VALIDATION envelope carries it (src/shared/contract/validate.ts). */
export interface FieldProblem {
  path: string
  label: string
  message: string
}

function isProblem(value: unknown): value is { path: string; message: string; label?: unknown } {
  if (typeof value !== 'object' || value === null) return false
  const v = value as Record<string, unknown>
  return typeof v.path === 'string' && typeof v.message === 'string'
}

/**
 * The problems of a VALIDATION envelope: `details.fields` (labelled, from the contract gate), or
 * `details.issues` (a rule the core checks itself, e.g. the password policy).
 */
export function problemsOf(error: ContractError): FieldProblem[] {
  if (error.code !== 'VALIDATION' || typeof error.details !== 'object' || error.details === null) return []
  const details = error.details as { fields?: unknown; issues?: unknown }
  const list = Array.isArray(details.fields) ? details.fields : Array.isArray(details.issues) ? details.issues : []
  return list.filter(isProblem).map((p) => ({ path: p.path, message: p.message, label: typeof p.label === 'string' ? p.label : '' }))
}

/** "Must be …" reads on after a label as "must be …" (a leading "CSV" keeps its capitals), as in the core's summary. */
function lowerFirst(text: string): string {
  return /^[A-Z](?![A-Z])/.test(text) ? text.charAt(0).toLowerCase() + text.slice(1) : text
}

/** The form field a problem belongs to: its whole path, its last part ("smtp.host" → host), or its first. */
function fieldOf<F extends string>(path: string, fields: readonly F[], aliases: Partial<Record<string, F>>): F | null {
  const parts = path.split('.')
  for (const candidate of [path, parts[parts.length - 1] ?? '', parts[0] ?? '']) {
    const field = (aliases[candidate] ?? candidate) as F
    if (candidate !== '' && fields.includes(field)) return field
  }
  return null
}

export interface FormErrorState<F extends string> {
  /** Each field's message, shown beside it. */
  fields: FieldErrors<F>
  /** What no field of the form shows (another kind of refusal, or a field this form does not have); null when nothing is left. */
  banner: string | null
  /** The banner's cause is not in the input (locked, forbidden, the connection): editing leaves it, the next call decides. */
  sticky?: boolean
}

/** Refusals that editing the form cannot fix. */
const STICKY: ReadonlySet<ContractError['code']> = new Set(['LOCKED', 'FORBIDDEN', 'INTERNAL'])

/**
 * Splits a refusal between the form's fields and its banner. Every problem of a VALIDATION goes
 * beside its field; a problem the form has no field for goes to the banner with its label. A rule
 * the core checks itself keeps its own sentence in the banner too (it may say more, e.g. how many
 * attempts are left).
 */
export function formErrors<F extends string>(error: ContractError, fields: readonly F[], aliases: Partial<Record<string, F>> = {}): FormErrorState<F> {
  const out: FieldErrors<F> = {}
  const problems = problemsOf(error)
  if (problems.length === 0) return { fields: out, banner: error.message, sticky: STICKY.has(error.code) }
  const unplaced: string[] = []
  for (const problem of problems) {
    const field = fieldOf(problem.path, fields, aliases)
    if (field === null) unplaced.push(problem.label ? `${problem.label}: ${lowerFirst(problem.message)}` : problem.message)
    else out[field] = out[field] ? `${out[field]}; ${problem.message}` : problem.message
  }
  const labelled = typeof error.details === 'object' && error.details !== null && Array.isArray((error.details as { fields?: unknown }).fields)
  // A rule the core checks itself: its sentence in the banner too, unless a field already shows it word for word.
  if (!labelled) return { fields: out, banner: Object.values(out).includes(error.message) ? (unplaced.length ? unplaced.join('. ') : null) : error.message }
  return { fields: out, banner: unplaced.length ? unplaced.join('. ') : null }
}

/** Maps a VALIDATION envelope's problems onto a form's fields (see `formErrors`). */
export function fieldErrors<F extends string>(error: ContractError, fields: readonly F[], aliases: Partial<Record<string, F>> = {}): FieldErrors<F> {
  return formErrors(error, fields, aliases).fields
}

export interface FormErrors<F extends string> extends FormErrorState<F> {
  /** Show a refusal: beside the fields, the rest in the banner. Returns how many fields it marked. */
  refuse(error: ContractError): number
  /** Show the form's own checks (passwords that differ, …), with or without a banner. */
  set(fields: FieldErrors<F>, banner?: string | null): void
  /** The person changed `field` (or any input): its message and the banner go, the other fields' stay. */
  edited(field?: F): void
  /** A call succeeded: nothing is wrong any more. */
  clear(): void
}

export interface FormErrorOptions<F extends string> {
  /** Rules that name a field generically (the password policy says "password"). */
  aliases?: Partial<Record<string, F>>
  /** A long form: when several fields are refused, the banner says how many ("Check the 3 highlighted fields."). */
  summary?: boolean
}

/**
 * A form's error state: messages beside fields and one banner, which clear when their cause is
 * fixed (the input changes, or the next call succeeds).
 */
export function useFormErrors<F extends string>(fields: readonly F[], options: FormErrorOptions<F> = {}): FormErrors<F> {
  const { aliases = {}, summary = false } = options
  const [state, setState] = useState<FormErrorState<F>>({ fields: {}, banner: null })
  function refuse(error: ContractError): number {
    const next = formErrors(error, fields, aliases)
    const marked = Object.keys(next.fields).length
    setState(summary && next.banner === null && marked > 1 ? { ...next, banner: t('form.checkFields', { count: marked }) } : next)
    return marked
  }
  const set = useCallback((next: FieldErrors<F>, banner: string | null = null) => setState({ fields: next, banner }), [])
  const edited = useCallback((field?: F) => {
    setState((current) => {
      const banner = current.sticky ? current.banner : null
      if (banner === current.banner && (field === undefined || current.fields[field] === undefined)) return current
      const rest = { ...current.fields }
      if (field !== undefined) delete rest[field]
      return { fields: rest, banner, sticky: current.sticky }
    })
  }, [])
  const clear = useCallback(() => setState((current) => (current.banner === null && Object.keys(current.fields).length === 0 ? current : { fields: {}, banner: null })), [])
  return { ...state, refuse, set, edited, clear }
}
