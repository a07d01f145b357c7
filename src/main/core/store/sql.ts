import { sql, type RawBuilder } from 'kysely'
import type { Executor } from './port'

export { sql }

/** Every row of a query. */
export async function all<T>(q: Executor, query: RawBuilder<T>): Promise<T[]> {
  return (await query.execute(q)).rows
}

/** The first row, or undefined. */
export async function one<T>(q: Executor, query: RawBuilder<T>): Promise<T | undefined> {
  return (await query.execute(q)).rows[0]
}

/** A write; returns how many rows it changed. */
export async function run(q: Executor, query: RawBuilder<unknown>): Promise<number> {
  return Number((await query.execute(q)).numAffectedRows ?? 0)
}

/** `IN (…)` of values as bound parameters (an empty list matches nothing). */
export function inList(values: readonly unknown[]): RawBuilder<unknown> {
  if (values.length === 0) return sql`(NULL)`
  return sql`(${sql.join(values.map((v) => sql`${v}`))})`
}

/** Whether an error is a unique-constraint violation, on either store. */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: string }).code
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === '23505'
}
