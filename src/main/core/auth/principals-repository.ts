import type { MemberPrincipal } from '../context'
import type { Executor } from '../store/port'
import { one, prepared, sql } from '../store/sql'

/** A member's principal as stored now (role, status, account, the agent's "Export data"). */
export async function loadMemberPrincipal(q: Executor, membershipId: string): Promise<MemberPrincipal | null> {
  // Before every call of a member's session: prepared (a key lookup, one plan for every value).
  const row = await one(
    q,
    prepared(sql<MemberPrincipal & { agentExportData: number | boolean }>`
      SELECT 'member' AS kind, NULL AS scope, m.membership_id AS "membershipId", m.account_id AS "accountId", m.role, m.status,
             p.person_id AS "personId", p.name, p.email,
             a.name AS "accountName", a.plan, a.idle_timeout_minutes AS "idleTimeoutMinutes",
             EXISTS (SELECT 1 FROM member_permissions mp WHERE mp.membership_id = m.membership_id AND mp.permission = 'export-data') AS "agentExportData"
      FROM memberships m JOIN persons p ON p.person_id = m.person_id JOIN accounts a ON a.account_id = m.account_id
      WHERE m.membership_id = ${membershipId}`)
  )
  // SQLite answers EXISTS with 1/0, PostgreSQL with a boolean; the principal holds a number either way.
  return row ? { ...row, agentExportData: row.agentExportData ? 1 : 0 } : null
}
