/**
 * One scheduler for every status poll: a single timer wakes whoever is due (however many requests are
 * followed), and a global limit bounds the Dollr calls in flight, so a thousand followed requests cost
 * a thousand sleepers (a time and a callback), not a thousand timers or a thousand simultaneous calls.
 */
export interface PollScheduler {
  /** Calls wake after ms, on the shared timer. */
  after(ms: number, wake: () => void): Sleeper;
  /** Forgets a sleeper that has not woken yet. */
  cancel(sleeper: Sleeper): void;
  /** Resolves after ms (on the shared timer); rejects with the signal's reason when it aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** Runs a Dollr call when a slot is free (at most maxConcurrent at once). */
  limit<T>(call: () => Promise<T>): Promise<T>;
  /** How many sleepers wait, and how many calls run or queue (for the benchmark and logs). */
  stats(): { sleeping: number; running: number; queued: number };
}

export interface Sleeper {
  at: number;
  wake: () => void;
}

import type { Clock } from '../ports.ts';

/** Node's longest timer (2^31 - 1 ms); longer ones fire at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export function createPollScheduler(options: { maxConcurrent: number; clock: Clock }): PollScheduler {
  const { clock } = options;
  const now = () => clock.now().getTime();
  const sleepers = new Set<Sleeper>();
  let cancelTimer: (() => void) | undefined;
  let timerAt = Infinity;

  /**
   * Makes the timer fire by `at`. A sleeper that wakes later needs no scan: the timer is early
   * enough. A timer longer than Node allows fires at once, so a far wake-up is reached in steps.
   */
  function armBy(at: number): void {
    if (at >= timerAt) return;
    cancelTimer?.();
    timerAt = Math.min(at, now() + MAX_TIMER_MS);
    cancelTimer = clock.after(Math.max(0, timerAt - now()), tick);
  }

  function tick(): void {
    timerAt = Infinity;
    const t = now();
    let next = Infinity;
    for (const s of sleepers) {
      if (s.at <= t) {
        sleepers.delete(s);
        s.wake();
      } else if (s.at < next) next = s.at;
    }
    armBy(next);
  }

  let running = 0;
  const queue: Array<() => void> = [];

  function after(ms: number, wake: () => void): Sleeper {
    const sleeper = { at: now() + ms, wake };
    sleepers.add(sleeper);
    armBy(sleeper.at);
    return sleeper;
  }

  /** The timer stays armed (it finds nothing due and rearms) unless nobody sleeps any more. */
  function cancel(sleeper: Sleeper): void {
    if (sleepers.delete(sleeper) && sleepers.size === 0) {
      cancelTimer?.();
      timerAt = Infinity;
    }
  }

  return {
    after,
    cancel,
    sleep(ms, signal) {
      return new Promise<void>((resolve, reject) => {
        if (signal?.aborted) return reject(signal.reason);
        const onAbort = () => {
          cancel(sleeper);
          reject(signal!.reason);
        };
        const sleeper = after(ms, () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        });
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    },
    async limit(call) {
      if (running >= options.maxConcurrent) await new Promise<void>((resolve) => queue.push(resolve));
      running++;
      try {
        return await call();
      } finally {
        running--;
        queue.shift()?.();
      }
    },
    stats: () => ({ sleeping: sleepers.size, running, queued: queue.length }),
  };
}
