import { migration0001 } from './0001-accounts-people'
import { migration0002 } from './0002-sign-in'
import { migration0003 } from './0003-audit-ledger'
import type { Migration } from './types'

export type { Migration }

/** In order; a new migration is a new file added at the end. Never edit a shipped one. */
export const MIGRATIONS: readonly Migration[] = [migration0001, migration0002, migration0003]
