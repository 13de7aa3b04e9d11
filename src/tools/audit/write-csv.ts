/**
 * Audit rows as CSV (RFC 4180): a header line, CRLF line ends, a field quoted when it holds a comma,
 * a quote, CR or LF, with quotes inside doubled.
 *
 * People type reasons and comments, and auditors open the file in a spreadsheet, which would run a
 * cell starting with =, +, - or @ (or tab or CR) as a formula. Such a cell is prefixed with a single
 * quote, so it shows as the text that was typed (OWASP's advice on CSV injection).
 */
import { AUDIT_COLUMNS, type AuditRow } from './audit-rows.ts';

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/** One CSV field, defused and quoted as needed. */
function csvCell(value: string): string {
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

const csvLine = (cells: readonly string[]): string => `${cells.map(csvCell).join(',')}\r\n`;

export const csvHeader = (): string => csvLine(AUDIT_COLUMNS);

export const csvRow = (row: AuditRow): string => csvLine(AUDIT_COLUMNS.map((column) => row[column]));
