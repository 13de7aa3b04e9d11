/**
 * In-process backend for tests. Keyv keeps its serialized text in a Map we share; every primitive
 * below reads and writes that Map without awaiting in between, so each one is atomic within the
 * event loop.
 */
import { Keyv } from 'keyv';
import type { Backend } from './backend.ts';

export function openMemoryBackend(options: { now?: () => number } = {}): Backend {
  const now = options.now ?? Date.now;
  const values = new Map<string, string>();
  const indexes = new Map<string, Map<string, number>>();
  const leases = new Map<string, { owner: string; expiresAt: number }>();
  const keyv = new Keyv({ store: values, namespace: undefined, useKeyPrefix: false, throwOnErrors: true });
  const liveLease = (key: string) => {
    const lease = leases.get(key);
    return lease && lease.expiresAt > now() ? lease : undefined;
  };

  return {
    keyv,
    atomic: {
      async insertIfAbsent(key, raw) {
        if (values.has(key)) return false;
        values.set(key, raw);
        return true;
      },
      async compareAndSet(key, expectedRaw, nextRaw) {
        if (values.get(key) !== expectedRaw) return false;
        values.set(key, nextRaw);
        return true;
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
      async acquireLease(key, owner, ttlMs) {
        const lease = liveLease(key);
        if (lease && lease.owner !== owner) return false;
        leases.set(key, { owner, expiresAt: now() + ttlMs });
        return true;
      },
      async renewLease(key, owner, ttlMs) {
        if (liveLease(key)?.owner !== owner) return false;
        leases.set(key, { owner, expiresAt: now() + ttlMs });
        return true;
      },
      async releaseLease(key, owner) {
        if (leases.get(key)?.owner === owner) leases.delete(key);
      },
    },
    async ping() {},
    async close() {},
  };
}
