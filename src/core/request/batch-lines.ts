/**
 * The lines of a batch of refunds, as a person pastes them: one refund per line, `payment ID, amount,
 * reason`, separated by commas, semicolons or tabs (a spreadsheet's copy). The reason may be left out
 * (the batch's reason is used); blank lines and a header line are skipped; quoted CSV fields are read
 * as a spreadsheet writes them. Every problem names the line it is on, as the person numbered it, so
 * that it can be found and fixed in the form.
 */
import { amountField, formatMinor, toMinor } from './money.ts';
import { BATCH_LINES_MAX, REASON_MAX, type BatchLine } from './request.ts';

export type BatchParse =
  | { ok: true; lines: BatchLine[]; total: string }
  /** Every problem, in line order, each starting with its line: "Line 3: …". */
  | { ok: false; problems: string[] };

/** `4411, 25.50, duplicate charge`: the ID, then an amount (1,250.00 keeps its thousands comma), then the rest. */
const LINE = /^\s*([^,;\t]*?)\s*[,;\t]\s*(\d{1,3}(?:,\d{3})+(?:\.\d+)?|[^,;\t]*?)\s*(?:[,;\t]\s*(.*?))?\s*$/;
const HEADER = /payment|id/i;
const DECIMAL_COMMA = 'Use a dot for decimals: 25.50 (a comma only between thousands, as in 1,234.56).';

/** One line read: the refund, a problem with it, or nothing (a blank or header line). */
function readLine(
  written: string,
  number: number,
  batchReason: string,
  first: boolean,
): BatchLine | string | undefined {
  if (written.trim() === '') return undefined;
  const raw = unquoted(written);
  const match = LINE.exec(raw);
  const [, id = '', amountText = '', reason = ''] = match ?? [];
  if (first && !/^\d/.test(id) && HEADER.test(raw)) return undefined;
  if (!match) return 'write the payment ID, the amount and a reason, separated by commas: 4411, 25.50, duplicate';
  if (!/^\d{1,15}$/.test(id) || Number(id) < 1) return `the payment ID is a positive whole number, not "${id}".`;
  // "25,50" read as 25 with the reason "50" would refund the wrong amount: it must be said.
  if (/^\d{1,2}$/.test(reason) && !amountText.includes('.')) return DECIMAL_COMMA;
  const amount = amountField.safeParse(amountText);
  if (!amount.success) return amount.error.issues[0]?.message ?? 'the amount is not valid.';
  if (reason.length > REASON_MAX) return `keep the reason to ${REASON_MAX} characters or fewer.`;
  return { line: number, originalPaymentIntentId: Number(id), amount: amount.data, reason: reason || batchReason };
}

/**
 * A CSV row with quoted fields (`"4411","1,250.00","late, sorry"`, as a spreadsheet writes it) as
 * tab-separated fields; a row without quotes as it is.
 */
function unquoted(row: string): string {
  if (!row.includes('"')) return row;
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < row.length; i++) {
    const c = row[i]!;
    if (quoted && c === '"' && row[i + 1] === '"') {
      field += '"';
      i++;
    } else if (c === '"') quoted = !quoted;
    else if (!quoted && (c === ',' || c === ';' || c === '\t')) {
      fields.push(field.trim());
      field = '';
    } else field += c;
  }
  fields.push(field.trim());
  return fields.join('\t');
}

/** The lines of a message that read as refunds (a pasted list), as written; every other line is left out. */
export function refundLinesIn(text: string): string[] {
  return text.split(/\r?\n/).filter((raw, index) => typeof readLine(raw, index + 1, 'any', false) === 'object');
}

export function parseBatchLines(text: string, batchReason: string): BatchParse {
  const lines: BatchLine[] = [];
  const problems: string[] = [];
  const lineOfPayment = new Map<number, number>();
  for (const [index, raw] of text.split(/\r?\n/).entries()) {
    const number = index + 1;
    const read = readLine(raw, number, batchReason, lines.length === 0 && problems.length === 0);
    if (read === undefined) continue;
    if (typeof read === 'string') {
      problems.push(`Line ${number}: ${read}`);
      continue;
    }
    const earlier = lineOfPayment.get(read.originalPaymentIntentId);
    if (earlier !== undefined) {
      problems.push(
        `Line ${number}: payment ${read.originalPaymentIntentId} is also on line ${earlier}: one refund per payment.`,
      );
      continue;
    }
    lineOfPayment.set(read.originalPaymentIntentId, number);
    lines.push(read);
  }
  if (problems.length > 0) return { ok: false, problems };
  if (lines.length === 0) return { ok: false, problems: ['Enter at least one line: payment ID, amount, reason.'] };
  if (lines.length > BATCH_LINES_MAX) {
    return {
      ok: false,
      problems: [`A batch holds at most ${BATCH_LINES_MAX} refunds; this one has ${lines.length}. Split it in two.`],
    };
  }
  const total = formatMinor(lines.reduce((sum, line) => sum + toMinor(line.amount), 0));
  return { ok: true, lines, total };
}
