import type { Kernel } from '../kernel/kernel'
import { loginsCsv, logCsv } from './exports'
import { allLogRows, logPage, supportLogins, type LoginFilters } from './repository'
import { changeAccess, convertToPaid, disableAccess, extendAccess, logRowToDto, ownerCall } from './service'
import { supportSignIn } from './sign-in'
import { statusOf } from './status'
import { checkTimeZone, hostTimeZone } from './time'
import type { SupportLoginRow } from '../../../shared/contract/support-access'

/**
 * Support Team Access (issue 4): the Owner's channels, the agents' sign-in and the trial
 * conversion. Each handler parses its context, calls the service and returns.
 */
export function registerSupportAccessHandlers(kernel: Kernel): void {
  kernel.handle('support-access:status', async (ctx, input) => {
    const timeZone = input?.timeZone ? checkTimeZone(input.timeZone) : hostTimeZone()
    const { account } = await ownerCall(kernel, ctx)
    return statusOf(kernel, account.account_id, ctx.now, timeZone)
  })

  kernel.handle('support-access:extend', async (ctx, input) => {
    const { accountId, entry } = await extendAccess(kernel, ctx, input)
    return { status: await statusOf(kernel, accountId, ctx.now, hostTimeZone()), entry }
  })

  kernel.handle('support-access:change', async (ctx, input) => {
    const { accountId, entry } = await changeAccess(kernel, ctx, input)
    return { status: await statusOf(kernel, accountId, ctx.now, hostTimeZone()), entry }
  })

  kernel.handle('support-access:disable', async (ctx, input) => {
    const { accountId, entry } = await disableAccess(kernel, ctx, input)
    return { status: await statusOf(kernel, accountId, ctx.now, hostTimeZone()), entry }
  })

  kernel.handle('support-access:log', async (ctx, input) => {
    const { account } = await ownerCall(kernel, ctx)
    const rows = await logPage(kernel.store.db, account.account_id, input.before, input.limit)
    const last = rows[rows.length - 1]
    return { rows: rows.map(logRowToDto), next: rows.length === input.limit && last ? Number(last.log_id) : null }
  })

  kernel.handle('support-access:export-log', async (ctx) => {
    const { account } = await ownerCall(kernel, ctx)
    return logCsv((await allLogRows(kernel.store.db, account.account_id)).map(logRowToDto), ctx.now)
  })

  const loginRows = async (accountId: string, filters: LoginFilters): Promise<SupportLoginRow[]> =>
    (await supportLogins(kernel.store.db, accountId, filters)).map((r) => ({ ...r, durationMs: r.logoutAt === null ? null : r.logoutAt - r.loginAt }))

  kernel.handle('support-access:logins', async (ctx, input) => {
    const { account } = await ownerCall(kernel, ctx)
    const rows = await loginRows(account.account_id, input)
    const last = rows[rows.length - 1]
    return { rows, next: rows.length === input.limit && last ? { loginAt: last.loginAt, id: last.id } : null }
  })

  kernel.handle('support-access:export-logins', async (ctx, input) => {
    const { account } = await ownerCall(kernel, ctx)
    return loginsCsv(await loginRows(account.account_id, input), ctx.now)
  })

  kernel.handle('auth:support-sign-in', (ctx, input) => supportSignIn(kernel, ctx, input))

  kernel.handle('account:convert-to-paid', (ctx) => convertToPaid(kernel, ctx))
}
export { TRIAL_EXPLANATION } from './service'
