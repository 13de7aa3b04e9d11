/**
 * Two sorted indexes of requests, both scored by `createdAt` in ms, both written by insert before
 * the record (so a crash in between never leaves a record that no index lists):
 * - `<ns>:created`, every request: listRequestIds (history, audit export);
 * - `<ns>:subject:<subject>`, the requests about one subject (subjectOf): listRequestIdsFor.
 *
 * A crash between the index entry and the record leaves an entry for a record that does not exist;
 * readers check that each record exists and skip the ones that do not. Entries are added with
 * "keep the first score", and an ID is inserted once with one createdAt and one subject (a retried
 * insert carries the same record), so an entry never contradicts its record.
 */
import type { RequestStore } from '../../core/ports.ts';
import { subjectOf, type MoneyRequest } from '../../core/request/request.ts';
import type { AtomicPrimitives, ScoreRange } from './backend.ts';
import { StoreError } from './store-error.ts';

export type ListQuery = Parameters<RequestStore['listRequestIds']>[0];

/** IDs checked for a record per round trip. */
const EXISTENCE_BATCH = 500;

export interface RequestIndex {
  /** Adds the request to both indexes; call before writing the record. */
  add(request: MoneyRequest): Promise<void>;
  list(query: ListQuery): Promise<string[]>;
  listFor(subject: string): Promise<string[]>;
}

export function createRequestIndex(
  atomic: AtomicPrimitives,
  ns: string,
  requestKey: (id: string) => string,
): RequestIndex {
  const createdKey = `${ns}:created`;
  const subjectKey = (subject: string) => `${ns}:subject:${subject}`;

  /** `ids` without those whose record does not exist (left by a crash before the record was written). */
  async function withRecords(ids: string[]): Promise<string[]> {
    const kept: string[] = [];
    for (let start = 0; start < ids.length; start += EXISTENCE_BATCH) {
      const batch = ids.slice(start, start + EXISTENCE_BATCH);
      const present = await atomic.existingKeys(batch.map(requestKey));
      kept.push(...batch.filter((_, i) => present[i]));
    }
    return kept;
  }

  /** Up to `limit` IDs with records, paging on past entries without one. */
  async function firstWithRecords(indexKey: string, range: ScoreRange, limit: number): Promise<string[]> {
    const found = new Set<string>();
    let offset = 0;
    while (found.size < limit) {
      const count = limit - found.size;
      const page = await atomic.sortedIndexRange(indexKey, { ...range, offset, count });
      offset += page.length;
      // A Set, in case an insert shifted the page under us and an ID comes round twice.
      for (const id of await withRecords(page)) found.add(id);
      if (page.length < count) break;
    }
    return [...found].slice(0, limit);
  }

  return {
    async add(request) {
      const score = createdAtMs(request);
      await Promise.all([
        atomic.addToSortedIndex(createdKey, request.id, score),
        atomic.addToSortedIndex(subjectKey(subjectOf(request.details)), request.id, score),
      ]);
    },

    async list({ since, until, limit, newestFirst }) {
      const range: ScoreRange = { min: since?.getTime(), below: until?.getTime(), reverse: newestFirst ?? false };
      if (limit === undefined) return withRecords(await atomic.sortedIndexRange(createdKey, range));
      return limit === 0 ? [] : firstWithRecords(createdKey, range, limit);
    },

    async listFor(subject) {
      return withRecords(await atomic.sortedIndexRange(subjectKey(subject), {}));
    },
  };
}

/** Throws a RangeError for a query no store could answer (a caller's mistake, not an outage). */
export function checkListQuery({ since, until, limit }: ListQuery): void {
  if (since !== undefined && Number.isNaN(since.getTime())) throw new RangeError('since is not a valid date.');
  if (until !== undefined && Number.isNaN(until.getTime())) throw new RangeError('until is not a valid date.');
  if (limit !== undefined && (!Number.isSafeInteger(limit) || limit < 0)) {
    throw new RangeError(`limit must be a whole number of at least 0, not ${limit}.`);
  }
}

function createdAtMs(request: MoneyRequest): number {
  const ms = Date.parse(request.createdAt);
  if (Number.isNaN(ms)) {
    throw new StoreError(
      'store_invalid_record',
      `Request "${request.id}" has createdAt "${request.createdAt}", which is not a time.`,
    );
  }
  return ms;
}
