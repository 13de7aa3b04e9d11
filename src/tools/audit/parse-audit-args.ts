/**
 * The audit export's command line, checked in full before anything is opened: a mistake is
 * reported with the usage, never half-run.
 */
import { parseArgs } from 'node:util';
import { AUDIT_FORMATS, type AuditFormat } from './export-audit.ts';

export const USAGE =
  'Usage: npm run audit:export -- --since YYYY-MM-DD [--until YYYY-MM-DD] [--format csv|jsonl] [--out FILE]\n' +
  `
Writes the audit trail, one row per event, of the requests created from --since up to --until,
read from the store named by STORE_URL (also read from .env; unset: ./data/dollr-slack.sqlite).

  --since YYYY-MM-DD   first day, from 00:00 UTC (required)
  --until YYYY-MM-DD   the day after the last one, 00:00 UTC, excluded (default: no end)
  --format csv|jsonl   csv (the default) or jsonl, one JSON object per line
  --out FILE           write to FILE (replaced only once the export is complete) instead of standard output
  --help               show this text
`;

export interface AuditArgs {
  since: Date;
  until?: Date;
  format: AuditFormat;
  /** undefined: standard output. */
  out?: string;
}

/** `error` may span several lines, one problem each. */
export type ParsedAuditArgs =
  | { ok: true; help: true }
  | { ok: true; help: false; args: AuditArgs }
  | { ok: false; error: string };

export function parseAuditArgs(argv: string[]): ParsedAuditArgs {
  let values: { since?: string; until?: string; format?: string; out?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        since: { type: 'string' },
        until: { type: 'string' },
        format: { type: 'string' },
        out: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
  if (values.help) return { ok: true, help: true };

  const problems: string[] = [];
  if (values.since === undefined) problems.push('--since is required.');
  const since = values.since === undefined ? undefined : utcDay('--since', values.since, problems);
  const until = values.until === undefined ? undefined : utcDay('--until', values.until, problems);
  if (since && until && until.getTime() <= since.getTime()) problems.push('--until must be a later day than --since.');
  const format = values.format ?? 'csv';
  if (!isFormat(format)) problems.push(`--format must be ${AUDIT_FORMATS.join(' or ')}, not "${format}".`);
  if (values.out === '') problems.push('--out needs a file name.');
  if (problems.length > 0 || since === undefined || !isFormat(format)) return { ok: false, error: problems.join('\n') };
  return { ok: true, help: false, args: { since, until, format, out: values.out } };
}

const isFormat = (format: string): format is AuditFormat => (AUDIT_FORMATS as readonly string[]).includes(format);

/** The start (00:00 UTC) of a YYYY-MM-DD day that exists; undefined, with a problem noted, otherwise. */
function utcDay(option: string, text: string, problems: string[]): Date | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const date = match ? new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))) : undefined;
  if (date === undefined || date.toISOString().slice(0, 10) !== text) {
    problems.push(`${option} must be a day written YYYY-MM-DD, such as 2026-01-31, not "${text}".`);
    return undefined;
  }
  return date;
}
