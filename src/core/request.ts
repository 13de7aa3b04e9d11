/**
 * The MoneyRequest record: what was asked, who asked, and everything that happened to it since.
 * `details` never changes after the request is created; what is approved is what the card shows.
 */
import { z } from 'zod';
import { CURRENCIES, amountField } from './money.ts';

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

export const requestDetailsSchema = z.discriminatedUnion('kind', [refundInputSchema, payoutInputSchema]);

export type RefundDetails = z.output<typeof refundInputSchema>;
export type PayoutDetails = z.output<typeof payoutInputSchema>;
export type RequestDetails = RefundDetails | PayoutDetails;
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
  'approved',
  'executing',
  'pending',
  'processing',
  'completed',
  'failed',
  'needs_attention',
] as const;
export type RequestState = (typeof REQUEST_STATES)[number];

export const FINAL_STATES: readonly RequestState[] = ['rejected', 'completed', 'failed'];
/** States in which money may be moving: the app must follow them to the end, also after a restart. */
export const IN_FLIGHT_STATES: readonly RequestState[] = ['approved', 'executing', 'pending', 'processing', 'needs_attention'];

/** One thing that happened to a request; appended, never rewritten. Each is told to Slack once, in order. */
export type RequestEvent = { at: string } & (
  | { type: 'requested'; by: string }
  | { type: 'approved'; by: string }
  | { type: 'rejected'; by: string; reason: string }
  | { type: 'reference_minted'; referenceId: string }
  | { type: 'session_created'; sessionId: string }
  | { type: 'status'; execution: ExecutionSnapshot }
  | { type: 'failed'; message: string }
  | { type: 'attention'; message: string }
);
export type RequestEventType = RequestEvent['type'];

/** The Dollr side of an approved request: one attempt, one reference, never replaced. */
export interface Attempt {
  referenceId: string;
  sessionId?: string;
  /** Dollr's latest answer about this reference (from execute or status). */
  execution?: ExecutionSnapshot;
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
  /** Slack ts of the approval card, once posted. */
  cardTs?: string;
  createdAt: string;
  state: RequestState;
  approverId?: string;
  attempt?: Attempt;
  /** Why it failed, in Dollr's or our words. */
  failure?: string;
  events: RequestEvent[];
  /** How many of `events` Slack has been told about. */
  toldCount: number;
}

export const isFinal = (state: RequestState): boolean => FINAL_STATES.includes(state);

/** True while the app still owes this request work: following money, or telling Slack. */
export const hasWorkLeft = (request: MoneyRequest): boolean =>
  IN_FLIGHT_STATES.includes(request.state) || request.toldCount < request.events.length;
