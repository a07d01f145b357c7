import type { CsvExport, SupportLoginRow, SupportLogRow } from '../../../shared/contract/support-access'
import { SUPPORT_DURATION_LABELS, SUPPORT_LOG_ACTION_LABELS, SUPPORT_SESSION_END_LABELS } from '../../../shared/contract/support-access'
import { toCsv } from '../csv/csv'
import { isoUtc } from './time'

/** The CSV files of the support-access log and the support login history (pure). */

/** "1:02:03" (h:mm:ss); empty while the session is live. */
export function durationText(ms: number | null): string {
  if (ms === null) return ''
  const total = Math.round(ms / 1000)
  const h = Math.floor(total / 3600)
  const m = Math.floor((total % 3600) / 60)
  const s = total % 60
  return `${h}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`
}

export function fileStamp(now: number): string {
  return isoUtc(now).replace(/[-:]/g, '').replace('T', '-').replace('Z', '')
}

export function logCsv(rows: readonly SupportLogRow[], now: number): CsvExport {
  const content = toCsv(
    ['Date and time (UTC)', 'Action', 'Owner name', 'Owner email', 'Duration', 'Scope', 'End time (UTC)', 'Reason', 'Sessions ended'],
    rows.map((r) => [
      isoUtc(r.time),
      SUPPORT_LOG_ACTION_LABELS[r.action],
      r.ownerName,
      r.ownerEmail,
      SUPPORT_DURATION_LABELS[r.duration],
      r.scope,
      r.endsAt === null ? 'No end date' : isoUtc(r.endsAt),
      r.reason,
      r.sessionsEnded
    ])
  )
  return { filename: `support-access-log-${fileStamp(now)}.csv`, mimeType: 'text/csv', content, rows: rows.length }
}

export function loginsCsv(rows: readonly SupportLoginRow[], now: number): CsvExport {
  const content = toCsv(
    ['Agent name', 'Agent email', 'Login time (UTC)', 'Logout time (UTC)', 'Duration (h:mm:ss)', 'How it ended', 'IP address', 'Device'],
    rows.map((r) => [
      r.agentName,
      r.agentEmail,
      isoUtc(r.loginAt),
      r.logoutAt === null ? '' : isoUtc(r.logoutAt),
      durationText(r.durationMs),
      r.endReason === null ? 'Still signed in' : SUPPORT_SESSION_END_LABELS[r.endReason],
      r.ip,
      r.device
    ])
  )
  return { filename: `support-login-history-${fileStamp(now)}.csv`, mimeType: 'text/csv', content, rows: rows.length }
}
