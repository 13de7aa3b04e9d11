/** Audit rows as JSON Lines: one object per line, the CSV's columns as keys, in the same order. */
import { AUDIT_COLUMNS, type AuditRow } from './audit-rows.ts';

export const jsonlRow = (row: AuditRow): string =>
  `${JSON.stringify(Object.fromEntries(AUDIT_COLUMNS.map((column) => [column, row[column]])))}\n`;
