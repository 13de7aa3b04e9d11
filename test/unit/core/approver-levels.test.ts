/** Who may give each approval is fixed when a request is made: a policy change applies to new requests only. */
import { describe, expect, it } from 'vitest';
import { approverSetFrom, createApprovalPolicy } from '../../../src/core/approval/approval-policy.ts';
import { approveRequest } from '../../../src/core/approval/decide-request.ts';
import type { Directory } from '../../../src/core/ports.ts';
import { requestMoney } from '../../../src/core/request/request-money.ts';
import { memoryStore } from '../../support/core-harness.ts';
import { createFakeClock } from '../../support/fake-clock.ts';

const clock = createFakeClock(Date.parse('2026-12-04T10:00:00Z'));
const directory: Directory = {
  isIn: async (user, set) => set.users.includes(user),
  expand: async (set) => [...set.users],
};

describe('approvers fixed at request time', () => {
  it('keeps the approvers a request was made with after a policy change; new requests get the new ones', async () => {
    const store = await memoryStore(clock);
    const before = createApprovalPolicy(
      {
        rules: [
          {
            operation: 'refund',
            tiers: [{ aboveMinor: 0, approvalsRequired: 1, levels: [approverSetFrom(['U_OLD'])] }],
          },
        ],
      },
      approverSetFrom(['U_OLD']),
    );
    const after = createApprovalPolicy({}, approverSetFrom(['U_NEW']));
    const details = { kind: 'refund' as const, originalPaymentIntentId: 4411, amount: '5.00', reason: 'r' };
    const made = await requestMoney(
      { store, clock, policy: before, payoutsConfigured: true, transfersConfigured: true, requestsPerMinute: 30 },
      { id: 'R_OLDRULE', details, requesterId: 'U_REQ', channelId: 'C1' },
    );
    expect(made.ok && made.value.approverLevels).toEqual([{ users: ['U_OLD'], groups: [] }]);

    // The policy now names U_NEW only; the request made before still takes U_OLD's approval, not U_NEW's.
    expect(await approveRequest({ store, clock, policy: after, directory }, 'R_OLDRULE', 'U_NEW')).toMatchObject({
      ok: false,
      code: 'not_an_approver',
    });
    expect(await approveRequest({ store, clock, policy: after, directory }, 'R_OLDRULE', 'U_OLD')).toMatchObject({
      ok: true,
    });

    await requestMoney(
      { store, clock, policy: after, payoutsConfigured: true, transfersConfigured: true, requestsPerMinute: 30 },
      { id: 'R_NEWRULE', details, requesterId: 'U_REQ', channelId: 'C1' },
    );
    expect(await approveRequest({ store, clock, policy: after, directory }, 'R_NEWRULE', 'U_OLD')).toMatchObject({
      ok: false,
      code: 'not_an_approver',
    });
    expect(await approveRequest({ store, clock, policy: after, directory }, 'R_NEWRULE', 'U_NEW')).toMatchObject({
      ok: true,
    });
  });
});
