/**
 * One scheduler for every status poll: a single timer wakes whoever is due (however many requests are
 * followed), and a global limit bounds the Dollr calls in flight, so a thousand followed requests cost
 * a thousand parked promises, not a thousand timers or a thousand simultaneous calls.
 */
export interface PollScheduler {
  /** Resolves after ms (on the shared timer); rejects with the signal's reason when it aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** Runs a Dollr call when a slot is free (at most maxConcurrent at once). */
  limit<T>(call: () => Promise<T>): Promise<T>;
  /** How many sleepers wait, and how many calls run or queue (for the benchmark and logs). */
  stats(): { sleeping: number; running: number; queued: number };
}

interface Sleeper {
  at: number;
  wake: () => void;
}

export function createPollScheduler(options: { maxConcurrent: number; now?: () => number }): PollScheduler {
  const now = options.now ?? Date.now;
  const sleepers = new Set<Sleeper>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let timerAt = Infinity;

  function arm(): void {
    let next = Infinity;
    for (const s of sleepers) if (s.at < next) next = s.at;
    if (next === timerAt) return;
    clearTimeout(timer);
    timerAt = next;
    timer = next === Infinity ? undefined : setTimeout(tick, Math.max(0, next - now()));
  }

  function tick(): void {
    timerAt = Infinity;
    const t = now();
    for (const s of sleepers) {
      if (s.at <= t) {
        sleepers.delete(s);
        s.wake();
      }
    }
    arm();
  }

  let running = 0;
  const queue: Array<() => void> = [];

  return {
    sleep(ms, signal) {
      return new Promise<void>((resolve, reject) => {
        if (signal?.aborted) return reject(signal.reason);
        const onAbort = () => {
          sleepers.delete(sleeper);
          arm();
          reject(signal!.reason);
        };
        const sleeper: Sleeper = {
          at: now() + ms,
          wake: () => {
            signal?.removeEventListener('abort', onAbort);
            resolve();
          },
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        sleepers.add(sleeper);
        arm();
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
