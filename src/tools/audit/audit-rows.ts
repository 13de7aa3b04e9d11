/**
 * The audit trail of a request as rows: one row per event (the `events` array is append-only, so it
 * is the trail), sorted by time, each carrying the request's own columns too.
 */
import { currencyOf, subjectOf, type MoneyRequest } from '../../core/request/request.ts';
import { describeEvent } from './describe-event.ts';

export const AUDIT_COLUMNS = [
  'at',
  'request_id',
  'operation',
  'event',
  'by',
  'detail',
  'amount',
  'currency',
  'subject',
  'requester',
  'state',
  /** A batch's line: the batch's request ID and the line's number, `R7K2M9Q4XA#12`. */
  'batch_line',
] as const;
type AuditColumn = (typeof AUDIT_COLUMNS)[number];
/** Every field is text; empty when it does not apply. */
export type AuditRow = Record<AuditColumn, string>;

/** The rows of one request, oldest event first (events with the same time keep their order). */
export function auditRows(request: MoneyRequest): AuditRow[] {
  const events = (request.events as unknown as Array<Record<string, unknown>>)
    .map((event, index) => ({ event, index, time: Date.parse(String(event.at)) }))
    // Stable, and events with an unreadable time stay where the trail put them relative to each other.
    .sort((a, b) =>
      Number.isNaN(a.time) || Number.isNaN(b.time) ? a.index - b.index : a.time - b.time || a.index - b.index,
    );
  const shared = {
    request_id: request.id,
    operation: request.details.kind,
    amount: request.details.amount,
    currency: currencyOfRow(request),
    subject: subjectOf(request.details),
    requester: request.requesterId,
    state: request.state,
    batch_line: request.batchOf ? `${request.batchOf.id}#${request.batchOf.line}` : '',
  };
  return events.map(({ event, time }) => ({
    at: Number.isNaN(time) ? String(event.at ?? '') : new Date(time).toISOString(),
    ...shared,
    event: typeof event.type === 'string' ? event.type : '',
    by: typeof event.by === 'string' ? event.by : '',
    detail: describeEvent(event, request),
  }));
}

/**
 * A payout's or transfer's currency is named in the request; a refund's is the payer's, known only
 * once Dollr reports it (the latest answer about the attempt, or failing that the latest status event).
 */
function currencyOfRow(request: MoneyRequest): string {
  const named = currencyOf(request.details);
  if (named) return named;
  const fromAttempt = request.attempt?.execution?.payerCurrency;
  if (fromAttempt) return fromAttempt;
  for (const event of [...request.events].reverse()) {
    if (event.type === 'status' && event.execution.payerCurrency) return event.execution.payerCurrency;
  }
  return '';
}
