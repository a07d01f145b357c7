import type { z } from 'zod'
import { fail, type ContractError, type Result } from './result'
import { fieldLabel } from './labels'
import { channels, isChannelName, type ChannelName, type ParsedInputOf } from './index'

/** One field's problem as a VALIDATION envelope carries it: `details: { fields: FieldProblem[] }`. */
export interface FieldProblem {
  /** The field's dotted path without list positions ("email", "smtp.host", "emails"); "" for the input as a whole. */
  path: string
  /** The field in words ("Email address"), from src/shared/contract/labels.ts. */
  label: string
  /** What is wrong, in words, one sentence without a final stop ("Enter a valid email address"). */
  message: string
}

export interface ValidationDetails {
  fields: FieldProblem[]
}

/** A problem as the core finds it (a rule it checks itself), before it is labelled. */
export interface RawProblem {
  path: string
  message: string
}

const MAX_FIELDS = 50
const MAX_MESSAGE = 1_000
const MAX_QUOTED = 60
const MAX_LISTED = 10

// Clipped: an error must not echo a caller's 10,000-character key back at full length.
function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text
}

function quote(value: string): string {
  return `“${clip(value, MAX_QUOTED)}”`
}

function count(n: number): string {
  return n.toLocaleString('en-US')
}

function lowerFirst(text: string): string {
  // "CSV file …" keeps its capitals; "Enter a name" reads on after a label as "enter a name".
  return /^[A-Z](?![A-Z])/.test(text) ? text[0]!.toLowerCase() + text.slice(1) : text
}

/** "a", "a and b", "a, b and c", "a, b, … and 3 more" (or "or"). */
function listOf(items: string[], conjunction: 'and' | 'or' = 'and'): string {
  const shown = items.slice(0, MAX_LISTED)
  const rest = items.length - shown.length
  if (rest > 0) return `${shown.join(', ')} ${conjunction} ${count(rest)} more`
  if (shown.length <= 1) return shown.join('')
  return `${shown.slice(0, -1).join(', ')} ${conjunction} ${shown[shown.length - 1]}`
}

function showValue(value: unknown): string {
  return typeof value === 'string' ? quote(value) : String(value)
}

/**
 * Plain words for zod's own checks (type, bounds, formats, options, unknown keys). A message written
 * on the schema ("Enter a valid email address") takes precedence over this map.
 */
function plainWords(issue: z.core.$ZodRawIssue): string {
  switch (issue.code) {
    case 'invalid_type': {
      if (issue.input === undefined) return 'Required'
      const expected: Record<string, string> = {
        string: 'Must be text',
        number: 'Must be a number',
        int: 'Must be a whole number',
        boolean: 'Must be yes or no',
        array: 'Must be a list'
      }
      return expected[issue.expected] ?? 'Is not in the expected form'
    }
    case 'too_small': {
      const n = Number(issue.minimum)
      if (issue.origin === 'string') return n <= 1 ? 'Must not be empty' : `Must have at least ${count(n)} characters`
      if (issue.origin === 'array' || issue.origin === 'set') return n <= 1 ? 'Choose at least one' : `Must have at least ${count(n)} entries`
      if (issue.origin === 'number') return issue.inclusive ? `Must be at least ${count(n)}` : `Must be more than ${count(n)}`
      return 'Is too small'
    }
    case 'too_big': {
      const n = Number(issue.maximum)
      if (issue.origin === 'string') return `Must have at most ${count(n)} character${n === 1 ? '' : 's'}`
      if (issue.origin === 'array' || issue.origin === 'set') return `Must have at most ${count(n)} entr${n === 1 ? 'y' : 'ies'}`
      if (issue.origin === 'number') return issue.inclusive ? `Must be at most ${count(n)}` : `Must be less than ${count(n)}`
      return 'Is too large'
    }
    case 'invalid_format':
      return issue.format === 'email' ? 'Enter a valid email address' : 'Is not in the expected form'
    case 'invalid_value': {
      const values = issue.values.map(showValue)
      return values.length === 1 ? `Must be ${values[0]}` : `Must be ${listOf(values, 'or')}`
    }
    case 'unrecognized_keys':
      return `Has ${issue.keys.length === 1 ? 'an unknown field' : 'unknown fields'} ${listOf(issue.keys.map(quote))}`
    case 'not_multiple_of':
      return `Must be a multiple of ${count(Number(issue.divisor))}`
    default:
      return issue.code === 'custom' ? 'Is not valid' : 'Is not in the expected form'
  }
}

/**
 * Label the problems one entry per field (every field at once) and write the one-line summary:
 * "Email address: enter a valid email address. Password: required". Used by `parseCall` and by
 * core rules that refuse a field themselves, so every VALIDATION reads the same way.
 */
export function describeProblems(channel: string, problems: readonly RawProblem[]): { message: string; details: ValidationDetails } {
  const byField = new Map<string, string[]>()
  for (const problem of problems) {
    const path = clip(problem.path, 200)
    const messages = byField.get(path) ?? []
    if (!messages.includes(problem.message)) messages.push(problem.message)
    byField.set(path, messages)
    if (byField.size > MAX_FIELDS) break
  }
  const fields = [...byField].map(([path, messages]) => ({
    path,
    label: fieldLabel(channel, path),
    message: clip(messages.slice(0, 3).map((m, i) => (i === 0 ? m : lowerFirst(m))).join('; '), 400)
  }))
  const summary = fields.map((f) => `${f.label}: ${lowerFirst(f.message)}`).join('. ')
  return { message: clip(summary || 'The input is not valid', MAX_MESSAGE), details: { fields } }
}

/** A VALIDATION envelope for problems the core found itself, worded like the gate's. */
export function validationFailure(channel: string, problems: readonly RawProblem[]): { ok: false; error: ContractError } {
  const { message, details } = describeProblems(channel, problems)
  return fail('VALIDATION', message, details)
}

type Segment = PropertyKey

function valueAt(input: unknown, path: readonly Segment[]): unknown {
  let at: unknown = input
  for (const key of path) {
    if (typeof at !== 'object' || at === null) return undefined
    at = (at as Record<PropertyKey, unknown>)[key]
  }
  return at
}

/**
 * zod issues → one problem per issue, on the field's path without list positions. A problem with
 * entries of a list (the invite dialog's addresses) names the entries: "“olivia@” and “bob” are
 * not valid — enter a valid email address".
 */
function problemsOf(input: unknown, issues: readonly z.core.$ZodIssue[]): RawProblem[] {
  const out: RawProblem[] = []
  // Entries of one list with the same message are told together.
  const entries = new Map<string, { path: string; message: string; names: string[] }>()
  for (const issue of issues) {
    const segments = issue.path.filter((s) => typeof s === 'string')
    const path = segments.join('.')
    const index = issue.path.findIndex((s) => typeof s === 'number')
    if (index === -1) {
      out.push({ path, message: issue.message })
      continue
    }
    const position = issue.path[index] as number
    const value = valueAt(input, issue.path.slice(0, index + 1))
    const name = typeof value === 'string' ? quote(value.trim()) : `Entry ${count(position + 1)}`
    const key = `${path}\u0000${issue.message}`
    const group = entries.get(key) ?? { path, message: issue.message, names: [] }
    if (!group.names.includes(name)) group.names.push(name)
    entries.set(key, group)
  }
  for (const { path, message, names } of entries.values()) {
    out.push({ path, message: `${listOf(names)} ${names.length === 1 ? 'is' : 'are'} not valid — ${lowerFirst(message)}` })
  }
  return out
}

/**
 * The gate every transport runs before the core sees a call: the channel must be listed and the
 * input must satisfy its schema. Pure zod, so main, web host and tests share it. An invalid input
 * is a VALIDATION envelope naming every field in words, never the channel or a zod path.
 */
export function parseCall(
  channelName: unknown,
  input: unknown
): Result<{ channel: ChannelName; input: ParsedInputOf<ChannelName> }> {
  if (!isChannelName(channelName)) {
    return fail('VALIDATION', `Unknown channel: ${String(channelName).slice(0, 80)}`)
  }
  const parsed = channels[channelName].input.safeParse(input, { error: plainWords })
  if (!parsed.success) return validationFailure(channelName, problemsOf(input, parsed.error.issues))
  return { ok: true, value: { channel: channelName, input: parsed.data as ParsedInputOf<ChannelName> } }
}
