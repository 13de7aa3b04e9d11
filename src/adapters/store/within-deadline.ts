/**
 * Every store operation passes through here, so that an outage always surfaces the same way: a
 * StoreError('store_unavailable') within the deadline. Never a hang, never `undefined` as if the key
 * were missing.
 */
import { raceDeadline } from '../deadline.ts';
import { StoreError, isStoreError } from './store-error.ts';

/**
 * Runs `work`, rejecting with store_unavailable after `ms` milliseconds or when `work` fails with
 * anything other than a StoreError. The work itself is not cancelled; its late result is ignored.
 */
export async function withinDeadline<T>(ms: number, label: string, work: () => Promise<T>): Promise<T> {
  try {
    return await raceDeadline(
      work(),
      ms,
      () => new StoreError('store_unavailable', `The store did not answer within ${ms} ms (${label}).`),
    );
  } catch (error) {
    if (isStoreError(error)) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new StoreError('store_unavailable', `The store failed (${label}): ${reason}`, { cause: error });
  }
}
