import type { Executor } from '../store/port'
import { one, run, sql } from '../store/sql'

/** The stored row of an account's mail server; `password` is sealed (see mailer.ts). */
export interface SmtpRow {
  host: string
  port: number
  tls: 'none' | 'starttls' | 'tls'
  username: string
  password: string | null
  fromAddress: string
  fromName: string
  updatedAt: number
}

export async function findSmtpRow(q: Executor, accountId: string): Promise<SmtpRow | undefined> {
  const row = await one(
    q,
    sql<SmtpRow>`
      SELECT host, port, tls, username, password, from_address AS "fromAddress", from_name AS "fromName", updated_at AS "updatedAt"
      FROM smtp_settings WHERE account_id = ${accountId}`
  )
  return row && { ...row, port: Number(row.port), updatedAt: Number(row.updatedAt) }
}

export async function upsertSmtpRow(q: Executor, accountId: string, row: SmtpRow): Promise<void> {
  await run(
    q,
    sql`
      INSERT INTO smtp_settings (account_id, host, port, tls, username, password, from_address, from_name, updated_at)
      VALUES (${accountId}, ${row.host}, ${row.port}, ${row.tls}, ${row.username}, ${row.password}, ${row.fromAddress}, ${row.fromName}, ${row.updatedAt})
      ON CONFLICT (account_id) DO UPDATE SET host = excluded.host, port = excluded.port, tls = excluded.tls, username = excluded.username,
        password = excluded.password, from_address = excluded.from_address, from_name = excluded.from_name, updated_at = excluded.updated_at`
  )
}

export async function deleteSmtpRow(q: Executor, accountId: string): Promise<void> {
  await run(q, sql`DELETE FROM smtp_settings WHERE account_id = ${accountId}`)
}
