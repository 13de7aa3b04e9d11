import { describe, expect, it } from 'vitest';
import { createPollScheduler } from '../../../src/core/execution/poll-scheduler.ts';
import { createFakeClock } from '../../support/fake-clock.ts';

describe('createPollScheduler', () => {
  it('wakes sleepers in time order on one timer', async () => {
    const clock = createFakeClock();
    const scheduler = createPollScheduler({ maxConcurrent: 2, clock });
    const woke: number[] = [];
    const sleeping = Promise.all([30, 10, 20].map((ms) => scheduler.sleep(ms).then(() => woke.push(ms))));
    expect(clock.pending()).toBe(1); // One timer, however many sleep.
    await clock.advance(30);
    await sleeping;
    expect(woke).toEqual([10, 20, 30]);
    expect(scheduler.stats().sleeping).toBe(0);
  });

  it('wakes a sleeper added after the timer was armed for a later one, and never one cancelled', async () => {
    const clock = createFakeClock();
    const scheduler = createPollScheduler({ maxConcurrent: 1, clock });
    const woke: string[] = [];
    scheduler.after(40, () => woke.push('late'));
    const cancelled = scheduler.after(5, () => woke.push('cancelled'));
    scheduler.after(10, () => woke.push('early'));
    scheduler.cancel(cancelled);
    await clock.advance(10);
    expect(woke).toEqual(['early']);
    await clock.advance(30);
    expect(woke).toEqual(['early', 'late']);
    expect(scheduler.stats().sleeping).toBe(0);
  });

  it('rejects a sleeper whose signal aborts, and forgets it', async () => {
    const scheduler = createPollScheduler({ maxConcurrent: 1, clock: createFakeClock() });
    const controller = new AbortController();
    const sleeping = scheduler.sleep(60_000, controller.signal);
    controller.abort(new Error('stop'));
    await expect(sleeping).rejects.toThrow('stop');
    expect(scheduler.stats().sleeping).toBe(0);
  });

  it('never runs more calls at once than allowed', async () => {
    const clock = createFakeClock();
    const scheduler = createPollScheduler({ maxConcurrent: 3, clock });
    let inFlight = 0;
    let most = 0;
    const call = async () => {
      inFlight++;
      most = Math.max(most, inFlight);
      await scheduler.sleep(5);
      inFlight--;
    };
    const all = Promise.all(Array.from({ length: 20 }, () => scheduler.limit(call)));
    await clock.advance(5 * 7);
    await all;
    expect(most).toBe(3);
  });

  it('sleeps past the longest timer Node allows without waking early or spinning', async () => {
    const clock = createFakeClock();
    const scheduler = createPollScheduler({ maxConcurrent: 1, clock });
    let woke = false;
    scheduler.after(30 * 24 * 60 * 60_000, () => {
      woke = true;
    }); // 30 days: past 2^31 - 1 ms.
    await clock.advance(1000);
    expect(woke).toBe(false);
    expect(clock.pending()).toBe(1);
    await clock.advance(30 * 24 * 60 * 60_000);
    expect(woke).toBe(true);
  });
});
