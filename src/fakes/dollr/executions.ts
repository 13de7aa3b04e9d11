/**
 * The life of an execution in the fake: created once per reference (moving money at most once),
 * advanced by status polls or settled by a test, and shown as Dollr's ExecutionResponse.
 */
import { formatMinor } from '../../core/request/money.ts';
import { bump, type FakeState } from './state.ts';
import type { ExecutionRecord, ExecutionView, FakeExecutionStatus, FakeOperation, SettleOutcome } from './types.ts';

const INSUFFICIENT_BALANCE = 'Insufficient wallet balance';
const AUTO_STEPS: readonly FakeExecutionStatus[] = ['PENDING', 'PROCESSING', 'COMPLETED'];

export interface NewExecution {
  referenceId: string;
  operation: FakeOperation;
  sessionId: string;
  fingerprint: string;
  payerMinor: number;
  payeeMinor: number;
  currency: string;
  /** What leaves the merchant's wallet in `currency`. */
  debitMinor: number;
  originalPaymentIntentId?: number;
  payoutAccountId?: number;
  counterpartyId?: number;
}

/** Records a new execution. Money moves here and nowhere else; a scripted or real failure moves none. */
export function createExecution(state: FakeState, input: NewExecution): ExecutionRecord {
  const { fail, hold } = state.next;
  state.next = {};
  const record: ExecutionRecord = {
    referenceId: input.referenceId,
    operation: input.operation,
    sessionId: input.sessionId,
    status: 'PENDING',
    payerMinor: input.payerMinor,
    payerCurrency: input.currency,
    payeeMinor: input.payeeMinor,
    payeeCurrency: input.currency,
    providerTransactionId: null,
    gatewayMessage: null,
    walletMessage: null,
    fingerprint: input.fingerprint,
    held: hold === true || state.config.progression === 'manual',
    polls: 0,
    lagLeft: state.config.strict.statusLag,
    debitMinor: 0,
    createdAt: state.now(),
    ...(input.originalPaymentIntentId === undefined ? {} : { originalPaymentIntentId: input.originalPaymentIntentId }),
    ...(input.payoutAccountId === undefined ? {} : { payoutAccountId: input.payoutAccountId }),
    ...(input.counterpartyId === undefined ? {} : { counterpartyId: input.counterpartyId }),
  };
  const balance = state.balances.get(input.currency) ?? 0;
  if (fail) {
    finish(state, record, 'FAILED', fail);
  } else if (balance < input.debitMinor) {
    // Dollr reports a short wallet as a failed execution, not as an HTTP error.
    finish(state, record, 'FAILED', { walletMessage: INSUFFICIENT_BALANCE });
  } else {
    state.balances.set(input.currency, balance - input.debitMinor);
    record.debitMinor = input.debitMinor;
    bump(state.debits, input.referenceId);
  }
  state.executions.set(record.referenceId, record);
  return record;
}

/** One status poll: auto mode advances a step every `pollsPerStep` polls; held ones stop at PROCESSING. */
export function pollExecution(state: FakeState, record: ExecutionRecord): void {
  if (isFinal(record.status)) return;
  record.polls += 1;
  const step = Math.floor(record.polls / state.config.pollsPerStep);
  const next = record.held
    ? step >= 1
      ? 'PROCESSING'
      : 'PENDING'
    : AUTO_STEPS[Math.min(step, AUTO_STEPS.length - 1)]!;
  if (next === 'COMPLETED') finish(state, record, 'COMPLETED', {});
  else {
    record.status = next;
    if (next === 'PROCESSING') record.providerTransactionId ??= transactionId(state);
  }
}

/** Ends an execution as a test says. Refuses (with a reason) unknown references and final ones. */
export function settleExecution(
  state: FakeState,
  referenceId: string,
  status: 'COMPLETED' | 'FAILED',
  outcome: SettleOutcome = {},
): { ok: true; record: ExecutionRecord } | { ok: false; reason: string } {
  const record = state.executions.get(referenceId);
  if (!record) return { ok: false, reason: `No execution with reference_id ${referenceId}.` };
  if (isFinal(record.status)) return { ok: false, reason: `Execution ${referenceId} is already ${record.status}.` };
  finish(state, record, status, outcome);
  return { ok: true, record };
}

function finish(
  state: FakeState,
  record: ExecutionRecord,
  status: 'COMPLETED' | 'FAILED',
  outcome: SettleOutcome,
): void {
  record.status = status;
  record.gatewayMessage = outcome.gatewayMessage ?? record.gatewayMessage;
  record.walletMessage = outcome.walletMessage ?? record.walletMessage;
  if (status === 'COMPLETED') record.providerTransactionId ??= transactionId(state);
  if (status === 'FAILED' && record.debitMinor > 0) {
    // A failed execution gives the money back to the wallet.
    state.balances.set(record.payerCurrency, (state.balances.get(record.payerCurrency) ?? 0) + record.debitMinor);
    record.debitMinor = 0;
  }
}

/** Dollr's `operation_type` values (COLLECTION exists too, but the fake executes no collections). */
const OPERATION_TYPES: Record<FakeOperation, string> = { refund: 'REFUND', payout: 'PAYOUT', transfer: 'TRANSFER' };

const isFinal = (status: FakeExecutionStatus) => status === 'COMPLETED' || status === 'FAILED';
const transactionId = (state: FakeState) => `FAKE-TX-${String(state.nextTransaction++).padStart(6, '0')}`;

/** Dollr's wire shape: amounts as JSON numbers in major units. */
export function executionResponse(record: ExecutionRecord) {
  return {
    reference_id: record.referenceId,
    status: record.status,
    payer_amount: record.payerMinor / 100,
    payer_currency: record.payerCurrency,
    payee_amount: record.payeeMinor / 100,
    payee_currency: record.payeeCurrency,
    operation_type: OPERATION_TYPES[record.operation],
    provider_transaction_id: record.providerTransactionId,
    gateway_message: record.gatewayMessage,
    wallet_message: record.walletMessage,
    client_secret: null,
    requires_action: null,
  };
}

export function executionView(record: ExecutionRecord): ExecutionView {
  return {
    referenceId: record.referenceId,
    operation: record.operation,
    sessionId: record.sessionId,
    status: record.status,
    payerAmount: formatMinor(record.payerMinor),
    payerCurrency: record.payerCurrency,
    payeeAmount: formatMinor(record.payeeMinor),
    payeeCurrency: record.payeeCurrency,
    providerTransactionId: record.providerTransactionId,
    gatewayMessage: record.gatewayMessage,
    walletMessage: record.walletMessage,
    ...(record.originalPaymentIntentId === undefined
      ? {}
      : { originalPaymentIntentId: record.originalPaymentIntentId }),
    ...(record.payoutAccountId === undefined ? {} : { payoutAccountId: record.payoutAccountId }),
    ...(record.counterpartyId === undefined ? {} : { counterpartyId: record.counterpartyId }),
    createdAt: record.createdAt.toISOString(),
  };
}
