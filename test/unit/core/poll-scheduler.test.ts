import { describe, expect, it, vi } from 'vitest';
import { createPollScheduler } from '../../../src/core/execution/poll-scheduler.ts';

describe('createPollScheduler', () => {
  it('wakes sleepers in time order on one timer', async () => {
    const scheduler = createPollScheduler({ maxConcurrent: 2 });
    const woke: number[] = [];
    await Promise.all([30, 10, 20].map((ms) => scheduler.sleep(ms).then(() => woke.push(ms))));
    expect(woke).toEqual([10, 20, 30]);
    expect(scheduler.stats().sleeping).toBe(0);
  });

  it('wakes a sleeper added after the timer was armed for a later one, and never one cancelled', async () => {
    const scheduler = createPollScheduler({ maxConcurrent: 1 });
    const woke: string[] = [];
    scheduler.after(40, () => woke.push('late'));
    const cancelled = scheduler.after(5, () => woke.push('cancelled'));
    scheduler.after(10, () => woke.push('early'));
    scheduler.cancel(cancelled);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(woke).toEqual(['early', 'late']);
    expect(scheduler.stats().sleeping).toBe(0);
  });

  it('rejects a sleeper whose signal aborts, and forgets it', async () => {
    const scheduler = createPollScheduler({ maxConcurrent: 1 });
    const controller = new AbortController();
    const sleeping = scheduler.sleep(60_000, controller.signal);
    controller.abort(new Error('stop'));
    await expect(sleeping).rejects.toThrow('stop');
    expect(scheduler.stats().sleeping).toBe(0);
  });

  it('never runs more calls at once than allowed', async () => {
    const scheduler = createPollScheduler({ maxConcurrent: 3 });
    let inFlight = 0;
    let most = 0;
    const call = async () => {
      inFlight++;
      most = Math.max(most, inFlight);
      await scheduler.sleep(5);
      inFlight--;
    };
    await Promise.all(Array.from({ length: 20 }, () => scheduler.limit(call)));
    expect(most).toBe(3);
  });

  it('sleeps past the longest timer Node allows without waking early or spinning', async () => {
    vi.useFakeTimers();
    try {
      const scheduler = createPollScheduler({ maxConcurrent: 1 });
      let woke = false;
      scheduler.after(30 * 24 * 60 * 60_000, () => (woke = true)); // 30 days: past 2^31 - 1 ms.
      await vi.advanceTimersByTimeAsync(1000);
      expect(woke).toBe(false);
      expect(vi.getTimerCount()).toBe(1);
      await vi.advanceTimersByTimeAsync(30 * 24 * 60 * 60_000);
      expect(woke).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });
});
