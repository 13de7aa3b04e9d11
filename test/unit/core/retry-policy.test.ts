import { describe, expect, it } from 'vitest';
import { DollrError } from '../../../src/core/execution/dollr-error.ts';
import { retryDelayMs } from '../../../src/core/execution/retry-policy.ts';

const backoff = { initialMs: 1000, maxMs: 8000 };

describe('retryDelayMs', () => {
  it('doubles per attempt up to the cap', () => {
    const full = () => 1; // no jitter reduction
    expect([1, 2, 3, 4, 5].map((n) => retryDelayMs(n, new Error('x'), backoff, full))).toEqual([
      1000, 2000, 4000, 8000, 8000,
    ]);
  });

  it('jitters down to half, never more', () => {
    expect(retryDelayMs(1, new Error('x'), backoff, () => 0)).toBe(500);
  });

  it("honours Dollr's Retry-After when longer", () => {
    const limited = new DollrError('rate_limited', 'Too Many Requests', { status: 429, retryAfterMs: 30_000 });
    expect(retryDelayMs(1, limited, backoff, () => 1)).toBe(30_000);
  });
});
