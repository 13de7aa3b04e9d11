import type { Fence, RequestStore } from '../ports.ts';
import { counterChanges } from '../approval/daily-limit.ts';
import type { MoneyRequest } from './request.ts';

/**
 * Read, transform, compare-and-set; on a lost race read again and retry. `change` returns the next
 * record, or undefined when there is nothing to write (then the current record is returned).
 * With a fence the write is made only while that lease is held (else FencedWriteError). The daily
 * counters a change implies (a reservation taken or given back) change in the same write.
 * Throws when the request does not exist.
 */
export async function updateRequest(
  store: RequestStore,
  id: string,
  change: (current: MoneyRequest) => MoneyRequest | undefined,
  fence?: Fence,
): Promise<MoneyRequest> {
  for (;;) {
    const current = await store.get(id);
    if (!current) throw new Error(`Request ${id} is not in the store`);
    const next = change(current);
    if (!next) return current;
    if (await store.replace(next, current, writeOptions(current, next, fence))) return next;
  }
}

/**
 * After a write that failed without saying whether it landed (a deadline): the stored record if it
 * holds `written`'s last event (it landed), false if another write got there instead (it never
 * will: its compare-and-set was against text that is gone), 'unknown' if the store still holds the
 * version it was based on or cannot be read.
 */
export async function readBack(store: RequestStore, written: MoneyRequest): Promise<MoneyRequest | false | 'unknown'> {
  let stored: MoneyRequest | undefined;
  try {
    stored = await store.get(written.id);
  } catch {
    return 'unknown';
  }
  if (!stored || stored.version < written.version) return 'unknown';
  const index = written.events.length - 1;
  return canonical(stored.events[index]) === canonical(written.events[index]) ? stored : false;
}

/** JSON with every object's keys in order: a stored record may come back with its keys in another order. */
const canonical = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );

/** What a write of `next` over `current` carries besides the record: its fence and counter changes. */
export function writeOptions(current: MoneyRequest, next: MoneyRequest, fence?: Fence) {
  const counters = counterChanges(current, next);
  return { ...(fence ? { fence } : {}), ...(counters.length > 0 ? { counters } : {}) };
}
