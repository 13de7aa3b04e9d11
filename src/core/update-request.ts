import type { RequestStore } from './ports.ts';
import type { MoneyRequest } from './request.ts';

/**
 * Read, transform, compare-and-set; on a lost race read again and retry. `change` returns the next
 * record, or undefined when there is nothing to write (then the current record is returned).
 * Throws when the request does not exist.
 */
export async function updateRequest(
  store: RequestStore,
  id: string,
  change: (current: MoneyRequest) => MoneyRequest | undefined,
): Promise<MoneyRequest> {
  for (;;) {
    const current = await store.get(id);
    if (!current) throw new Error(`Request ${id} is not in the store`);
    const next = change(current);
    if (!next) return current;
    if (await store.replace(next, current)) return next;
  }
}
