/** Small statistics for the benchmark: percentiles (nearest rank), medians, rounding. */

/** The p-th percentile (0..100) by nearest rank; NaN for no samples. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export const median = (samples: readonly number[]): number => percentile(samples, 50);

export const sum = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0);

/** Rounds to `digits` decimals (for printing and results.json). */
export function round(value: number, digits = 2): number {
  if (!Number.isFinite(value)) return value;
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** measured / baseline, NaN when the baseline is not positive. */
export const ratio = (measured: number, baseline: number): number => (baseline > 0 ? measured / baseline : Number.NaN);
