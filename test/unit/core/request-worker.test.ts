/**
 * The request worker against in-memory ports: the real executor and outbox, a scripted Dollr, a
 * sender that records what Slack would be told (test/support/recording-slack.ts), and a store
 * whose lease release can be held open.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../../src/adapters/store/create-store.ts';
import { createExecutor } from '../../../src/core/execution/executor.ts';
import { createOutbox } from '../../../src/core/delivery/outbox.ts';
import { createPollScheduler } from '../../../src/core/execution/poll-scheduler.ts';
import { createCardUpdates } from '../../../src/core/delivery/card-updates.ts';
import { runBatch } from '../../../src/core/execution/run-batch.ts';
import { createRequestWorker, type RequestWorker } from '../../../src/core/request-worker.ts';
import { approve } from '../../../src/core/request/transitions.ts';
import { writeOptions } from '../../../src/core/request/update-request.ts';
import { capturingLogger, memoryStore, scriptedDollr } from '../../support/core-harness.ts';
import { immediatePacing, type RecordingSender, recordingSender } from '../../support/recording-slack.ts';
import { createFakeClock, type FakeClock } from '../../support/fake-clock.ts';
import { aRequest } from '../../support/request-builder.ts';

let clock: FakeClock;
let store: Store;
let dollr: ReturnType<typeof scriptedDollr>;
let worker: RequestWorker;
let sender: RecordingSender;
/** What Slack was told, as `<request ID>:<event type>`. */
const told = () => sender.messages.flatMap((m) => m.types.map((type) => `${m.requestId}:${type}`));
/** While set, releaseLease waits for it. */
let releaseHeld: Promise<void> | undefined;
let releasesStarted = 0;

beforeEach(async () => {
  clock = createFakeClock(Date.parse('2026-12-04T10:00:00Z'));
  store = await memoryStore(clock);
  const release = store.releaseLease.bind(store);
  store.releaseLease = async (name, owner) => {
    releasesStarted++;
    await releaseHeld;
    return release(name, owner);
  };
  dollr = scriptedDollr();
  sender = recordingSender();
  releasesStarted = 0;
  releaseHeld = undefined;
  const logger = capturingLogger();
  const scheduler = createPollScheduler({ maxConcurrent: 4, clock });
  const pacing = immediatePacing();
  const cards = createCardUpdates({ store, pacing, sender });
  const outbox = createOutbox({ store, pacing, sender, cards, clock, logger });
  const executor = createExecutor({
    store,
    gateway: dollr.gateway,
    clock,
    ids: { referenceId: () => '0b7e2c1a-8f5d-4e3b-9a6c-2d1f0e9b8a7c' },
    logger,
    announce: (id) => void outbox.flush(id),
    scheduler,
    pollIntervalMs: 100,
  });
  const batches = {
    store,
    clock,
    kick: (id: string) => void worker.kick(id),
    announce: (id: string) => void outbox.flush(id),
    refreshCard: () => {},
  };
  worker = createRequestWorker({
    store,
    leases: store,
    outbox,
    executor,
    runBatch: (id, fence) => runBatch(batches, id, fence),
    scheduler,
    clock,
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
  const stopped = worker.stop(1000);
  await clock.advance(1000);
  await stopped;
});

async function approveInStore(id: string): Promise<void> {
  const current = (await store.get(id))!;
  const next = approve(current, 'U_APP', undefined, clock.now());
  if (!next.ok) throw new Error(next.code);
  expect(await store.replace(next.value, current, writeOptions(current, next.value))).toBe(true);
}

describe('kicks', () => {
  it('are never lost: an approval kicked while the last run gives its lease back starts a run at once', async () => {
    const request = aRequest({ createdAt: clock.now().toISOString() });
    await store.insert(request);
    let letGo!: () => void;
    releaseHeld = new Promise((resolve) => (letGo = resolve));
    const first = worker.kick(request.id); // Posts the card, then gives the lease back (held open).
    await clock.settle();
    expect(releasesStarted).toBe(1);
    expect(told()).toEqual([`${request.id}:requested`]);

    // The approval lands while the first run is on its way out.
    await approveInStore(request.id);
    const second = worker.kick(request.id);
    releaseHeld = undefined;
    letGo();
    await first;
    await second;
    await clock.advance(100);
    expect(dollr.count('executeRefund')).toBe(1);
    expect((await store.get(request.id))?.state).toBe('pending');
  });

  it('while a run works on the request, make it look again before it ends', async () => {
    const request = aRequest({ createdAt: clock.now().toISOString() });
    await store.insert(request);
    const run = worker.kick(request.id);
    await approveInStore(request.id);
    void worker.kick(request.id);
    await run;
    await clock.advance(100);
    expect(dollr.count('executeRefund')).toBe(1);
  });
});
