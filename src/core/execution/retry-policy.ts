/**
 * How long to wait before trying Dollr again, as one pure function. Every rule has its reason.
 */
import { isDollrError } from './dollr-error.ts';

export interface Backoff {
  /** First delay, ms. */
  initialMs: number;
  /** Ceiling, ms. */
  maxMs: number;
}

/**
 * Delay before try number `attempt` (1 = the first retry).
 * - Exponential (x2), so a struggling Dollr gets room to recover.
 * - Capped at maxMs, so that recovery is noticed reasonably soon.
 * - Jittered between 50% and 100%, so that many requests hit by one outage do not retry in step.
 * - Never shorter than Dollr's own Retry-After, when it sent one: it knows its limits better.
 */
export function retryDelayMs(attempt: number, error: unknown, backoff: Backoff, random: () => number): number {
  const exponential = Math.min(backoff.initialMs * 2 ** Math.max(0, attempt - 1), backoff.maxMs);
  const jittered = Math.round(exponential * (0.5 + random() / 2));
  const retryAfter = isDollrError(error) ? (error.options.retryAfterMs ?? 0) : 0;
  return Math.max(jittered, retryAfter);
}
