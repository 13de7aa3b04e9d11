/**
 * Named payees: the payout accounts a team pays, by name, from the policy file. An approver then sees
 * "Acme Supplies Ltd (account 7, USD)" instead of a bare number, and cannot mistake the supplier's
 * account for one the requester controls. With a list, an account not on it is refused, unless the
 * policy allows unnamed accounts: then the card flags it and it needs one more approval. Without a
 * list, an account number works as before and the card says it is not on a payee list.
 *
 * Transfers go to named counterparties only (the policy's counterparties list): a transfer moves
 * money to another Dollr wallet at once, so there is no "not on a list" transfer.
 */
import type { Currency } from '../request/money.ts';
import type { RequestDetails } from '../request/request.ts';

export interface Payee {
  name: string;
  payoutAccountId: number;
  currency: Currency;
  note?: string;
}

/** A counterparty's Dollr wallet that transfers may go to, by name. */
export interface Counterparty {
  name: string;
  counterpartyId: number;
  currency: Currency;
  note?: string;
}

export interface PayeeList {
  payees: readonly Payee[];
  /** An account not on the list may be paid, with one more approval. */
  allowUnnamed: boolean;
}

/**
 * What a payout's account or a transfer's counterparty was when the request was made, as its card
 * shows it (the name never changes after).
 */
export type PayeeStanding =
  | { kind: 'named'; name: string; currency: Currency; note?: string }
  /** A list exists and the account is not on it; the policy allows that, with one more approval. */
  | { kind: 'unnamed' }
  /** No payee list is configured. */
  | { kind: 'no_list' };

/** Refused verdicts have the shape of the refusal that tells the requester (core/result.ts). */
export type PayeeVerdict =
  | { ok: true; standing: PayeeStanding }
  | { ok: false; code: 'unknown_payee'; payoutAccountId: number }
  | { ok: false; code: 'payee_currency'; payee: Payee }
  | { ok: false; code: 'unknown_counterparty'; counterpartyId: number }
  | { ok: false; code: 'counterparty_currency'; counterparty: Counterparty };

const named = ({ name, currency, note }: Payee | Counterparty): PayeeStanding => ({
  kind: 'named',
  name,
  currency,
  ...(note ? { note } : {}),
});

/** Where a payout's account stands against the list, for the currency asked. */
function judgePayee(list: PayeeList | undefined, payoutAccountId: number, currency: Currency): PayeeVerdict {
  if (!list) return { ok: true, standing: { kind: 'no_list' } };
  const payee = list.payees.find((p) => p.payoutAccountId === payoutAccountId);
  if (!payee)
    return list.allowUnnamed
      ? { ok: true, standing: { kind: 'unnamed' } }
      : { ok: false, code: 'unknown_payee', payoutAccountId };
  if (payee.currency !== currency) return { ok: false, code: 'payee_currency', payee };
  return { ok: true, standing: named(payee) };
}

function judgeCounterparty(
  list: readonly Counterparty[] | undefined,
  counterpartyId: number,
  currency: Currency,
): PayeeVerdict {
  const counterparty = list?.find((c) => c.counterpartyId === counterpartyId);
  if (!counterparty) return { ok: false, code: 'unknown_counterparty', counterpartyId };
  if (counterparty.currency !== currency) return { ok: false, code: 'counterparty_currency', counterparty };
  return { ok: true, standing: named(counterparty) };
}

/** Where the one a request pays stands against its list now; undefined for refunds (they pay the payer back). */
export function judgeRecipient(
  lists: { payees?: PayeeList; counterparties?: readonly Counterparty[] },
  details: RequestDetails,
): PayeeVerdict | undefined {
  switch (details.kind) {
    case 'refund':
    case 'refund_batch':
      return undefined;
    case 'payout':
      return judgePayee(lists.payees, details.payoutAccountId, details.currency);
    case 'transfer':
      return judgeCounterparty(lists.counterparties, details.counterpartyId, details.currency);
  }
}
