import Papa from 'papaparse'
import { describe, expect, it } from 'vitest'
import { neutraliseCell, parseCsv, toCsv } from '../../../src/main/core/csv/csv'
import { AppError } from '../../../src/shared/contract/result'

function errorOf(fn: () => unknown): AppError {
  try {
    fn()
  } catch (error) {
    if (error instanceof AppError) return error
    throw error
  }
  throw new Error('expected an AppError')
}

describe('CSV helpers', () => {
  it('parses quoted fields with commas, doubled quotes and embedded newlines, a BOM and CRLF', () => {
    const text = '\uFEFFEmail,Name,Role,Teams\r\n"a@example.com","Lovelace, Ada ""Countess""",agent,"Tier 1;\r\nBilling"\r\nb@example.com,Bob,viewer,\r\n\r\n'
    const parsed = parseCsv(text)
    expect(parsed.header).toEqual(['email', 'name', 'role', 'teams'])
    expect(parsed.records).toEqual([
      { row: 2, cells: ['a@example.com', 'Lovelace, Ada "Countess"', 'agent', 'Tier 1;\r\nBilling'], malformed: false },
      { row: 3, cells: ['b@example.com', 'Bob', 'viewer', ''], malformed: false }
    ])
  })

  it('refuses files over 10 MB and over 50,000 rows with a message naming the limit', () => {
    const big = `email\n${'x'.repeat(10 * 1024 * 1024)}`
    const tooBig = errorOf(() => parseCsv(big))
    expect(tooBig.code).toBe('LIMIT')
    expect(tooBig.message).toMatch(/^The file is 10\.0 MB; files over 10 MB are refused/)
    const many = `email\n${'a@example.com\n'.repeat(50_001)}`
    const tooMany = errorOf(() => parseCsv(many))
    expect(tooMany.code).toBe('LIMIT')
    expect(tooMany.message).toMatch(/50,001 rows; at most 50,000/)
    expect(parseCsv(`email\n${'a@example.com\n'.repeat(50_000)}`).records).toHaveLength(50_000)
  })

  it('refuses an unclosed quote (it would swallow the rest of the file) and an empty file', () => {
    expect(errorOf(() => parseCsv('email,name\na@example.com,"Ada\nb@example.com,Bob\n')).message).toMatch(/opened in row 2 is never closed/)
    expect(errorOf(() => parseCsv('')).message).toMatch(/empty/)
  })

  it('neutralises cells a spreadsheet would run as formulas', () => {
    for (const cell of ['=1+1', '+1', '-2', '@SUM(A1)', '\tx', '\rx']) expect(neutraliseCell(cell)).toBe(`'${cell}`)
    for (const cell of ['ada@example.com', 'Ada', '', "'quoted"]) expect(neutraliseCell(cell)).toBe(cell)
  })

  it('writes RFC 4180 with a BOM and CRLF that a CSV parser reads back cell for cell', () => {
    const rows = [
      ['=HYPERLINK("http://evil.example","click")', 'multi\nline', 'comma, "quote"', null],
      ['plain', '@attack', '-3', 42]
    ]
    const text = toCsv(['a', 'b', 'c', 'd'], rows)
    expect(text.startsWith('\uFEFFa,b,c,d\r\n')).toBe(true)
    expect(text.endsWith('\r\n')).toBe(true)
    const back = Papa.parse<string[]>(text.slice(1), { skipEmptyLines: true }).data
    expect(back).toEqual([
      ['a', 'b', 'c', 'd'],
      ['\'=HYPERLINK("http://evil.example","click")', 'multi\nline', 'comma, "quote"', ''],
      ['plain', "'@attack", "'-3", '42']
    ])
    // No cell of the parsed output starts with a formula character.
    expect(back.flat().filter((cell) => /^[=+\-@\t\r]/.test(cell))).toEqual([])
  })
})
