import { describe, expect, it } from 'vitest';
import type { ExecutionSnapshot, MoneyRequest } from '../../../src/core/request/request.ts';
import {
  approve,
  cancel,
  expire,
  newRequest,
  recordExecution,
  recordReference,
  reject,
} from '../../../src/core/request/transitions.ts';

const now = new Date('2026-11-28T12:00:00Z');
const requestNeeding = (approvalsRequired: number): MoneyRequest =>
  newRequest({
    id: 'R234567890',
    details: { kind: 'refund', originalPaymentIntentId: 4411, amount: '25.50', reason: 'duplicate' },
    requesterId: 'UREQUESTER',
    channelId: 'CFINANCE',
    approvalsRequired,
    now,
  });
const request = requestNeeding(1);
const snapshot = (status: ExecutionSnapshot['status']): ExecutionSnapshot => ({
  referenceId: 'ref',
  status,
  payerAmount: '25.50',
  payerCurrency: 'USD',
  payeeAmount: '25.50',
  payeeCurrency: 'USD',
});
const value = <T>(r: { ok: true; value: T } | { ok: false; code: string }): T => {
  if (!r.ok) throw new Error(r.code);
  return r.value;
};

describe('decisions', () => {
  it('claims a one-approval request at the first approval, and refuses a second', () => {
    const approved = value(approve(request, 'UAPPROVER', undefined, now));
    expect(approved.state).toBe('approved');
    expect(approved.version).toBe(2);
    expect(approve(approved, 'UOTHER', undefined, now)).toMatchObject({ ok: false, code: 'already_decided' });
  });

  it('needs distinct approvers for a two-approval request; nobody counts twice', () => {
    const once = value(approve(requestNeeding(2), 'UA', 'looks right', now));
    expect(once.state).toBe('awaiting_approval');
    expect(approve(once, 'UA', undefined, now)).toMatchObject({ ok: false, code: 'already_approved_by_you' });
    const twice = value(approve(once, 'UB', undefined, now));
    expect(twice.state).toBe('approved');
    expect(twice.approverId).toBe('UB');
    expect(twice.events.filter((e) => e.type === 'approved')).toEqual([
      { type: 'approved', by: 'UA', comment: 'looks right', at: now.toISOString() },
      { type: 'approved', by: 'UB', at: now.toISOString() },
    ]);
  });

  it('never lets the requester decide', () => {
    expect(approve(request, 'UREQUESTER', undefined, now)).toMatchObject({
      ok: false,
      code: 'self_approval_forbidden',
    });
    expect(reject(request, 'UREQUESTER', 'no', now)).toMatchObject({ ok: false, code: 'self_approval_forbidden' });
  });

  it('records a rejection with its reason', () => {
    const rejected = value(reject(request, 'UAPPROVER', 'not ours', now));
    expect(rejected.events.at(-1)).toMatchObject({ type: 'rejected', by: 'UAPPROVER', reason: 'not ours' });
  });

  it('lets only the requester cancel, and only while pending', () => {
    expect(cancel(request, 'UAPPROVER', now)).toMatchObject({ ok: false, code: 'not_the_requester' });
    expect(value(cancel(request, 'UREQUESTER', now)).state).toBe('cancelled');
    const approved = value(approve(request, 'UAPPROVER', undefined, now));
    expect(cancel(approved, 'UREQUESTER', now)).toMatchObject({ ok: false, code: 'already_decided' });
  });

  it('expires only pending requests', () => {
    expect(expire(request, now)?.state).toBe('expired');
    expect(expire(value(approve(request, 'UAPPROVER', undefined, now)), now)).toBeUndefined();
  });
});

describe('execution records', () => {
  const approved = value(approve(request, 'UAPPROVER', undefined, now));

  it('mints the reference once, and only after approval', () => {
    expect(() => recordReference(request, 'ref', now)).toThrow();
    const executing = recordReference(approved, 'ref', now);
    expect(executing.attempt?.referenceId).toBe('ref');
    expect(() => recordReference(executing, 'other', now)).toThrow();
  });

  it('writes a status only when it changed', () => {
    const executing = { ...recordReference(approved, 'ref', now), attempt: { referenceId: 'ref', sessionId: '1' } };
    const pending = recordExecution(executing, snapshot('PENDING'), now)!;
    expect(pending.state).toBe('pending');
    expect(recordExecution(pending, snapshot('PENDING'), now)).toBeUndefined();
    const failed = recordExecution(
      pending,
      { ...snapshot('FAILED'), walletMessage: 'Insufficient wallet balance' },
      now,
    )!;
    expect(failed.state).toBe('failed');
    expect(failed.failure).toBe('Insufficient wallet balance');
  });
});
