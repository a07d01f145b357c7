import type { Executor } from '../store/port'
import { all, one, run, sql } from '../store/sql'

/** A row of `audit_verify_runs` (migration 0019). */
export interface VerifyRunRow {
  run_id: string
  account_id: string
  mode: 'full' | 'incremental'
  started_at: number
  finished_at: number
  outcome: 'passed' | 'failed' | 'cancelled'
  events: number | null
  message: string | null
  bad_seq: number | null
  by_person: string | null
  by_name: string
  checkpoint_size: number | null
  checkpoint_root: Buffer | null
  checkpoint_frontier: Buffer | null
  checkpoint_signed_at: number | null
}

export async function insertVerifyRun(t: Executor, r: VerifyRunRow): Promise<void> {
  await run(
    t,
    sql`INSERT INTO audit_verify_runs (run_id, run_no, account_id, mode, started_at, finished_at, outcome, events, message, bad_seq, by_person, by_name,
          checkpoint_size, checkpoint_root, checkpoint_frontier, checkpoint_signed_at)
        VALUES (${r.run_id}, (SELECT coalesce(max(run_no), 0) + 1 FROM audit_verify_runs), ${r.account_id}, ${r.mode}, ${r.started_at}, ${r.finished_at}, ${r.outcome}, ${r.events}, ${r.message}, ${r.bad_seq}, ${r.by_person}, ${r.by_name},
          ${r.checkpoint_size}, ${r.checkpoint_root}, ${r.checkpoint_frontier}, ${r.checkpoint_signed_at})`
  )
}

function normal(r: VerifyRunRow | undefined): VerifyRunRow | null {
  if (!r) return null
  const n = (v: number | string | null) => (v === null ? null : Number(v))
  return {
    ...r,
    started_at: Number(r.started_at),
    finished_at: Number(r.finished_at),
    events: n(r.events),
    bad_seq: n(r.bad_seq),
    checkpoint_size: n(r.checkpoint_size),
    checkpoint_signed_at: n(r.checkpoint_signed_at),
    checkpoint_root: r.checkpoint_root === null ? null : Buffer.from(r.checkpoint_root),
    checkpoint_frontier: r.checkpoint_frontier === null ? null : Buffer.from(r.checkpoint_frontier)
  }
}

/** The account's newest run (by the order runs were recorded in), of a mode and outcome when given. */
export async function latestVerifyRun(q: Executor, accountId: string, where: { mode?: 'full' | 'incremental'; outcome?: 'passed' } = {}): Promise<VerifyRunRow | null> {
  const conditions = [sql`account_id = ${accountId}`]
  if (where.mode) conditions.push(sql`mode = ${where.mode}`)
  if (where.outcome) conditions.push(sql`outcome = ${where.outcome}`)
  return normal(await one(q, sql<VerifyRunRow>`SELECT * FROM audit_verify_runs WHERE ${sql.join(conditions, sql` AND `)} ORDER BY run_no DESC LIMIT 1`))
}

/**
 * The newest passing run with a checkpoint, of any account: the ledger is the installation's, so a
 * pass from another account's screen is as good a place to start from.
 */
export async function latestCheckpoint(q: Executor): Promise<VerifyRunRow | null> {
  const rows = await all(
    q,
    sql<VerifyRunRow>`SELECT * FROM audit_verify_runs WHERE outcome = 'passed' AND checkpoint_size IS NOT NULL ORDER BY checkpoint_size DESC, run_no DESC LIMIT 1`
  )
  return normal(rows[0])
}
