/**
 * A batch's run, on the memory store and a fake clock: it makes its lines a wave at a time (each a
 * refund request of its own, approved as the batch was, holding its share of the reservation),
 * counts them, and ends the batch as its lines ended.
 */
import { describe, expect, it } from 'vitest';
import { batchIdOf, runBatch } from '../../../src/core/execution/run-batch.ts';
import type { Fence } from '../../../src/core/ports.ts';
import type { MoneyRequest, RequestState } from '../../../src/core/request/request.ts';
import { memoryStore } from '../../support/core-harness.ts';
import { createFakeClock } from '../../support/fake-clock.ts';
import { aRequest } from '../../support/request-builder.ts';

const BATCH_ID = 'RBATCH2345';
const FENCE: Fence = { lease: `request:${BATCH_ID}`, epoch: 1 };

async function setUp(lineCount: number) {
  const clock = createFakeClock();
  const store = await memoryStore(clock);
  await store.acquireLease(FENCE.lease, 'me', 60_000);
  const at = clock.now().toISOString();
  const lines = Array.from({ length: lineCount }, (_, i) => ({
    line: i + 1,
    originalPaymentIntentId: 5000 + i,
    amount: '2.00',
    reason: 'incident',
  }));
  const batch: MoneyRequest = aRequest({
    id: BATCH_ID,
    details: { kind: 'refund_batch', lines, amount: `${2 * lineCount}.00`, reason: 'incident' },
    state: 'approved',
    approverId: 'U_APP',
    reservation: { day: at.slice(0, 10), bucket: 'refund', amountMinor: 200 * lineCount, limitMinor: 100_000 },
    events: [
      { type: 'requested', by: 'U_REQ', at },
      { type: 'approved', by: 'U_APP', at },
    ],
  });
  await store.insert(batch);
  const kicked: string[] = [];
  const announced: string[] = [];
  const refreshed: string[] = [];
  const deps = {
    store,
    clock,
    kick: (id: string) => void kicked.push(id),
    announce: (id: string) => void announced.push(id),
    refreshCard: (id: string) => void refreshed.push(id),
  };
  const end = async (line: number, state: RequestState) => {
    const current = (await store.get(`${BATCH_ID}-${line}`))!;
    await store.replace({ ...current, version: current.version + 1, state }, current);
  };
  return { store, deps, kicked, announced, refreshed, end, run: () => runBatch(deps, BATCH_ID, FENCE) };
}

describe('runBatch', () => {
  it('makes ten lines at first, each approved as the batch was with its share of the reservation', async () => {
    const { store, kicked, announced, run } = await setUp(25);
    await run();
    const batch = (await store.get(BATCH_ID))!;
    expect(batch.state).toBe('executing');
    expect(batch.events.at(-1)).toMatchObject({ type: 'batch_started', lines: 25 });
    expect(batch.progress).toMatchObject({ completed: 0, failed: 0, moving: 25 });
    expect(kicked).toEqual(Array.from({ length: 10 }, (_, i) => `${BATCH_ID}-${i + 1}`));
    expect(announced).toContain(BATCH_ID);
    const first = (await store.get(`${BATCH_ID}-1`))!;
    expect(first).toMatchObject({
      state: 'approved',
      details: { kind: 'refund', originalPaymentIntentId: 5000, amount: '2.00', reason: 'incident' },
      batchOf: { id: BATCH_ID, line: 1 },
      approverId: 'U_APP',
      reservation: { bucket: 'refund', amountMinor: 200 },
    });
    expect(first.reservation?.limitMinor).toBeUndefined();
    expect(first.events.map((e) => e.type)).toEqual(['requested', 'approved']);
    expect(await store.get(`${BATCH_ID}-11`)).toBeUndefined();
  });

  it('makes the next lines as earlier ones end, and counts them on the batch', async () => {
    const { store, kicked, refreshed, end, run } = await setUp(25);
    await run();
    for (const line of [1, 2, 3]) await end(line, 'completed');
    await end(4, 'failed');
    kicked.length = 0;
    await run();
    expect(kicked).toEqual([11, 12, 13, 14].map((n) => `${BATCH_ID}-${n}`));
    const batch = (await store.get(BATCH_ID))!;
    expect(batch.progress).toEqual({
      completed: 3,
      failed: 1,
      moving: 21,
      attention: 0,
      failedLines: [4],
      attentionLines: [],
    });
    expect(batch.events.at(-1)?.type).toBe('batch_started');
    expect(refreshed).toEqual([BATCH_ID]);
    // A second run with nothing new writes nothing.
    const version = batch.version;
    await run();
    expect((await store.get(BATCH_ID))!.version).toBe(version);
  });

  it('needs attention with a line that does, and ends as its lines ended', async () => {
    const { store, end, run } = await setUp(3);
    await run();
    await end(2, 'needs_attention');
    await run();
    expect(await store.get(BATCH_ID)).toMatchObject({ state: 'needs_attention' });
    expect((await store.get(BATCH_ID))!.events.at(-1)).toMatchObject({
      type: 'attention',
      message: 'line 2 has no final status from Dollr yet',
    });
    await end(1, 'completed');
    await end(2, 'completed');
    await end(3, 'failed');
    await run();
    const batch = (await store.get(BATCH_ID))!;
    expect(batch.state).toBe('partly_completed');
    expect(batch.events.at(-1)).toMatchObject({ type: 'batch_ended', completed: 2, failedLines: [3] });
  });

  it('names the batch of a line from its ID, and nothing else', () => {
    expect(batchIdOf(`${BATCH_ID}-12`)).toBe(BATCH_ID);
    expect(batchIdOf(BATCH_ID)).toBeUndefined();
    expect(batchIdOf('R_OTHER-1')).toBeUndefined();
  });
});
