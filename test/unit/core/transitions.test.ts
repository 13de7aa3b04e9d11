import { describe, expect, it } from 'vitest';
import { approverListPolicy } from '../../../src/core/policy.ts';
import type { ExecutionSnapshot } from '../../../src/core/request.ts';
import { approve, newRequest, recordExecution, recordReference, reject } from '../../../src/core/transitions.ts';

const now = new Date('2026-11-28T12:00:00Z');
const policy = approverListPolicy(['UAPPROVER', 'UOTHER']);
const request = newRequest({
  id: 'R234567890',
  details: { kind: 'refund', originalPaymentIntentId: 4411, amount: '25.50', reason: 'duplicate' },
  requesterId: 'UREQUESTER',
  channelId: 'CFINANCE',
  now,
});
const snapshot = (status: ExecutionSnapshot['status']): ExecutionSnapshot => ({
  referenceId: 'ref',
  status,
  payerAmount: '25.50',
  payerCurrency: 'USD',
  payeeAmount: '25.50',
  payeeCurrency: 'USD',
});

describe('decisions', () => {
  it('lets a listed approver approve, once', () => {
    const approved = approve(request, 'UAPPROVER', policy, now);
    expect(approved.ok && approved.value.state).toBe('approved');
    expect(approved.ok && approved.value.version).toBe(2);
    const again = approved.ok ? approve(approved.value, 'UOTHER', policy, now) : approved;
    expect(again).toMatchObject({ ok: false, code: 'already_decided' });
  });

  it('never lets the requester decide, even when listed', () => {
    const selfPolicy = approverListPolicy(['UREQUESTER']);
    expect(approve(request, 'UREQUESTER', selfPolicy, now)).toMatchObject({ ok: false, code: 'self_approval_forbidden' });
    expect(reject(request, 'UREQUESTER', 'no', selfPolicy, now)).toMatchObject({ ok: false, code: 'self_approval_forbidden' });
  });

  it('refuses people not listed', () => {
    expect(approve(request, 'USOMEONE', policy, now)).toMatchObject({ ok: false, code: 'not_an_approver' });
  });

  it('records a rejection with its reason', () => {
    const rejected = reject(request, 'UAPPROVER', 'not ours', policy, now);
    expect(rejected.ok && rejected.value.events.at(-1)).toMatchObject({ type: 'rejected', by: 'UAPPROVER', reason: 'not ours' });
  });
});

describe('execution records', () => {
  const approved = (() => {
    const r = approve(request, 'UAPPROVER', policy, now);
    if (!r.ok) throw new Error('setup');
    return r.value;
  })();

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
    const failed = recordExecution(pending, { ...snapshot('FAILED'), walletMessage: 'Insufficient wallet balance' }, now)!;
    expect(failed.state).toBe('failed');
    expect(failed.failure).toBe('Insufficient wallet balance');
  });
});
