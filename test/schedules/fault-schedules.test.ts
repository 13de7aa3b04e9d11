/**
 * Randomized fault schedules (see plan.ts, harness.ts, invariants.ts): 200 per `npm test`, from a
 * seed printed with the summary. SCHEDULE_SEED plays a seed again; SCHEDULES changes the count.
 * A failing schedule prints its seed, its plan and its steps.
 */
import { describe, expect, it } from 'vitest';
import { failureReport, runSchedules, summaryLine } from './run-schedules.ts';

const seed = Number(process.env.SCHEDULE_SEED) || Math.floor(Math.random() * 2 ** 31);
const count = Number(process.env.SCHEDULES) || 200;

describe('randomized fault schedules', () => {
  it(`keep every invariant over ${count} schedules (seed ${seed})`, { timeout: 240_000 }, async () => {
    const summary = await runSchedules({ seed, count, concurrency: 12 });
    console.log(`faults[schedules] ${summaryLine(summary)}`);
    for (const outcome of summary.failed) console.log(failureReport(outcome, seed));
    expect(summary.failed.flatMap((o) => o.violations.map((v) => `schedule ${o.index}: ${v}`))).toEqual([]);
    expect(summary.schedules).toBe(count);
  });

  const batches = Number(process.env.BATCH_SCHEDULES) || 3;
  it(`execute every line of a batch of 100 refunds exactly once, over ${batches} schedules (seed ${seed})`, {
    timeout: 240_000,
  }, async () => {
    // One at a time: a hundred lines under faults keep both cores busy, and the wait for them has a deadline.
    const summary = await runSchedules({ seed, count: batches, concurrency: 1, batchLines: 100 });
    console.log(`faults[batch schedules] ${summaryLine(summary)}`);
    for (const outcome of summary.failed) console.log(failureReport(outcome, seed));
    expect(summary.failed.flatMap((o) => o.violations.map((v) => `schedule ${o.index}: ${v}`))).toEqual([]);
    expect(summary.schedules).toBe(batches);
  });
});
