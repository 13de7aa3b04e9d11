/**
 * A store deadline is not proof that nothing was written: a decision or a new request whose write
 * outlived its deadline is read back before anyone is told anything.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { refusalText } from '../../../src/adapters/slack/blocks/outcome-text.ts';
import type { Store } from '../../../src/adapters/store/create-store.ts';
import { StoreError } from '../../../src/adapters/store/store-error.ts';
import { approverSetFrom, createApprovalPolicy } from '../../../src/core/approval/approval-policy.ts';
import { approveRequest } from '../../../src/core/approval/decide-request.ts';
import type { Directory } from '../../../src/core/ports.ts';
import { requestMoney } from '../../../src/core/request/request-money.ts';
import { memoryStore } from '../../support/core-harness.ts';
import { createFakeClock } from '../../support/fake-clock.ts';
import { aRequest } from '../../support/request-builder.ts';

const clock = createFakeClock(Date.parse('2026-12-04T10:00:00Z'));
const policy = createApprovalPolicy({}, approverSetFrom(['U_APP', 'U_APP2']));
const directory: Directory = {
  isIn: async (user, set) => set.users.includes(user),
  expand: async (set) => [...set.users],
};
const timeout = () => new StoreError('store_unavailable', 'The store did not answer within 2000 ms (replace).');

let store: Store;
beforeEach(async () => {
  store = await memoryStore(clock);
});

/** The next write goes as `how` says: it lands but its answer is lost, or it is lost before the store. */
function nextWrite(how: 'lands, answer lost' | 'lost' | 'lost, another writer wins') {
  const replace = store.replace.bind(store);
  store.replace = async (next, basedOn, options) => {
    store.replace = replace;
    if (how === 'lands, answer lost') await replace(next, basedOn, options);
    if (how === 'lost, another writer wins') {
      const current = (await store.get(next.id))!;
      await replace(
        {
          ...current,
          version: current.version + 1,
          events: [...current.events, { type: 'reminded', to: [], at: current.createdAt }],
        },
        current,
      );
    }
    throw timeout();
  };
}

describe('a decision whose write outlived its deadline', () => {
  it('is reported as made when the store holds it', async () => {
    const request = aRequest();
    await store.insert(request);
    nextWrite('lands, answer lost');
    const outcome = await approveRequest({ store, clock, policy, directory }, request.id, 'U_APP');
    expect(outcome).toMatchObject({ ok: true, value: { state: 'approved' } });
  });

  it('is unconfirmed, never "nothing was changed", when the store still holds the version before', async () => {
    const request = aRequest();
    await store.insert(request);
    nextWrite('lost');
    const outcome = await approveRequest({ store, clock, policy, directory }, request.id, 'U_APP');
    expect(outcome).toMatchObject({ ok: false, code: 'unconfirmed' });
    const told = outcome.ok ? '' : refusalText(outcome);
    expect(told).toContain('cannot tell whether your decision was saved');
    expect(told).not.toMatch(/nothing was changed/i);
  });

  it('is made again on what the store holds when another write got there instead', async () => {
    const request = aRequest();
    await store.insert(request);
    nextWrite('lost, another writer wins');
    const outcome = await approveRequest({ store, clock, policy, directory }, request.id, 'U_APP');
    expect(outcome).toMatchObject({ ok: true, value: { state: 'approved', version: 3 } });
  });
});

describe('a new request whose insert outlived its deadline', () => {
  it('is reported as made when the store holds it', async () => {
    const insert = store.insert.bind(store);
    store.insert = async (request) => {
      await insert(request);
      throw timeout();
    };
    const outcome = await requestMoney(
      { store, clock, policy, payoutsConfigured: true, transfersConfigured: true, requestsPerMinute: 30 },
      {
        id: 'RSLOWINSERT',
        details: { kind: 'refund', originalPaymentIntentId: 4411, amount: '5.00', reason: 'r' },
        requesterId: 'U_REQ',
        channelId: 'C1',
      },
    );
    expect(outcome).toMatchObject({ ok: true, value: { id: 'RSLOWINSERT' } });
  });
});
