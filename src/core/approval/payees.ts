/**
 * Named payees: the payout accounts a team pays, by name, from the policy file. An approver then sees
 * "Acme Supplies Ltd (account 7, USD)" instead of a bare number, and cannot mistake the supplier's
 * account for one the requester controls. With a list, an account not on it is refused, unless the
 * policy allows unnamed accounts: then the card flags it and it needs one more approval. Without a
 * list, an account number works as before and the card says it is not on a payee list.
 */
import type { Currency } from '../request/money.ts';

export interface Payee {
  name: string;
  payoutAccountId: number;
  currency: Currency;
  note?: string;
}

export interface PayeeList {
  payees: readonly Payee[];
  /** An account not on the list may be paid, with one more approval. */
  allowUnnamed: boolean;
}

/** What a payout's account was when the request was made, as its card shows it (the name never changes after). */
export type PayeeStanding =
  | { kind: 'named'; name: string; currency: Currency; note?: string }
  /** A list exists and the account is not on it; the policy allows that, with one more approval. */
  | { kind: 'unnamed' }
  /** No payee list is configured. */
  | { kind: 'no_list' };

export type PayeeVerdict =
  | { ok: true; standing: PayeeStanding }
  | { ok: false; code: 'unknown_payee' }
  | { ok: false; code: 'payee_currency'; payee: Payee };

/** Where a payout's account stands against the list, for the currency asked. */
export function judgePayee(list: PayeeList | undefined, payoutAccountId: number, currency: Currency): PayeeVerdict {
  if (!list) return { ok: true, standing: { kind: 'no_list' } };
  const payee = list.payees.find((p) => p.payoutAccountId === payoutAccountId);
  if (!payee)
    return list.allowUnnamed ? { ok: true, standing: { kind: 'unnamed' } } : { ok: false, code: 'unknown_payee' };
  if (payee.currency !== currency) return { ok: false, code: 'payee_currency', payee };
  const { name, note } = payee;
  return { ok: true, standing: { kind: 'named', name, currency, ...(note ? { note } : {}) } };
}
