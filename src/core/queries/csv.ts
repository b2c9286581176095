// CSV text as RFC 4180 writes it (CRLF after every record, a field quoted when it holds a comma, a
// quote, CR or LF, quotes inside doubled), with a header row, ISO 8601 timestamps and money as exact
// decimal strings — and safe to open in a spreadsheet: see `guardFormula`.

/** How a column's values are written: text is guarded against formulas, numbers stay numbers. */
export type CsvType = 'text' | 'decimal' | 'int' | 'timestamp' | 'json'

export interface CsvColumn<R> {
  header: string
  type: CsvType
  value: (row: R) => unknown
}

const FORMULA_START = /^[=+\-@\t\r]/
const DECIMAL = /^-?\d+(\.\d+)?$/
const NEEDS_QUOTES = /[",\r\n]/

/**
 * Spreadsheets run a cell that starts with =, +, -, @ (and tab or CR, which some strip first) as a
 * formula: a counterparty named `=HYPERLINK(…)` would run on the auditor's machine (OWASP "CSV
 * injection"). Such text gets a leading apostrophe, which the spreadsheet shows as plain text. Money
 * and counts are written by type instead, so "-12.50" stays a number an auditor can sum.
 */
export function guardFormula(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text
}

function quote(text: string): string {
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

function cellText(value: unknown, type: CsvType): string {
  if (value === null || value === undefined) return ''
  switch (type) {
    case 'decimal': {
      const s = String(value)
      // Only an exact decimal skips the guard: anything else in a money column is text like any other.
      return DECIMAL.test(s) ? s : guardFormula(s)
    }
    case 'int':
      return typeof value === 'number' && Number.isInteger(value) ? String(value) : guardFormula(String(value))
    case 'timestamp':
      return (value instanceof Date ? value : new Date(String(value))).toISOString()
    case 'json':
      return guardFormula(JSON.stringify(value))
    case 'text':
      return guardFormula(String(value))
  }
}

export function csvField(value: unknown, type: CsvType): string {
  return quote(cellText(value, type))
}

/** The header record. */
export function csvHeader<R>(columns: readonly CsvColumn<R>[]): string {
  return `${columns.map((c) => quote(guardFormula(c.header))).join(',')}\r\n`
}

/** One record per row, for a file written a page at a time after its header. */
export function csvRecords<R>(columns: readonly CsvColumn<R>[], rows: readonly R[]): string {
  return rows.map((row) => `${columns.map((c) => csvField(c.value(row), c.type)).join(',')}\r\n`).join('')
}

/** The whole file: the header row, then one record per row; the header is there even with no rows. */
export function toCsv<R>(columns: readonly CsvColumn<R>[], rows: readonly R[]): string {
  return csvHeader(columns) + csvRecords(columns, rows)
}

/** The local calendar date of `at` as yyyy-mm-dd, for file names. */
export function fileDate(at: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}`
}
