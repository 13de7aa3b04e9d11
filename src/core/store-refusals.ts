/**
 * The two ways a store may refuse a write for a reason the core must act on (see RequestStore.replace).
 * They are not outages: the write was refused, nothing was written.
 */

/** The writer's lease was taken over (or lapsed): another holder may be working on the request now. */
export class FencedWriteError extends Error {
  override readonly name = 'FencedWriteError';
  readonly lease: string;
  constructor(lease: string) {
    super(`The lease ${lease} is no longer held with this writer's epoch; the write was refused.`);
    this.lease = lease;
  }
}

/** A counter would pass its limit (a daily limit): nothing was written. */
export class LimitReachedError extends Error {
  override readonly name = 'LimitReachedError';
  readonly counter: string;
  /** The counter's value when the write was refused. */
  readonly current: number;
  constructor(counter: string, current: number) {
    super(`The counter ${counter} (${current}) would pass its limit; the write was refused.`);
    this.counter = counter;
    this.current = current;
  }
}
