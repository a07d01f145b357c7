import Papa from 'papaparse'
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import type { ImportReport, InvitationDelivery } from '../../../src/shared/contract/users'
import { rowCounts, testDb } from '../../support/core'
import { hostileUsersCsv } from '../../support/users-csv'
import { accountTemplate, auditSince, expectError, expectOk, ledgerSize, type FreshCore } from '../../support/users'

type Commit = ImportReport & { invited: Array<InvitationDelivery & { row: number }> }

describe('CSV import and export', () => {
  let template: Awaited<ReturnType<typeof accountTemplate>>
  let t: FreshCore
  beforeAll(async () => {
    template = await accountTemplate({ seats: 50 })
  })
  afterAll(() => template.dispose())
  beforeEach(async () => {
    t = await template.fresh()
    expectOk(await t.core.dispatch(t.owner, 'teams:create', { name: 'Support Tier 1' }))
    expectOk(await t.core.dispatch(t.owner, 'teams:create', { name: 'Billing Team' }))
  })

  it('previews a hostile file row by row and writes nothing', async () => {
    const { text, expected } = hostileUsersCsv()
    const before = (await rowCounts(t.core))
    const report = expectOk<ImportReport>(await t.core.dispatch(t.owner, 'users:import-preview', { csv: text }))
    expect((await rowCounts(t.core))).toEqual(before)
    expect(report.rows.map((r) => ({ row: r.row, email: r.email, status: r.status }))).toEqual(expected.map(({ row, email, status }) => ({ row, email, status })))
    for (const e of expected.filter((x) => x.reason)) expect(report.rows.find((r) => r.row === e.row)!.reason).toMatch(e.reason!)
    expect(report).toMatchObject({ okCount: 3, errorCount: 8 })
    // The 10 MB field is not echoed back whole.
    expect(report.rows.find((r) => r.row === 10)!.name.length).toBeLessThan(300)
    expect(report.rows.find((r) => r.row === 2)!.name).toBe('Doe, Jane "JD"')
    expect(report.rows.find((r) => r.row === 4)!.teams).toEqual(['support tier 1', 'Billing Team'])
    // The error report is a CSV with the reasons, formula cells neutralised.
    const errors = Papa.parse<string[]>(report.errorReportCsv!.slice(1), { skipEmptyLines: true }).data
    expect(errors[0]).toEqual(['row', 'email', 'name', 'role', 'teams', 'reason'])
    expect(errors).toHaveLength(9)
    expect(errors[1]![1]).toBe(`'=cmd|' /C calc'!A0`)
    expect(errors.flat().filter((cell) => /^[=+\-@]/.test(cell))).toEqual([])
  })

  it('refuses a name holding a control character other than a line break or a tab', async () => {
    const csv = 'email,name,role,teams\r\nbell@example.com,Bell\u0007Ringer,agent,\r\nsep@example.com,A\u0001B,agent,\r\ntab@example.com,Tab\tName,agent,\r\n'
    const report = expectOk<ImportReport>(await t.core.dispatch(t.owner, 'users:import-preview', { csv }))
    expect(report.rows.map((r) => [r.email, r.status])).toEqual([
      ['bell@example.com', 'error'],
      ['sep@example.com', 'error'],
      ['tab@example.com', 'ok']
    ])
    expect(report.rows[0]!.reason).toMatch(/control character/)
  })

  it('commits only the valid rows, in one transaction, one audit event per person plus one for the import', async () => {
    const { text } = hostileUsersCsv()
    const seq = await ledgerSize(t.core)
    const result = expectOk<Commit>(await t.core.dispatch(t.owner, 'users:import-commit', { csv: text }))
    expect(result.invited.map((i) => [i.row, i.email, i.delivery])).toEqual([
      [2, 'ok1@example.com', 'link'],
      [4, 'ok2@example.com', 'link'],
      [9, 'multi@example.com', 'link']
    ])
    expect(result.errorCount).toBe(8)
    const events = (await auditSince(t.core, seq))
    expect(events.map((e) => e.action)).toEqual(['member.invited', 'member.invited', 'member.invited', 'users.imported'])
    expect(events[3]!.after).toMatchObject({ invited: 3, refused: 8, rows: 11 })
    expect(events[1]!.after).toMatchObject({ email: 'ok2@example.com', role: 'viewer', teams: ['Support Tier 1', 'Billing Team'] })
    const emails = (await testDb(t.core).all<{ email: string }>('SELECT email FROM persons ORDER BY email')).map((r) => r.email)
    expect(emails).toEqual(['multi@example.com', 'ok1@example.com', 'ok2@example.com', 'olivia@example.com'])
    expect(result.seats).toMatchObject({ used: 4, total: 50 })
    // Committing the same file again: every row is refused now.
    const again = expectOk<Commit>(await t.core.dispatch(t.owner, 'users:import-commit', { csv: text }))
    expect(again.invited).toEqual([])
    expect(again.rows.find((r) => r.row === 2)!.reason).toBe('already a member (invited)')
  })

  it('is all or nothing: a failure while writing leaves no row behind', async () => {
    const csv = 'email,name,role,teams\na1@example.com,A,agent,\na2@example.com,B,agent,\na3@example.com,C,agent,\n'
    // Make the third insert fail inside the transaction.
    const db = testDb(t.core)
    if (db.dialect === 'sqlite') {
      // A temporary trigger lives on the one connection of the SQLite store.
      await db.run("CREATE TEMP TRIGGER fail_third BEFORE INSERT ON persons WHEN NEW.email = 'a3@example.com' BEGIN SELECT RAISE(ABORT, 'disk says no'); END")
    } else {
      await db.run("CREATE FUNCTION fail_third() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'disk says no'; END $$")
      await db.run("CREATE TRIGGER fail_third BEFORE INSERT ON persons FOR EACH ROW WHEN (NEW.email = 'a3@example.com') EXECUTE FUNCTION fail_third()")
    }
    const before = (await rowCounts(t.core))
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined)
    expectError(await t.core.dispatch(t.owner, 'users:import-commit', { csv }), 'INTERNAL', /nothing was changed/)
    expect(logged).toHaveBeenCalledWith('[core] users:import-commit failed:', expect.objectContaining({ message: 'disk says no' }))
    logged.mockRestore()
    expect((await rowCounts(t.core))).toEqual(before)
  })

  it('gives seats to valid rows in file order and refuses the rest with "no free seat"', async () => {
    const small = await template.fresh()
    await testDb(small.core).run('UPDATE accounts SET seats = 3')
    const csv = ['email,role', ...Array.from({ length: 4 }, (_, i) => `p${i}@example.com,agent`)].join('\n')
    const report = expectOk<ImportReport>(await small.core.dispatch(small.owner, 'users:import-preview', { csv }))
    expect(report.rows.map((r) => r.reason)).toEqual([null, null, 'no free seat (1 of 3 seats used)', 'no free seat (1 of 3 seats used)'])
  })

  it('refuses files without the header, over 10 MB or over 50,000 rows with a clear message', async () => {
    expectError(await t.core.dispatch(t.owner, 'users:import-preview', { csv: 'a@example.com,agent\n' }), 'VALIDATION', /header: email,name,role,teams/)
    expectError(await t.core.dispatch(t.owner, 'users:import-preview', { csv: `email,role\n${'a'.repeat(10 * 1024 * 1024)}` }), 'LIMIT', /over 10 MB/)
    expectError(await t.core.dispatch(t.owner, 'users:import-preview', { csv: `email,role\n${'a@example.com,agent\n'.repeat(50_001)}` }), 'LIMIT', /50,000/)
  })

  it('exports every person with formula cells neutralised, and audits the export', async () => {
    const { text } = hostileUsersCsv()
    expectOk(await t.core.dispatch(t.owner, 'users:import-commit', { csv: text }))
    const seq = await ledgerSize(t.core)
    const exported = expectOk<{ csv: string; rows: number; fileName: string }>(await t.core.dispatch(t.owner, 'users:export', {}))
    expect(exported.rows).toBe(4)
    expect(exported.fileName).toMatch(/^gatehouse-users-\d{4}-\d{2}-\d{2}\.csv$/)
    const table = Papa.parse<string[]>(exported.csv.replace(/^\uFEFF/, ''), { skipEmptyLines: true }).data
    expect(table[0]).toEqual(['email', 'name', 'role', 'status', 'teams', 'last_login', 'created', 'deactivated'])
    const ok2 = table.find((r) => r[0] === 'ok2@example.com')!
    expect(ok2[1]).toBe(`'=HYPERLINK("http://evil.example","click")`)
    expect(ok2.slice(2, 5)).toEqual(['viewer', 'invited', 'Billing Team;Support Tier 1'])
    expect(table.find((r) => r[0] === 'multi@example.com')![1]).toBe('Line one\r\nLine two, still the name')
    expect(table.flat().filter((cell) => /^[=+\-@\t\r]/.test(cell))).toEqual([])
    expect((await auditSince(t.core, seq)).map((e) => e.action)).toEqual(['users.exported'])
  })
})
