import { CompiledQuery } from 'kysely'
import type { Core } from '../../src/main/core/core'
import type { Executor } from '../../src/main/core/store/port'

export class Rollback extends Error {}

/** A statement for `tampered`: SQL with `?` parameters (rewritten to $n on PostgreSQL). */
export type Statement = string | [string, ...unknown[]]

export function compile(core: Core, statement: Statement): CompiledQuery {
  const [text, ...params] = typeof statement === 'string' ? [statement] : statement
  let n = 0
  return CompiledQuery.raw(core.store.dialect === 'postgres' ? text.replace(/\?/g, () => `$${++n}`) : text, params)
}

/**
 * Tamper with the store inside a transaction, hand it to `check`, then roll the tampering back: the
 * same on both stores (the file-level tampering tests that flip bytes are SQLite's, elsewhere).
 */
export async function tampered<T>(core: Core, statements: Statement[] | ((tx: Executor) => Promise<void>), check: (tx: Executor) => Promise<T>): Promise<T> {
  let result: T | undefined
  try {
    await core.tx(async (tx) => {
      if (typeof statements === 'function') await statements(tx)
      else for (const statement of statements) await tx.executeQuery(compile(core, statement))
      result = await check(tx)
      throw new Rollback()
    })
  } catch (error) {
    if (!(error instanceof Rollback)) throw error
  }
  return result as T
}
