/**
 * The MoneyRequest record: what was asked, who asked, and everything that happened to it since.
 * `details` never changes after the request is created; what is approved is what the card shows.
 */
import { z } from 'zod';
import type { ApproverSet } from '../approval/approval-policy.ts';
import type { PayeeStanding } from '../approval/payees.ts';
import { CURRENCIES, amountField, type Currency } from './money.ts';

export const REASON_MAX = 500;

const positiveId = (label: string) =>
  z
    .string({ error: `Enter the ${label}.` })
    .trim()
    .min(1, `Enter the ${label}.`)
    .regex(/^\d{1,15}$/, `The ${label} is a positive whole number, for example 4411.`)
    .transform(Number)
    .refine((n) => n >= 1 && Number.isSafeInteger(n), `The ${label} is a positive whole number, for example 4411.`);

const reasonField = z
  .string({ error: 'Enter a reason.' })
  .trim()
  .min(1, 'Enter a reason.')
  .max(REASON_MAX, `Keep the reason to ${REASON_MAX} characters or fewer.`);

/** What a person fills in for a refund; parses the modal's text fields. */
export const refundInputSchema = z.object({
  kind: z.literal('refund'),
  originalPaymentIntentId: positiveId('original payment ID'),
  amount: amountField,
  reason: reasonField,
});

/** What a person fills in for a payout; parses the modal's text fields. */
export const payoutInputSchema = z.object({
  kind: z.literal('payout'),
  payoutAccountId: positiveId('payout account ID'),
  amount: amountField,
  currency: z.enum(CURRENCIES, { error: `Choose a currency: ${CURRENCIES.join(', ')}.` }),
  reason: reasonField,
});

/**
 * What a person fills in for a transfer from the merchant's wallet to a counterparty's Dollr wallet.
 * The currency is the named counterparty's, taken from the list when the form is read.
 */
export const transferInputSchema = z.object({
  kind: z.literal('transfer'),
  counterpartyId: positiveId('counterparty ID'),
  amount: amountField,
  currency: z.enum(CURRENCIES, { error: `Choose a currency: ${CURRENCIES.join(', ')}.` }),
  reason: reasonField,
});

/** The most lines one batch of refunds may hold. */
export const BATCH_LINES_MAX = 100;

/** One refund of a batch, numbered as the person wrote it (from 1). */
export interface BatchLine {
  line: number;
  originalPaymentIntentId: number;
  amount: string;
  reason: string;
}

/**
 * A batch of refunds (after an incident): approved once, as one request whose amount is the total;
 * each line is then executed as a refund request of its own (`MoneyRequest.batchOf`), with its own
 * reference, and reported on the batch's card and thread.
 */
export interface RefundBatchDetails {
  kind: 'refund_batch';
  lines: BatchLine[];
  /** The sum of the lines (each in its original payment's currency). */
  amount: string;
  reason: string;
}

type RefundDetails = z.output<typeof refundInputSchema>;
type PayoutDetails = z.output<typeof payoutInputSchema>;
type TransferDetails = z.output<typeof transferInputSchema>;
export type RequestDetails = RefundDetails | PayoutDetails | TransferDetails | RefundBatchDetails;
export type Operation = RequestDetails['kind'];

export const EXECUTION_STATUSES = ['PENDING', 'PROCESSING', 'COMPLETED', 'FAILED'] as const;
export type ExecutionStatus = (typeof EXECUTION_STATUSES)[number];

/** Dollr's answer about one execution, as our core sees it. Amounts as Dollr sent them, in text. */
export interface ExecutionSnapshot {
  referenceId: string;
  status: ExecutionStatus;
  payerAmount: string;
  payerCurrency: string;
  payeeAmount: string;
  payeeCurrency: string;
  gatewayMessage?: string | null;
  walletMessage?: string | null;
}

export const REQUEST_STATES = [
  'awaiting_approval',
  'rejected',
  'cancelled',
  'expired',
  'approved',
  'executing',
  'pending',
  'processing',
  'completed',
  'failed',
  /** A batch whose lines ended, some completed and some failed. */
  'partly_completed',
  'needs_attention',
] as const;
export type RequestState = (typeof REQUEST_STATES)[number];

const FINAL_STATES: readonly RequestState[] = [
  'rejected',
  'cancelled',
  'expired',
  'completed',
  'failed',
  'partly_completed',
];
/** States in which money may be moving: the app must follow them to the end, also after a restart. */
export const IN_FLIGHT_STATES: readonly RequestState[] = [
  'approved',
  'executing',
  'pending',
  'processing',
  'needs_attention',
];

/** One thing that happened to a request; appended, never rewritten. Each is told to Slack once, in order. */
export type RequestEvent = { at: string } & (
  | { type: 'requested'; by: string }
  | { type: 'approved'; by: string; comment?: string }
  | { type: 'rejected'; by: string; reason: string }
  | { type: 'cancelled'; by: string }
  | { type: 'expired' }
  | { type: 'reminded'; to: string[] }
  | { type: 'reference_minted'; referenceId: string }
  | { type: 'session_created'; sessionId: string }
  | { type: 'status'; execution: ExecutionSnapshot }
  /**
   * Final before Dollr executed anything: no execute was sent (`executeSent` absent), or Dollr
   * refused the first and only execute sent with this reference (`executeSent` true).
   */
  | { type: 'failed'; message: string; executeSent?: boolean }
  | { type: 'attention'; message: string }
  /** An execute's answer did not come through (`code`: timeout, network, server, bad_response); Dollr is asked. */
  | { type: 'execute_unanswered'; referenceId: string; code: string }
  | { type: 'slack_failed'; event: string; message: string }
  /** The payee list changed for this payout's account since it was requested: what the list says now. */
  | { type: 'payee_changed'; now: PayeeStanding }
  /** A batch's lines were made, each a refund request of its own, and set going. */
  | { type: 'batch_started'; lines: number }
  /** Every line of a batch ended: how many completed, and the lines that failed (no money moved). */
  | { type: 'batch_ended'; completed: number; failedLines: number[] }
);

/** Where the lines of a batch stand, as its card shows them. */
export interface BatchProgress {
  completed: number;
  failed: number;
  /** Approved, executing, pending or processing at Dollr. */
  moving: number;
  attention: number;
  failedLines: number[];
  attentionLines: number[];
}

/** The Dollr side of an approved request: one attempt, one reference, never replaced. */
interface Attempt {
  referenceId: string;
  sessionId?: string;
  /**
   * Execute bodies that may have reached Dollr: written before each send, so that after a crash or
   * on another replica nobody takes the reference for one Dollr never saw. 0 once the session
   * exists; absent on records from before it was kept (then treated as "may have been sent").
   */
  sends?: number;
  /** Dollr's latest answer about this reference (from execute or status). */
  execution?: ExecutionSnapshot;
}

/**
 * An amount counted against a day's usage of one operation (and payout currency), whatever the
 * limit: taken in the same atomic write as the approval that completed the rule, given back in the
 * same write that records the request failed with no money moved.
 */
export interface Reservation {
  /** The UTC day, 2026-12-04. */
  day: string;
  /** `refund`, `payout:USD` or `transfer:USD`. */
  bucket: string;
  amountMinor: number;
  /** The limit the reservation was checked against, if the rule had one. */
  limitMinor?: number;
  released?: true;
}

/** Dollr's estimate of a payout's fees and what the payee receives; shown as an estimate. */
export interface FeePreview {
  payeeAmount: string;
  payeeCurrency: string;
  /** Every fee Dollr named, added up, in `feeCurrency`. */
  fees: string;
  feeCurrency: string;
}

/** What the card shows reviewers before anyone approves; taken when the request is made. */
export interface RequestChecks {
  /** Other open or recent requests for the same payment or account and amount. */
  possibleDuplicates: string[];
  /** Refunds: what this app already refunded (or is refunding) against that payment, in minor units. */
  refundedBeforeMinor?: number;
  feePreview?: FeePreview;
}

export interface MoneyRequest {
  /** Our ID, shown on the card; not Dollr's reference. */
  id: string;
  /** Bumped by every write; writes are compare-and-set on it. */
  version: number;
  details: RequestDetails;
  requesterId: string;
  /** Channel the card goes to. */
  channelId: string;
  createdAt: string;
  state: RequestState;
  /** Distinct approvals needed, fixed when the request was made (the policy's rule then). */
  approvalsRequired: number;
  /** How the rule reads on the card, e.g. "2 approvals (refunds above 500.00)". */
  ruleDescription?: string;
  checks?: RequestChecks;
  /**
   * Who may give approval 1, 2, …, fixed when the request was made (a policy change applies to new
   * requests only); an index without an entry takes the last one. Absent on older records: the
   * policy as it is now decides.
   */
  approverLevels?: ApproverSet[];
  /** The daily limit of the rule when the request was made, in minor units; absent: none. */
  dailyLimitMinor?: number;
  /** This request's share of its day's usage, taken by the approval that completed its rule. */
  reservation?: Reservation;
  /** The approver whose approval completed the rule (or who rejected it). */
  approverId?: string;
  /**
   * Payouts: the account's standing against the payee list when the request was made; transfers:
   * the counterparty's name from the counterparty list (always named).
   */
  payee?: PayeeStanding;
  attempt?: Attempt;
  /** Why it failed, in Dollr's or our words. */
  failure?: string;
  /** A line of a batch: the batch's request ID and the line's number. Its card and thread are the batch's. */
  batchOf?: { id: string; line: number };
  /** A batch: where its lines stand (written by the batch's runs). */
  progress?: BatchProgress;
  events: RequestEvent[];
}

/** What a request is about, for finding others about the same thing: `refund:4411`, `payout:7`, `transfer:21`. */
export function subjectOf(details: RequestDetails): string {
  switch (details.kind) {
    case 'refund':
      return `refund:${details.originalPaymentIntentId}`;
    case 'payout':
      return `payout:${details.payoutAccountId}`;
    case 'transfer':
      return `transfer:${details.counterpartyId}`;
    case 'refund_batch':
      return `refund_batch:${details.lines.length}:${details.amount}`;
  }
}

/** The currency a request names; undefined for a refund (its original payment's, unknown to us). */
export const currencyOf = (details: RequestDetails): Currency | undefined =>
  details.kind === 'refund' || details.kind === 'refund_batch' ? undefined : details.currency;

export const isFinal = (state: RequestState): boolean => FINAL_STATES.includes(state);

/** The approvals given so far, in order. */
export const approvalsOf = (request: MoneyRequest) =>
  request.events.filter((e): e is Extract<RequestEvent, { type: 'approved' }> => e.type === 'approved');
