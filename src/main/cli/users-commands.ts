import type { Command } from 'commander'
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { AppError } from '../../shared/contract/result'
import { CSV_MAX_BYTES, type ImportReport, type InvitationDelivery } from '../../shared/contract/users'
import type { Core } from '../core/core'
import { withCore } from './store-choice'

const CLI_META = { transport: 'cli' as const, ip: null, device: 'gatehouse CLI' }

async function call<T>(core: Core, connectionId: string, channel: string, input: unknown): Promise<T> {
  const result = await core.dispatch(connectionId, channel, input)
  if (!result.ok) throw new AppError(result.error.code, result.error.message, result.error.details)
  return result.value as T
}

/**
 * Open the store, sign in as `--as` with GATEHOUSE_PASSWORD through the core (a login event, and
 * everything audited as that member), run `fn`, sign out, close.
 */
async function asMember<T>(command: Command, email: string, fn: (core: Core, connectionId: string) => Promise<T>): Promise<T> {
  const password = process.env.GATEHOUSE_PASSWORD
  if (!password) throw new AppError('VALIDATION', `Set GATEHOUSE_PASSWORD to the password of ${email}.`)
  return withCore(command, async (core) => {
    const connectionId = core.connect(CLI_META)
    const signIn = await core.dispatch(connectionId, 'auth:sign-in', { email, password })
    if (!signIn.ok) throw new AppError(signIn.error.code, `Cannot sign in as ${email}: ${signIn.error.message}`)
    try {
      return await fn(core, connectionId)
    } finally {
      await core.dispatch(connectionId, 'auth:sign-out', {})
    }
  })
}

function readCsvFile(file: string): string {
  const path = resolve(file)
  if (!existsSync(path)) throw new AppError('NOT_FOUND', `No such file: ${path}`)
  const { size } = statSync(path)
  // Refused before reading, with the same limit and wording as the console.
  if (size > CSV_MAX_BYTES) throw new AppError('LIMIT', `The file is ${(size / (1024 * 1024)).toFixed(1)} MB; files over 10 MB are refused. Split it into smaller files.`)
  return readFileSync(path, 'utf8')
}

type Commit = ImportReport & { invited: Array<InvitationDelivery & { row: number }> }

/** `gatehouse users import|export`: the console's CSV import and export for scripts. */
export function registerUsersCommands(program: Command): void {
  const users = program.command('users').description("the account's people: CSV import and export, acting as a named member")

  users
    .command('import')
    .description('invite the people of a CSV file (email,name,role,teams); the password of --as comes from GATEHOUSE_PASSWORD')
    .argument('<file>', 'CSV file, UTF-8, header email,name,role,teams (teams separated by ";" or "|")')
    .requiredOption('--as <email>', 'act as this member (Owner or Admin)')
    .option('--dry-run', 'check every row and report; invite nobody')
    .option('--json', 'print one JSON object per row: {"row","email","status":"ok"|"error","reason"}')
    .option('--error-report <file>', 'write the refused rows with their reasons as CSV')
    .action(async (file: string, opts: { as: string; dryRun?: boolean; json?: boolean; errorReport?: string }, command: Command) => {
      const csv = readCsvFile(file)
      const report: ImportReport & { invited?: Commit['invited'] } = await asMember(command, opts.as, (core, connectionId) =>
        opts.dryRun ? call<ImportReport>(core, connectionId, 'users:import-preview', { csv }) : call<Commit>(core, connectionId, 'users:import-commit', { csv })
      )
      const links = new Map((report.invited ?? []).map((i) => [i.row, i]))
      const out: string[] = []
      for (const row of report.rows) {
        const delivery = links.get(row.row)
        if (opts.json) {
          out.push(
            JSON.stringify({
              row: row.row,
              email: row.email,
              status: row.status,
              reason: row.reason,
              ...(delivery ? { delivery: delivery.delivery, link: delivery.link } : {})
            })
          )
        } else {
          const what = row.status === 'ok' ? (opts.dryRun ? 'ok' : delivery?.link ? `invited, link ${delivery.link}` : 'invited by email') : `refused: ${row.reason}`
          out.push(`row ${row.row}\t${row.email}\t${what}`)
        }
      }
      if (!opts.json) {
        const verb = opts.dryRun ? 'would be invited' : 'invited'
        out.push(
          `${report.okCount} ${verb}, ${report.errorCount} refused; seats ${report.seats.used} of ${report.seats.total} used.` +
            (opts.dryRun ? ' (dry run: nothing was written)' : '')
        )
      }
      process.stdout.write(`${out.join('\n')}\n`)
      if (opts.errorReport && report.errorReportCsv) writeFileSync(resolve(opts.errorReport), report.errorReportCsv)
      // A dry run succeeds once the file parsed; a real import only when no row was refused.
      if (!opts.dryRun && report.errorCount > 0) {
        throw new AppError(
          'VALIDATION',
          report.okCount === 0
            ? `All ${report.rows.length} rows were refused; nobody was invited.`
            : `${report.errorCount} of ${report.rows.length} rows were refused and nothing was written for them; the others were invited.`
        )
      }
    })

  users
    .command('export')
    .description("write every person of the account as CSV (formula cells neutralised); GATEHOUSE_PASSWORD is the member's password")
    .requiredOption('--as <email>', 'act as this member (Owner or Admin)')
    .option('--out <file>', 'write to this file instead of standard output')
    .action(async (opts: { as: string; out?: string }, command: Command) => {
      const exported = await asMember(command, opts.as, (core, connectionId) =>
        call<{ csv: string; rows: number; fileName: string }>(core, connectionId, 'users:export', {})
      )
      if (opts.out) {
        writeFileSync(resolve(opts.out), exported.csv)
        process.stderr.write(`Exported ${exported.rows} people to ${resolve(opts.out)}.\n`)
      } else {
        process.stdout.write(exported.csv)
      }
    })
}
