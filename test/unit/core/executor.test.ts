/**
 * The executor against in-memory ports and a scripted Dollr, on fake timers: what it sends, what it
 * asks, and what it stores, for every reading of Dollr the docs allow.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../../src/adapters/store/create-store.ts';
import { createExecutor, type Executor, type HeldLease } from '../../../src/core/execution/executor.ts';
import { createPollScheduler } from '../../../src/core/execution/poll-scheduler.ts';
import type { MoneyRequest } from '../../../src/core/request/request.ts';
import { FencedWriteError } from '../../../src/core/store-refusals.ts';
import { approve } from '../../../src/core/request/transitions.ts';
import { writeOptions } from '../../../src/core/request/update-request.ts';
import {
  anApprovedRequest,
  capturingLogger,
  dollrError,
  memoryStore,
  scriptedDollr,
} from '../../support/core-harness.ts';
import { createFakeClock, type FakeClock } from '../../support/fake-clock.ts';
import { anExecution, aRequest } from '../../support/request-builder.ts';

const REFERENCE = '0b7e2c1a-8f5d-4e3b-9a6c-2d1f0e9b8a7c';
const TTL = 10_000;
const CALL_TIMEOUT = 1_000;

let clock: FakeClock;
let store: Store;
let dollr: ReturnType<typeof scriptedDollr>;
let executor: Executor;

function build(maxSends = 3): Executor {
  return createExecutor({
    store,
    gateway: dollr.gateway,
    clock,
    ids: { referenceId: () => REFERENCE },
    logger: capturingLogger(),
    announce: () => {},
    scheduler: createPollScheduler({ maxConcurrent: 4, clock }),
    pollIntervalMs: 100,
    retryBackoff: { initialMs: 100, maxMs: 400 },
    maxSends,
  });
}

/** The request's lease, taken in the store as the worker takes it. */
async function leaseOf(id: string, owner = 'A'): Promise<HeldLease> {
  const lease = `request:${id}`;
  const epoch = (await store.acquireLease(lease, owner, TTL))!;
  return {
    fence: { lease, epoch },
    async confirm() {
      const renewedAt = clock.now().getTime();
      if (!(await store.renewLease(lease, owner, TTL))) throw new FencedWriteError(lease);
      return renewedAt + TTL - CALL_TIMEOUT;
    },
  };
}

const get = async (id: string): Promise<MoneyRequest> => (await store.get(id))!;
const executeCalls = () => dollr.calls.filter((c) => c.method === 'executeRefund');

beforeEach(async () => {
  clock = createFakeClock(Date.parse('2026-12-04T10:00:00Z'));
  store = await memoryStore(clock);
  dollr = scriptedDollr();
  executor = build();
});

describe('executing an approved request', () => {
  it('mints one reference, creates the session, counts the send before it, returns what to follow', async () => {
    const request = await anApprovedRequest(store, clock);
    const following = await executor.run(request.id, await leaseOf(request.id));
    expect(following).toMatchObject({ id: request.id, referenceId: REFERENCE, status: 'PENDING' });
    expect(dollr.calls.map((c) => c.method)).toEqual(['createRefundSession', 'executeRefund']);
    expect((await get(request.id)).attempt).toMatchObject({ referenceId: REFERENCE, sessionId: '9001', sends: 1 });
  });

  it('fails a request whose first and only execute Dollr refused, saying it refused it', async () => {
    const request = await anApprovedRequest(store, clock);
    dollr.onExecute(dollrError('forbidden', 'Invalid passcode', { status: 403 }));
    expect(await executor.run(request.id, await leaseOf(request.id))).toBeUndefined();
    const failed = await get(request.id);
    expect(failed.state).toBe('failed');
    expect(failed.events.at(-1)).toMatchObject({
      type: 'failed',
      message: 'Dollr refused the refund: Invalid passcode',
      executeSent: true,
    });
  });

  it('never fails on a refused resend: asks with the same reference until Dollr shows the execution', async () => {
    const request = await anApprovedRequest(store, clock);
    dollr.onExecute(
      dollrError('timeout', 'no answer'),
      dollrError('rejected', 'reference_id: reference_id already exists', { refusal: 'duplicate_reference' }),
    );
    // Dollr's status lags behind the first execute: not found twice, then the execution.
    dollr.onStatus(undefined, undefined, anExecution({ referenceId: REFERENCE, status: 'PROCESSING' }));
    const run = executor.run(request.id, await leaseOf(request.id));
    await clock.advance(5_000);
    expect(await run).toMatchObject({ status: 'PROCESSING' });
    expect(executeCalls().map((c) => (c.input as { referenceId: string }).referenceId)).toEqual([REFERENCE, REFERENCE]);
    const stored = await get(request.id);
    expect(stored.state).toBe('processing');
    expect(stored.events.some((e) => e.type === 'failed')).toBe(false);
  });

  it('after its budget a refused resend needs attention, never fails, and is asked about until known', async () => {
    const request = await anApprovedRequest(store, clock);
    dollr.onExecute(
      dollrError('server', 'HTTP 502'),
      dollrError('rejected', 'session_id: session is not active', { refusal: 'session_used' }),
    );
    dollr.onStatus(undefined, undefined, undefined, undefined, undefined, undefined);
    const run = executor.run(request.id, await leaseOf(request.id));
    await clock.advance(5_000);
    const attention = await get(request.id);
    expect(attention.state).toBe('needs_attention');
    expect(attention.events.at(-1)).toMatchObject({
      type: 'attention',
      message: expect.stringContaining('the first send may have moved money'),
    });
    expect(executeCalls()).toHaveLength(2); // Never sent again after the refusal.
    dollr.onStatus(anExecution({ referenceId: REFERENCE, status: 'COMPLETED' }));
    await clock.advance(1_000);
    expect(await run).toBeUndefined();
    expect((await get(request.id)).state).toBe('completed');
  });

  it('asks before sending again when a counted send may have left (a crash after the count)', async () => {
    const request = await anApprovedRequest(store, clock, {
      state: 'executing',
      attempt: { referenceId: REFERENCE, sessionId: '77', sends: 1 },
    });
    dollr.onStatus(undefined);
    await executor.run(request.id, await leaseOf(request.id));
    expect(dollr.calls.map((c) => c.method)).toEqual(['getStatus', 'executeRefund']);
    expect((await get(request.id)).attempt?.sends).toBe(2);
  });

  it('asks before any send for a record from before sends were counted', async () => {
    const request = await anApprovedRequest(store, clock, {
      state: 'executing',
      attempt: { referenceId: REFERENCE, sessionId: '77' },
    });
    dollr.onStatus(anExecution({ referenceId: REFERENCE, status: 'COMPLETED' }));
    expect(await executor.run(request.id, await leaseOf(request.id))).toBeUndefined();
    expect(dollr.calls.map((c) => c.method)).toEqual(['getStatus']);
    expect((await get(request.id)).state).toBe('completed');
  });

  it("fails with Dollr status FAILED and gives the day's reservation back in the same write", async () => {
    const pending = aRequest({ createdAt: clock.now().toISOString() });
    await store.insert(pending);
    const approved = approve(pending, 'U_APP', undefined, clock.now());
    if (!approved.ok) throw new Error(approved.code);
    await store.replace(approved.value, pending, writeOptions(pending, approved.value));
    expect(await store.counter('daily:2026-12-04:refund')).toBe(2550);
    dollr.onExecute(
      anExecution({ referenceId: REFERENCE, status: 'FAILED', walletMessage: 'Insufficient wallet balance' }),
    );
    await executor.run(pending.id, await leaseOf(pending.id));
    const failed = await get(pending.id);
    expect(failed).toMatchObject({
      state: 'failed',
      failure: 'Insufficient wallet balance',
      reservation: { released: true },
    });
    expect(await store.counter('daily:2026-12-04:refund')).toBe(0);
  });
});

describe('a run whose lease is gone', () => {
  it('sends nothing when the renewal before the execute fails', async () => {
    const request = await anApprovedRequest(store, clock, {
      state: 'executing',
      attempt: { referenceId: REFERENCE, sessionId: '77', sends: 0 },
    });
    const lease = await leaseOf(request.id);
    await expect(
      executor.run(request.id, { ...lease, confirm: () => Promise.reject(new FencedWriteError(lease.fence.lease)) }),
    ).rejects.toBeInstanceOf(FencedWriteError);
    expect(executeCalls()).toHaveLength(0);
  });

  it("sends nothing once another holder took the lease: the store refuses the stale holder's count", async () => {
    const request = await anApprovedRequest(store, clock, {
      state: 'executing',
      attempt: { referenceId: REFERENCE, sessionId: '77', sends: 0 },
    });
    const stale = await leaseOf(request.id, 'A');
    // A stalls past its lease; B takes the request over.
    await clock.advance(TTL + 1);
    await leaseOf(request.id, 'B');
    await expect(
      executor.run(request.id, { ...stale, confirm: async () => clock.now().getTime() + TTL }),
    ).rejects.toBeInstanceOf(FencedWriteError);
    expect(executeCalls()).toHaveLength(0);
    expect((await get(request.id)).attempt?.sends).toBe(0);
  });

  it('sends nothing when the lease would not outlast the call (the count stays: the next run asks first)', async () => {
    const request = await anApprovedRequest(store, clock, {
      state: 'executing',
      attempt: { referenceId: REFERENCE, sessionId: '77', sends: 0 },
    });
    const lease = await leaseOf(request.id);
    await expect(
      executor.run(request.id, { ...lease, confirm: async () => clock.now().getTime() - 1 }),
    ).rejects.toBeInstanceOf(FencedWriteError);
    expect(executeCalls()).toHaveLength(0);
    expect((await get(request.id)).attempt?.sends).toBe(1);
  });
});
