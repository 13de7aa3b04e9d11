/** The real time and chance, for the core's Clock port (tests give it a fake clock instead). */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Clock } from '../core/ports.ts';

export const systemClock: Clock = {
  now: () => new Date(),
  sleep: (ms, signal) => sleep(ms, undefined, { signal }),
  after(ms, wake) {
    const timer = setTimeout(wake, ms);
    timer.unref();
    return () => clearTimeout(timer);
  },
  every(ms, tick) {
    const timer = setInterval(tick, ms);
    timer.unref();
    return () => clearInterval(timer);
  },
  random: Math.random,
};
