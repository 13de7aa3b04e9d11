/**
 * Daily limits, counted in the store: one counter per UTC day, operation and currency (none for refunds),
 * changed in the same atomic write as the record (see RequestStore.replace). The approval that
 * completes a request's rule reserves its amount, checked against the limit in that one step, so
 * that approvals at the same moment cannot pass the limit together; a request that ends with no
 * money moved gives its amount back in the write that records it. Usage is read from the counter,
 * however long requests waited for approval.
 */
import { toMinor } from '../request/money.ts';
import type { CounterChange, RequestStore } from '../ports.ts';
import type { MoneyRequest, RequestDetails, Reservation } from '../request/request.ts';

const DAY_MS = 24 * 60 * 60_000;
/** A day's counter outlives its day: a request may fail (and give back) a while after. */
const COUNTER_KEPT_MS = 3 * DAY_MS;

const utcDay = (now: Date): string => now.toISOString().slice(0, 10);

/** Requests a limit is counted over: same operation and, but for refunds, same currency. A batch is refunds. */
const bucketOf = (details: RequestDetails): string =>
  details.kind === 'refund' || details.kind === 'refund_batch' ? 'refund' : `${details.kind}:${details.currency}`;

const counterOf = (day: string, bucket: string): string => `daily:${day}:${bucket}`;

/** What this app executed (or is executing) today of this operation and currency, in minor units. */
export function usedTodayMinor(store: RequestStore, details: RequestDetails, now: Date): Promise<number> {
  return store.counter(counterOf(utcDay(now), bucketOf(details)));
}

/** The reservation the approval completing this request's rule takes, at `now`. */
export function reservationFor(request: MoneyRequest, now: Date): Reservation {
  const { details, dailyLimitMinor } = request;
  return {
    day: utcDay(now),
    bucket: bucketOf(details),
    amountMinor: toMinor(details.amount),
    ...(dailyLimitMinor === undefined ? {} : { limitMinor: dailyLimitMinor }),
  };
}

/** The reservation given back (a request that ended with no money moved); unchanged if there is none. */
export const released = (reservation: Reservation | undefined): Reservation | undefined =>
  reservation && { ...reservation, released: true };

/** The counter changes that writing `after` over `before` implies: a reservation taken, or given back. */
export function counterChanges(before: MoneyRequest, after: MoneyRequest): CounterChange[] {
  const taken = after.reservation;
  if (!taken) return [];
  const change = (delta: number, limit?: number): CounterChange[] => [
    {
      name: counterOf(taken.day, taken.bucket),
      delta,
      ...(limit === undefined ? {} : { limit }),
      expiresAt: Date.parse(taken.day) + DAY_MS + COUNTER_KEPT_MS,
    },
  ];
  if (!before.reservation) return change(taken.amountMinor, taken.limitMinor);
  if (taken.released && !before.reservation.released) return change(-taken.amountMinor);
  return [];
}
