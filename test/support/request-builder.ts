/**
 * Test data: a valid MoneyRequest that tests change only where it matters to them.
 */
import { randomUUID } from 'node:crypto';
import type { MoneyRequest } from '../../src/core/request.ts';

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
    events: [{ type: 'requested', by: 'U_REQ', at: AT }],
    toldCount: 0,
    ...overrides,
  };
}

/** The next version of `request` with `changes` applied, as a transition would write it. */
export function nextVersion(request: MoneyRequest, changes: Partial<MoneyRequest> = {}): MoneyRequest {
  return { ...request, ...changes, version: request.version + 1 };
}
