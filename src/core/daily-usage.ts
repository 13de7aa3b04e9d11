/**
 * How much of an operation (and currency) this app has executed today (UTC): the sum of requests
 * whose approval completed today and whose money moved or may be moving.
 */
import { toMinor } from './money.ts';
import type { RequestStore } from './ports.ts';
import type { MoneyRequest, RequestDetails, RequestState } from './request.ts';

const MOVING: readonly RequestState[] = ['approved', 'executing', 'pending', 'processing', 'completed', 'needs_attention'];
const DAY_MS = 24 * 60 * 60_000;

export const startOfUtcDay = (now: Date): Date => new Date(Math.floor(now.getTime() / DAY_MS) * DAY_MS);

/** Requests a limit is counted over: same operation and, for payouts, same currency. */
const sameBucket = (a: RequestDetails, b: RequestDetails): boolean =>
  a.kind === b.kind && (a.kind === 'refund' || (b.kind === 'payout' && a.currency === b.currency));

export async function executedTodayMinor(store: RequestStore, like: RequestDetails, now: Date): Promise<number> {
  const dayStart = startOfUtcDay(now);
  // A request approved today may have been asked for yesterday (it stays pending up to a day).
  const ids = await store.listRequestIds({ since: new Date(dayStart.getTime() - 2 * DAY_MS) });
  let total = 0;
  for (const id of ids) {
    const request = await store.get(id);
    if (request && countsToday(request, like, dayStart)) total += toMinor(request.details.amount);
  }
  return total;
}

function countsToday(request: MoneyRequest, like: RequestDetails, dayStart: Date): boolean {
  if (!MOVING.includes(request.state) || !sameBucket(request.details, like)) return false;
  const claimed = request.events.findLast((e) => e.type === 'approved');
  return claimed !== undefined && new Date(claimed.at) >= dayStart;
}
