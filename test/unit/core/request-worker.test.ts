/**
 * The request worker against in-memory ports: the real executor and outbox, a scripted Dollr, a
 * notifier that records what Slack would be told, and a store whose lease release can be held open.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Store } from '../../../src/adapters/store/create-store.ts';
import { createExecutor } from '../../../src/core/execution/executor.ts';
import { createOutbox } from '../../../src/core/delivery/outbox.ts';
import { createPollScheduler } from '../../../src/core/execution/poll-scheduler.ts';
import type { Notifier } from '../../../src/core/ports.ts';
import { createRequestWorker, type RequestWorker } from '../../../src/core/request-worker.ts';
import { approve } from '../../../src/core/request/transitions.ts';
import { writeOptions } from '../../../src/core/request/update-request.ts';
import { capturingLogger, elapse, fakeTimersClock, memoryStore, scriptedDollr } from '../../support/core-harness.ts';
import { aRequest } from '../../support/request-builder.ts';

let store: Store;
let dollr: ReturnType<typeof scriptedDollr>;
let worker: RequestWorker;
let told: string[];
/** While set, releaseLease waits for it. */
let releaseHeld: Promise<void> | undefined;
let releasesStarted = 0;

const notifier: Notifier = {
  async tell(request, claim) {
    const claimed = await claim();
    if (!claimed) return {};
    told.push(...claimed.events.map((e) => `${request.id}:${e.type}`));
    return claimed.events[0]?.type === 'requested' ? { cardTs: '1700000000.000100' } : {};
  },
  async refreshCard() {},
};

beforeEach(async () => {
  vi.useFakeTimers({ now: new Date('2026-12-04T10:00:00Z') });
  store = await memoryStore();
  const release = store.releaseLease.bind(store);
  store.releaseLease = async (name, owner) => {
    releasesStarted++;
    await releaseHeld;
    return release(name, owner);
  };
  dollr = scriptedDollr();
  told = [];
  releasesStarted = 0;
  releaseHeld = undefined;
  const logger = capturingLogger();
  const scheduler = createPollScheduler({ maxConcurrent: 4 });
  const outbox = createOutbox({ store, notifier, clock: fakeTimersClock, logger });
  const executor = createExecutor({
    store,
    gateway: dollr.gateway,
    clock: fakeTimersClock,
    ids: { referenceId: () => '0b7e2c1a-8f5d-4e3b-9a6c-2d1f0e9b8a7c' },
    logger,
    announce: (id) => void outbox.flush(id),
    scheduler,
    pollIntervalMs: 100,
  });
  worker = createRequestWorker({
    store,
    leases: store,
    outbox,
    executor,
    scheduler,
    clock: fakeTimersClock,
    logger,
    owner: 'worker-A',
    leaseTtlMs: 10_000,
    callTimeoutMs: 1_000,
    // Long: a kick must not wait for a sweep.
    sweepIntervalMs: 60 * 60_000,
    watchPending: async () => {},
    watchDue: () => false,
  });
});
afterEach(async () => {
  releaseHeld = undefined;
  await worker.stop(1000);
  vi.useRealTimers();
});

async function approveInStore(id: string): Promise<void> {
  const current = (await store.get(id))!;
  const next = approve(current, 'U_APP', undefined, new Date());
  if (!next.ok) throw new Error(next.message);
  expect(await store.replace(next.value, current, writeOptions(current, next.value))).toBe(true);
}

describe('kicks', () => {
  it('are never lost: an approval kicked while the previous run gives its lease back starts the next run at once', async () => {
    const request = aRequest({ createdAt: new Date().toISOString() });
    await store.insert(request);
    let letGo!: () => void;
    releaseHeld = new Promise((resolve) => (letGo = resolve));
    const first = worker.kick(request.id); // Posts the card, then gives the lease back (held open).
    await vi.waitFor(() => expect(releasesStarted).toBe(1));
    expect(told).toEqual([`${request.id}:requested`]);

    // The approval lands while the first run is on its way out.
    await approveInStore(request.id);
    const second = worker.kick(request.id);
    releaseHeld = undefined;
    letGo();
    await first;
    await second;
    await elapse(100);
    await vi.waitFor(() => expect(dollr.count('executeRefund')).toBe(1));
    expect((await store.get(request.id))?.state).toBe('pending');
  });

  it('while a run works on the request, make it look again before it ends', async () => {
    const request = aRequest({ createdAt: new Date().toISOString() });
    await store.insert(request);
    const run = worker.kick(request.id);
    await approveInStore(request.id);
    void worker.kick(request.id);
    await run;
    await elapse(100);
    await vi.waitFor(() => expect(dollr.count('executeRefund')).toBe(1));
  });
});
