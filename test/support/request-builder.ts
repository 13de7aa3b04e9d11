/**
 * Test data: a valid MoneyRequest that tests change only where it matters to them.
 */
import { randomUUID } from 'node:crypto';
import type { ExecutionSnapshot, MoneyRequest, RequestEvent } from '../../src/core/request/request.ts';

const AT = '2026-11-28T12:00:00.000Z';

/** A refund awaiting approval, version 1, its `requested` event not yet told to Slack. A fresh ID each call. */
export function aRequest(overrides: Partial<MoneyRequest> = {}): MoneyRequest {
  return {
    id: `R${randomUUID().replace(/-/g, '').slice(0, 12).toUpperCase()}`,
    version: 1,
    details: { kind: 'refund', originalPaymentIntentId: 4411, amount: '25.50', reason: 'duplicate charge' },
    requesterId: 'U_REQ',
    channelId: 'C_FINANCE',
    createdAt: AT,
    state: 'awaiting_approval',
    approvalsRequired: 1,
    events: [{ type: 'requested', by: 'U_REQ', at: AT }],
    ...overrides,
  };
}

/** The next version of `request` with `changes` applied, as a transition would write it. */
export function nextVersion(request: MoneyRequest, changes: Partial<MoneyRequest> = {}): MoneyRequest {
  return { ...request, ...changes, version: request.version + 1 };
}

/** Dollr's answer about an execution: a completed 25.50 USD refund unless told otherwise. */
export function anExecution(overrides: Partial<ExecutionSnapshot> = {}): ExecutionSnapshot {
  return {
    referenceId: 'ref-1',
    status: 'COMPLETED',
    payerAmount: '25.50',
    payerCurrency: 'USD',
    payeeAmount: '25.50',
    payeeCurrency: 'USD',
    gatewayMessage: null,
    walletMessage: null,
    ...overrides,
  };
}

/** `minutes` after the ISO time `start`, as an ISO time: for trails of events a few minutes apart. */
const minutesAfter = (start: string, minutes: number): string =>
  new Date(Date.parse(start) + minutes * 60_000).toISOString();

/**
 * The events of a request that went all the way, a minute apart from `start`: requested by U_REQ,
 * approved by U_APP, reference and session, PROCESSING, then `final` (COMPLETED by default).
 */
export function aCompletedTrail(start: string, final: Partial<ExecutionSnapshot> = {}): RequestEvent[] {
  const at = (minutes: number) => minutesAfter(start, minutes);
  return [
    { type: 'requested', by: 'U_REQ', at: at(0) },
    { type: 'approved', by: 'U_APP', at: at(1) },
    { type: 'reference_minted', referenceId: 'ref-1', at: at(2) },
    { type: 'session_created', sessionId: '9001', at: at(3) },
    { type: 'status', execution: anExecution({ status: 'PROCESSING' }), at: at(4) },
    { type: 'status', execution: anExecution(final), at: at(5) },
  ];
}
