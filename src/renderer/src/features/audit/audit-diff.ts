/** A field of an event's values that differs between before and after, at its dotted path. */
export interface FieldChange {
  path: string
  kind: 'changed' | 'added' | 'removed'
  before?: unknown
  after?: unknown
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * Leaves of a value by dotted path (`smtp.host`, `members[2].email`). A list of plain values stays
 * one field (["Sales", "Support"]); a list of objects is taken item by item. A value that is not an
 * object at the top is the field "value".
 */
function leaves(value: unknown, path: string, out: Map<string, unknown>): void {
  if (isRecord(value)) {
    const keys = Object.keys(value)
    if (keys.length === 0 && path) out.set(path, value)
    for (const key of keys) leaves(value[key], path ? `${path}.${key}` : key, out)
    return
  }
  if (Array.isArray(value) && value.some((item) => isRecord(item) || Array.isArray(item))) {
    value.forEach((item, i) => leaves(item, `${path}[${i}]`, out))
    if (value.length === 0) out.set(path, value)
    return
  }
  out.set(path || 'value', value)
}

/**
 * Field by field: what changed (old → new), was added or was removed, in the order the fields
 * appear (before's first), and how many fields stayed the same.
 */
export function diffValues(before: unknown, after: unknown): { changes: FieldChange[]; unchanged: number } {
  const a = new Map<string, unknown>()
  const b = new Map<string, unknown>()
  if (before !== null && before !== undefined) leaves(before, '', a)
  if (after !== null && after !== undefined) leaves(after, '', b)
  const changes: FieldChange[] = []
  let unchanged = 0
  for (const [path, old] of a) {
    if (!b.has(path)) changes.push({ path, kind: 'removed', before: old })
    else if (JSON.stringify(old) !== JSON.stringify(b.get(path))) changes.push({ path, kind: 'changed', before: old, after: b.get(path) })
    else unchanged++
  }
  for (const [path, value] of b) if (!a.has(path)) changes.push({ path, kind: 'added', after: value })
  return { changes, unchanged }
}

/** A value as a cell shows it: text as is, lists comma-separated, the rest as JSON. */
export function shownValue(value: unknown): string {
  if (typeof value === 'string') return value
  if (Array.isArray(value) && value.every((item) => !isRecord(item) && !Array.isArray(item))) return value.map((item) => shownValue(item)).join(', ')
  return JSON.stringify(value)
}
