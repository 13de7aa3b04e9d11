/**
 * A domain outcome: the value, or a refusal with a stable snake_case code and the data that explains
 * it. The core says what happened; the words for people are the adapters' (for Slack, see
 * adapters/slack/blocks/refusal-text.ts).
 */
import type { ApproverSet } from './approval/approval-policy.ts';
import type { Freeze } from './approval/freeze.ts';
import type { Counterparty, Payee } from './approval/payees.ts';
import type { MoneyRequest, RequestDetails } from './request/request.ts';

export type Refusal =
  | { code: 'unknown_request'; requestId: string }
  /** The request no longer takes decisions: it was decided, cancelled or expired. */
  | { code: 'already_decided'; request: MoneyRequest }
  | { code: 'self_approval_forbidden'; requestId: string }
  | { code: 'already_approved_by_you'; requestId: string }
  | { code: 'not_the_requester'; requestId: string; requesterId: string }
  /** Approval number `approval` of `of` can only be given by `set`. */
  | { code: 'not_an_approver'; approval: number; of: number; set: ApproverSet }
  | { code: 'frozen'; freeze: Freeze }
  /** `line`: the line of a batch that is over it (then `details` are that line's). */
  | { code: 'over_maximum'; details: RequestDetails; maxMinor: number; line?: number }
  | { code: 'over_daily_limit'; details: RequestDetails; usedMinor: number; limitMinor: number }
  /** A write outlived the store's deadline and could not be read back: it may or may not have landed. */
  | { code: 'unconfirmed' }
  | { code: 'duplicate_submission'; requestId: string }
  | { code: 'payouts_not_configured' }
  /** No source wallet (DOLLR_TRANSFER_WALLET_ID) or no counterparties in the policy. */
  | { code: 'transfers_not_configured' }
  | { code: 'too_many_requests'; perMinute: number }
  | { code: 'not_an_admin' }
  /** A payee list is configured, the account is not on it, and the policy does not allow unnamed accounts. */
  | { code: 'unknown_payee'; payoutAccountId: number }
  /** The named payee is paid in another currency. */
  | { code: 'payee_currency'; payee: Payee }
  /** Transfers go to the policy's named counterparties only. */
  | { code: 'unknown_counterparty'; counterpartyId: number }
  | { code: 'counterparty_currency'; counterparty: Counterparty };

export type RefusalOf<C extends Refusal['code']> = Extract<Refusal, { code: C }>;

export type Result<T, R extends Refusal = Refusal> = { ok: true; value: T } | ({ ok: false } & R);

export const ok = <T>(value: T): { ok: true; value: T } => ({ ok: true, value });

export const refuse = <R extends Refusal>(refusal: R): { ok: false } & R => ({ ok: false, ...refusal });
