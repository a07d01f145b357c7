import Papa from 'papaparse'
import { AppError } from '../../../shared/contract/result'
import { CSV_MAX_BYTES, CSV_MAX_ROWS } from '../../../shared/contract/users'

/**
 * A spreadsheet runs a cell that starts with = + - @ (and, in some, a tab or CR) as a formula.
 * Prefixing an apostrophe makes it plain text (OWASP "CSV injection").
 */
export function neutraliseCell(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value
}

/** RFC 4180: quote a field holding a comma, quote, CR or LF; double the quotes inside. */
function quoteField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value
}

/** One CSV record (no line end): every cell neutralised and quoted as needed; null is empty. */
export function csvRecord(cells: readonly (string | number | null)[]): string {
  return cells.map((cell) => quoteField(neutraliseCell(cell === null ? '' : String(cell)))).join(',')
}

/** What starts a CSV file: a UTF-8 BOM, so spreadsheets pick the encoding. */
export const CSV_BOM = '\uFEFF'

/** Rows to CSV text: CRLF line ends, every cell neutralised, a UTF-8 BOM so spreadsheets pick the encoding. */
export function toCsv(header: readonly string[], rows: Iterable<readonly (string | number | null)[]>): string {
  const lines = [csvRecord(header)]
  for (const row of rows) lines.push(csvRecord(row))
  return `${CSV_BOM}${lines.join('\r\n')}\r\n`
}

export interface ParsedCsv {
  header: string[]
  /** Data records, each with its spreadsheet row number (header = 1) and whether its quoting was malformed. */
  records: Array<{ row: number; cells: string[]; malformed: boolean }>
}

function megabytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`
}

/**
 * Parse CSV text with papaparse: quoted fields, embedded newlines and commas, doubled quotes, a
 * UTF-8 BOM, CRLF or LF. The delimiter is always ',' (';' separates teams inside a cell).
 * Refuses files over 10 MB or 50,000 records with a message saying which limit was hit.
 */
export function parseCsv(text: string): ParsedCsv {
  const bytes = Buffer.byteLength(text, 'utf8')
  if (bytes > CSV_MAX_BYTES) {
    throw new AppError('LIMIT', `The file is ${megabytes(bytes)}; files over 10 MB are refused. Split it into smaller files.`, {
      bytes,
      limit: CSV_MAX_BYTES
    })
  }
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
  const parsed = Papa.parse<string[]>(body, { delimiter: ',', skipEmptyLines: 'greedy', header: false })
  // An unclosed quote swallows the rest of the file into one field: nothing after it can be trusted.
  const unclosed = parsed.errors.find((e) => e.code === 'MissingQuotes')
  if (unclosed) {
    throw new AppError('VALIDATION', `The file is not valid CSV: a quoted field opened in row ${(unclosed.row ?? 0) + 1} is never closed.`)
  }
  const malformed = new Set(parsed.errors.filter((e) => e.type === 'Quotes' && e.row !== undefined).map((e) => e.row!))
  const [header, ...data] = parsed.data
  if (!header) throw new AppError('VALIDATION', 'The file is empty: it needs a header row (email,name,role,teams) and one row per person.')
  if (data.length > CSV_MAX_ROWS) {
    throw new AppError('LIMIT', `The file has ${data.length.toLocaleString('en-US')} rows; at most 50,000 are accepted at once. Split it into smaller files.`, {
      rows: data.length,
      limit: CSV_MAX_ROWS
    })
  }
  return {
    header: header.map((h) => h.trim().toLowerCase()),
    records: data.map((cells, i) => ({ row: i + 2, cells, malformed: malformed.has(i + 1) }))
  }
}
