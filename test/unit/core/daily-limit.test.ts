/**
 * Daily limits as the use cases meet them: approvals that complete at the same moment cannot pass
 * the limit together, usage counts by the day of the approval however old the request, and a
 * request that ends with no money moved gives its amount back.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../../src/adapters/store/create-store.ts';
import { approverSetFrom, createApprovalPolicy } from '../../../src/core/approval/approval-policy.ts';
import { approveRequest } from '../../../src/core/approval/decide-request.ts';
import type { Directory } from '../../../src/core/ports.ts';
import { requestMoney } from '../../../src/core/request/request-money.ts';
import { memoryStore } from '../../support/core-harness.ts';
import { createFakeClock, type FakeClock } from '../../support/fake-clock.ts';

const policy = createApprovalPolicy(
  { rules: [{ operation: 'payout', currency: 'USD', dailyLimitMinor: 150_00, tiers: [] }] },
  approverSetFrom(['U_APP']),
);
const directory: Directory = {
  isIn: async (user, set) => set.users.includes(user),
  expand: async (set) => [...set.users],
};

let clock: FakeClock;
let store: Store;

/** The memory store with a turn of the event loop before every operation, as a networked store has. */
function withRoundTrips(inner: Store): Store {
  const turn = () => new Promise((resolve) => setImmediate(resolve));
  return new Proxy(inner, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver);
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        await turn();
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

function ask(id: string, amount: string, at?: string) {
  if (at) clock.setTime(Date.parse(at));
  return requestMoney(
    { store, clock, policy, payoutsConfigured: true, transfersConfigured: true, requestsPerMinute: 100 },
    {
      id,
      details: { kind: 'payout', payoutAccountId: 7, amount, currency: 'USD', reason: 'r' },
      requesterId: 'U_REQ',
      channelId: 'C1',
    },
  );
}

async function payout(id: string, amount: string, at?: string) {
  const made = await ask(id, amount, at);
  if (!made.ok) throw new Error(made.code);
  return made.value;
}

const approveAs = (id: string) => approveRequest({ store, clock, policy, directory }, id, 'U_APP');

beforeEach(async () => {
  clock = createFakeClock(Date.parse('2026-12-04T10:00:00Z'));
  store = withRoundTrips(await memoryStore(clock));
});

describe('a daily limit', () => {
  it('lets one of three 100.00 payouts approved at the same moment through a 150.00 limit', async () => {
    for (const id of ['R1', 'R2', 'R3']) await payout(id, '100.00');
    const outcomes = await Promise.all(['R1', 'R2', 'R3'].map(approveAs));
    expect(outcomes.filter((o) => o.ok)).toHaveLength(1);
    const refused = outcomes.filter((o) => !o.ok);
    expect(refused.map((o) => !o.ok && o.code)).toEqual(['over_daily_limit', 'over_daily_limit']);
    expect(refused[0]).toMatchObject({ usedMinor: 100_00, limitMinor: 150_00 });
    expect(await store.counter('daily:2026-12-04:payout:USD')).toBe(100_00);
  });

  it('counts a request by the day it was approved, however long it waited', async () => {
    await payout('OLD', '100.00', '2026-11-20T10:00:00Z');
    clock.setTime(Date.parse('2026-12-04T09:00:00Z'));
    expect((await approveAs('OLD')).ok).toBe(true);
    expect(await ask('NEW', '60.00')).toMatchObject({
      ok: false,
      code: 'over_daily_limit',
      usedMinor: 100_00,
    });
  });

  it('starts every UTC day at zero', async () => {
    await payout('A', '100.00', '2026-12-04T23:59:00Z');
    expect((await approveAs('A')).ok).toBe(true);
    await payout('B', '100.00', '2026-12-05T00:00:01Z');
    expect((await approveAs('B')).ok).toBe(true);
  });
});
