/**
 * In-process backend for tests. Keyv keeps its serialized text in a Map we share; every primitive
 * below reads and writes that Map without awaiting in between, so each one is atomic within the
 * event loop.
 */
import { Keyv } from 'keyv';
import type { Backend, CasOutcome, CounterUpdate, ScoreRange } from './backend.ts';

export function openMemoryBackend(options: { now?: () => number } = {}): Backend {
  const now = options.now ?? Date.now;
  const values = new Map<string, string>();
  const indexes = new Map<string, Map<string, number>>();
  const leases = new Map<string, { owner: string; epoch: number; expiresAt: number }>();
  const sortedIndexes = new Map<string, Map<string, number>>();
  const counters = new Map<string, { count: number; expiresAt: number }>();
  /** Lease epoch counters: they never expire, so an epoch is never handed out twice. */
  const epochs = new Map<string, number>();
  const keyv = new Keyv({ store: values, namespace: undefined, useKeyPrefix: false, throwOnErrors: true });
  const liveLease = (key: string) => {
    const lease = leases.get(key);
    return lease && lease.expiresAt > now() ? lease : undefined;
  };
  const liveCounter = (key: string) => {
    const counter = counters.get(key);
    return counter && counter.expiresAt > now() ? counter : undefined;
  };

  /** The first counter update that would pass its limit, as compareAndSet reports it. */
  function overLimit(updates: ReadonlyArray<CounterUpdate>): CasOutcome | undefined {
    for (const [index, update] of updates.entries()) {
      const current = liveCounter(update.key)?.count ?? 0;
      if (update.delta > 0 && update.limit !== undefined && current + update.delta > update.limit)
        return { overLimit: index, current };
    }
    return undefined;
  }

  function applyCounter({ key, delta, expiresAt }: CounterUpdate): void {
    const counter = liveCounter(key);
    if (delta > 0) counters.set(key, { count: (counter?.count ?? 0) + delta, expiresAt });
    else if (counter) counter.count = Math.max(0, counter.count + delta);
  }

  return {
    keyv,
    atomic: {
      async insertIfAbsent(key, raw) {
        if (values.has(key)) return false;
        values.set(key, raw);
        return true;
      },
      async compareAndSet(key, expectedRaw, nextRaw, conditions = {}) {
        const { fence, counters: updates = [] } = conditions;
        if (fence && liveLease(fence.leaseKey)?.epoch !== fence.epoch) return 'fenced';
        if (values.get(key) !== expectedRaw) return 'changed';
        const refused = overLimit(updates);
        if (refused) return refused;
        updates.forEach(applyCounter);
        values.set(key, nextRaw);
        return 'written';
      },
      async addToIndex(indexKey, member, version) {
        const index = indexes.get(indexKey) ?? new Map<string, number>();
        index.set(member, Math.max(version, index.get(member) ?? 0));
        indexes.set(indexKey, index);
      },
      async removeFromIndex(indexKey, member, upToVersion) {
        const index = indexes.get(indexKey);
        if ((index?.get(member) ?? Infinity) <= upToVersion) index?.delete(member);
      },
      async indexMembers(indexKey) {
        return [...(indexes.get(indexKey)?.keys() ?? [])];
      },
      async addToSortedIndex(indexKey, member, score) {
        const index = sortedIndexes.get(indexKey) ?? new Map<string, number>();
        if (!index.has(member)) index.set(member, score);
        sortedIndexes.set(indexKey, index);
      },
      async sortedIndexRange(indexKey, range) {
        return inRange([...(sortedIndexes.get(indexKey) ?? new Map<string, number>())], range);
      },
      async existingKeys(keys) {
        return keys.map((key) => values.has(key));
      },
      async readCounter(key) {
        return liveCounter(key)?.count ?? 0;
      },
      async incrementCounter(key, windowMs) {
        const counter = liveCounter(key);
        const next = counter ? { ...counter, count: counter.count + 1 } : { count: 1, expiresAt: now() + windowMs };
        counters.set(key, next);
        return next.count;
      },
      async acquireLease(key, epochKey, owner, ttlMs) {
        const lease = liveLease(key);
        if (lease && lease.owner !== owner) return 0;
        if (lease) {
          lease.expiresAt = now() + ttlMs;
          return lease.epoch;
        }
        const epoch = (epochs.get(epochKey) ?? 0) + 1;
        epochs.set(epochKey, epoch);
        leases.set(key, { owner, epoch, expiresAt: now() + ttlMs });
        return epoch;
      },
      async renewLease(key, owner, ttlMs) {
        const lease = liveLease(key);
        if (lease?.owner !== owner) return false;
        lease.expiresAt = now() + ttlMs;
        return true;
      },
      async releaseLease(key, owner) {
        if (leases.get(key)?.owner === owner) leases.delete(key);
      },
      async clearLeases(prefix) {
        for (const key of leases.keys()) if (key.startsWith(prefix)) leases.delete(key);
      },
    },
    async ping() {},
    async close() {},
  };
}

/** The members of `entries` ([member, score]) in `range`, ordered as Redis orders a sorted set. */
function inRange(entries: Array<[string, number]>, range: ScoreRange): string[] {
  const ordered = entries
    .filter(
      ([, score]) =>
        (range.min === undefined || score >= range.min) && (range.below === undefined || score < range.below),
    )
    .sort(([a, scoreA], [b, scoreB]) => scoreA - scoreB || (a < b ? -1 : a > b ? 1 : 0))
    .map(([member]) => member);
  if (range.reverse) ordered.reverse();
  const offset = range.offset ?? 0;
  return ordered.slice(offset, range.count === undefined ? undefined : offset + range.count);
}
