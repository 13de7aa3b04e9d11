/** Words and fields that describe a request the same way on the card, in the thread and in answers. */
import { plural } from '../../../core/plural.ts';
import { displayAmount, toMinor } from '../../../core/request/money.ts';
import type { MoneyRequest, RequestDetails, RequestState } from '../../../core/request/request.ts';
import { escapeMrkdwn } from '../mrkdwn.ts';

/** An ISO time as people read it in Slack, to the minute (then " UTC"): 2026-12-04 10:15. */
export const utcMinute = (iso: string): string => iso.slice(0, 16).replace('T', ' ');
/** To the second, for the trail. */
export const utcSecond = (iso: string): string => iso.slice(0, 19).replace('T', ' ');

const OPERATION_NAMES = {
  refund: 'Refund',
  payout: 'Payout',
  transfer: 'Transfer',
  refund_batch: 'Refund batch',
} as const;
export const operationName = (details: RequestDetails): string => OPERATION_NAMES[details.kind];

/**
 * "25.50 USD". A refund is asked for in the original payment's currency, which Dollr names only
 * once it reports the execution: until then "25.50 (in the original payment's currency)"; then the
 * currency it reported, or both sides when the payer's and the payee's differ. Plain text, safe.
 */
export function amountText(request: Pick<MoneyRequest, 'details' | 'attempt'>): string {
  const { details } = request;
  const execution = request.attempt?.execution;
  const amount = displayAmount(details.amount);
  if (details.kind === 'refund_batch') return `${amount} in all (each line in its payment's currency)`;
  if (details.kind !== 'refund') return `${amount} ${details.currency}`;
  if (!execution) return `${amount} (in the original payment's currency)`;
  if (execution.payerCurrency === execution.payeeCurrency) return `${amount} ${escapeMrkdwn(execution.payeeCurrency)}`;
  return escapeMrkdwn(
    `${amount} (payer ${execution.payerAmount} ${execution.payerCurrency}, ` +
      `payee ${execution.payeeAmount} ${execution.payeeCurrency})`,
  );
}

/**
 * "Refund of 25.50 (in the original payment's currency) for payment 4411",
 * "Payout of 10.00 USD to Acme (account 7)", "Transfer of 250.00 USD to Northwind (counterparty 21)".
 */
export function summary(request: Pick<MoneyRequest, 'details' | 'attempt' | 'payee'>): string {
  const { details } = request;
  if (details.kind === 'refund_batch')
    return `Refund batch of ${plural(details.lines.length, 'refund')}, ${amountText(request)}`;
  return details.kind === 'refund'
    ? `Refund of ${amountText(request)} for payment ${details.originalPaymentIntentId}`
    : `${operationName(details)} of ${amountText(request)} to ${recipientText(request)}`;
}

/** "Acme Supplies Ltd (account 7)" for a named payee, else "payout account 7"; a transfer's counterparty. Escaped. */
function recipientText(request: Pick<MoneyRequest, 'details' | 'payee'>): string {
  const { details, payee } = request;
  const name = payee?.kind === 'named' ? escapeMrkdwn(payee.name) : undefined;
  switch (details.kind) {
    case 'refund':
    case 'refund_batch':
      return '';
    case 'payout':
      return name ? `${name} (account ${details.payoutAccountId})` : `payout account ${details.payoutAccountId}`;
    case 'transfer':
      return `${name ?? 'counterparty'} (counterparty ${details.counterpartyId})`;
  }
}

/** The card's field for what the money is about: the payment refunded, or who is paid. */
export function idFields(request: Pick<MoneyRequest, 'details' | 'payee'>): string[] {
  const { details, payee } = request;
  if (details.kind === 'refund') return [`*Original payment ID*\n${details.originalPaymentIntentId}`];
  if (details.kind === 'refund_batch') {
    const largest = details.lines.reduce((a, b) => (toMinor(b.amount) > toMinor(a.amount) ? b : a));
    return [
      `*Lines*\n${details.lines.length}; the largest ${displayAmount(largest.amount)} ` +
        `(line ${largest.line}, payment ${largest.originalPaymentIntentId})`,
    ];
  }
  if (details.kind === 'transfer') {
    // Transfers go to listed counterparties only, so the name is always there (the number is a fallback).
    const name = payee?.kind === 'named' ? escapeMrkdwn(payee.name) : 'Counterparty';
    const note = payee?.kind === 'named' && payee.note ? `\n_${escapeMrkdwn(payee.note)}_` : '';
    return [`*To*\n${name}\ncounterparty ${details.counterpartyId}, ${details.currency}${note}`];
  }
  if (payee?.kind === 'named') {
    const note = payee.note ? `\n_${escapeMrkdwn(payee.note)}_` : '';
    return [`*Payee*\n${escapeMrkdwn(payee.name)}\naccount ${details.payoutAccountId}, ${payee.currency}${note}`];
  }
  const standing =
    payee?.kind === 'unnamed' ? ':warning: not on the payee list: one more approval needed' : '(not on a payee list)';
  return [`*Payout account ID*\n${details.payoutAccountId} ${standing}`];
}

export const STATE_LABELS: Record<RequestState, string> = {
  awaiting_approval: 'Awaiting approval',
  rejected: 'Rejected',
  cancelled: 'Cancelled',
  expired: 'Expired',
  approved: 'Approved, executing',
  executing: 'Executing',
  pending: 'Pending at Dollr',
  processing: 'Processing at Dollr',
  completed: 'Completed',
  failed: 'Failed',
  partly_completed: 'Partly completed',
  needs_attention: 'Needs attention',
};

export const reasonText = (request: MoneyRequest): string => escapeMrkdwn(request.details.reason);
