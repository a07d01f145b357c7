import type { Executor } from '../store/port'
import { one, sql } from '../store/sql'

/** When and by whom the account's recovery key was last replaced (its newest audit event), if ever. */
export async function lastRecoveryKeyReplacement(q: Executor, accountId: string): Promise<{ time: number; actorName: string } | null> {
  const row = await one(
    q,
    sql<{ time: number | string; actorName: string }>`SELECT time, actor_name AS "actorName" FROM audit_events
      WHERE account_id = ${accountId} AND action = 'store.recovery-key-replaced' ORDER BY seq DESC LIMIT 1`
  )
  return row ? { time: Number(row.time), actorName: row.actorName } : null
}
