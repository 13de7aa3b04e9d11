/**
 * A Clock that only moves when a test moves it: `advance(ms)` runs every timer that falls due on
 * the way, in time order, letting the promises each one sets off settle before the next. Chance
 * is a fixed 0.5 unless set. No unit test of the core waits for real time.
 */
import type { Clock } from '../../src/core/ports.ts';

interface Timer {
  at: number;
  seq: number;
  wake: () => void;
  /** Repeats every this many ms. */
  every?: number;
}

export interface FakeClock extends Clock {
  /** Moves time forward by ms, firing what falls due on the way. */
  advance(ms: number): Promise<void>;
  /** Lets pending promises settle without moving time. */
  settle(): Promise<void>;
  /** Timers waiting to fire. */
  pending(): number;
  /** The value random() returns from now on. */
  setRandom(value: number): void;
  /** Sets the wall time (ms since the epoch), forward or back, firing nothing: the day changed, say. */
  setTime(at: number): void;
}

/** One turn of the real event loop: every microtask queued before it (and by it) runs first. */
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

export function createFakeClock(start = Date.parse('2026-12-04T10:00:00Z')): FakeClock {
  let now = start;
  let seq = 0;
  let chance = 0.5;
  const timers = new Set<Timer>();
  const add = (timer: Omit<Timer, 'seq'>) => {
    const entry = { ...timer, seq: seq++ };
    timers.add(entry);
    return () => void timers.delete(entry);
  };
  const next = (until: number) =>
    [...timers].filter((t) => t.at <= until).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];

  return {
    now: () => new Date(now),
    sleep(ms, signal) {
      return new Promise<void>((resolve, reject) => {
        if (signal?.aborted) return reject(signal.reason);
        const cancel = add({ at: now + ms, wake: resolve });
        signal?.addEventListener(
          'abort',
          () => {
            cancel();
            reject(signal.reason);
          },
          { once: true },
        );
      });
    },
    after: (ms, wake) => add({ at: now + ms, wake }),
    every: (ms, tick) => add({ at: now + ms, wake: tick, every: ms }),
    random: () => chance,
    setRandom(value) {
      chance = value;
    },
    setTime(at) {
      now = at;
    },
    pending: () => timers.size,
    settle: async () => {
      await turn();
      await turn();
    },
    async advance(ms) {
      const end = now + ms;
      await turn();
      for (let timer = next(end); timer; timer = next(end)) {
        now = Math.max(now, timer.at);
        timers.delete(timer);
        if (timer.every !== undefined) timers.add({ ...timer, at: timer.at + timer.every, seq: seq++ });
        timer.wake();
        await turn();
      }
      now = end;
      await turn();
    },
  };
}
