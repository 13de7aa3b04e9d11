/**
 * Redis backend: Keyv over @keyv/redis, and the atomic primitives as single commands (SET NX, ZADD GT)
 * or Lua scripts (redis-scripts.ts: compare-and-set, the fixed-window counter) on the node-redis client @keyv/redis
 * holds; one connection.
 *
 * Outage behaviour is configured here: node-redis queues commands while disconnected by default,
 * which would make every call hang until Redis returns. With `disableOfflineQueue` a command sent
 * while the client is reconnecting rejects at once; the reconnect strategy never gives up, so the
 * same client works again when Redis is back. `throwOnErrors` on both the adapter and Keyv turns
 * their default "emit the error and resolve undefined" into a rejection.
 */
import KeyvRedis, { type RedisClientType } from '@keyv/redis';
import { Keyv } from 'keyv';
import type { Logger } from '../../core/ports.ts';
import type { Backend, CasOutcome, ScoreRange } from './backend.ts';
import {
  ACQUIRE_LEASE,
  COMPARE_AND_SET,
  INCREMENT_COUNTER,
  RELEASE_LEASE,
  REMOVE_FROM_INDEX,
  RENEW_LEASE,
} from './redis-scripts.ts';

export interface RedisBackendOptions {
  url: string;
  /** Bounds each connection attempt; every store operation is also bounded by keyv-store. */
  timeoutMs: number;
  logger?: Logger;
}

/** Retry every 100 ms doubling up to 1 s, forever: the store must recover without a restart. */
const reconnectEvery = (retries: number): number => Math.min(100 * 2 ** retries, 1000);

export async function openRedisBackend(options: RedisBackendOptions): Promise<Backend> {
  const adapter = new KeyvRedis<string>(
    {
      url: options.url,
      disableOfflineQueue: true,
      socket: { connectTimeout: options.timeoutMs, reconnectStrategy: reconnectEvery },
    },
    { throwOnErrors: true, throwOnConnectError: true, connectionTimeout: options.timeoutMs },
  );
  // The node-redis client the adapter created from those options: a single node, never a cluster.
  const client = adapter.client as RedisClientType;
  const keyv = new Keyv({ store: adapter, namespace: undefined, useKeyPrefix: false, throwOnErrors: true });
  watchConnection(client, options.logger);
  // The adapter connects on first use (again if a first attempt failed and the client was closed);
  // going through it keeps our commands and Keyv's on that one connection.
  const connected = async () => {
    await adapter.getClient();
    return client;
  };
  try {
    await connected();
  } catch (error) {
    // Not fatal: operations reject with store_unavailable until Redis answers, then work again.
    options.logger?.warn('redis is not reachable yet; store operations will fail until it is', { error });
  }

  return {
    keyv,
    atomic: {
      async insertIfAbsent(key, raw) {
        return (await (await connected()).set(key, raw, { condition: 'NX' })) === 'OK';
      },
      async compareAndSet(key, expectedRaw, nextRaw, conditions = {}) {
        const { fence, counters = [] } = conditions;
        const keys = [key, ...(fence ? [fence.leaseKey] : []), ...counters.map((c) => c.key)];
        const args = [expectedRaw, nextRaw, fence ? String(fence.epoch) : ''];
        for (const c of counters)
          args.push(String(c.delta), c.limit === undefined ? '' : String(c.limit), String(c.expiresAt));
        const [code, index, current] = (await (
          await connected()
        ).eval(COMPARE_AND_SET, { keys, arguments: args })) as number[];
        return casOutcome(code, index, current);
      },
      async addToIndex(indexKey, member, version) {
        await (await connected()).zAdd(indexKey, { score: version, value: member }, { comparison: 'GT' });
      },
      async removeFromIndex(indexKey, member, upToVersion) {
        await (await connected()).eval(REMOVE_FROM_INDEX, {
          keys: [indexKey],
          arguments: [member, String(upToVersion)],
        });
      },
      async indexMembers(indexKey) {
        return (await connected()).zRange(indexKey, 0, -1);
      },
      async addToSortedIndex(indexKey, member, score) {
        await (await connected()).zAdd(indexKey, { score, value: member }, { condition: 'NX' });
      },
      async sortedIndexRange(indexKey, range) {
        return (await connected()).sendCommand<string[]>(rangeByScore(indexKey, range));
      },
      async existingKeys(keys) {
        const redis = await connected();
        // Sent in the same tick, node-redis pipelines them on the one connection.
        return (await Promise.all(keys.map((key) => redis.exists(key)))).map((count) => count === 1);
      },
      async readCounter(key) {
        return Number((await (await connected()).get(key)) ?? 0);
      },
      async incrementCounter(key, windowMs) {
        return Number(
          await (await connected()).eval(INCREMENT_COUNTER, { keys: [key], arguments: [String(windowMs)] }),
        );
      },
      async acquireLease(key, epochKey, owner, ttlMs) {
        return Number(
          await (await connected()).eval(ACQUIRE_LEASE, { keys: [key, epochKey], arguments: [owner, String(ttlMs)] }),
        );
      },
      async renewLease(key, owner, ttlMs) {
        return (await (await connected()).eval(RENEW_LEASE, { keys: [key], arguments: [owner, String(ttlMs)] })) === 1;
      },
      async releaseLease(key, owner) {
        await (await connected()).eval(RELEASE_LEASE, { keys: [key], arguments: [owner] });
      },
      async clearLeases(prefix) {
        const redis = await connected();
        for await (const keys of redis.scanIterator({ MATCH: `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*` }))
          if (keys.length > 0) await redis.del(keys);
      },
    },
    async ping() {
      await (await connected()).ping();
    },
    async close() {
      // destroy, not close: close() waits for replies that a stalled server never sends, and cannot
      // be cut short afterwards. Commands still unanswered reject, as they would in an outage.
      if (client.isOpen) client.destroy();
    },
  };
}

/** COMPARE_AND_SET's answer, as compareAndSet reports it. */
function casOutcome(code: number | undefined, index: number | undefined, current: number | undefined): CasOutcome {
  if (code === 1) return 'written';
  if (code === 0) return 'changed';
  if (code === -1) return 'fenced';
  if (code === -2) return { overLimit: Number(index), current: Number(current) };
  throw new Error(`The compare-and-set script answered ${String(code)}.`);
}

/** ZRANGEBYSCORE or ZREVRANGEBYSCORE for a range: `(` makes the upper bound exclusive. */
function rangeByScore(indexKey: string, range: ScoreRange): string[] {
  const min = range.min === undefined ? '-inf' : String(range.min);
  const max = range.below === undefined ? '+inf' : `(${range.below}`;
  const limit =
    range.offset === undefined && range.count === undefined
      ? []
      : ['LIMIT', String(range.offset ?? 0), String(range.count ?? -1)];
  return range.reverse
    ? ['ZREVRANGEBYSCORE', indexKey, max, min, ...limit]
    : ['ZRANGEBYSCORE', indexKey, min, max, ...limit];
}

/** Logs losing and regaining the connection once each, not every failed reconnect attempt. */
function watchConnection(client: RedisClientType, logger: Logger | undefined): void {
  let up = false;
  client.on('ready', () => {
    if (!up) logger?.info('redis connected');
    up = true;
  });
  client.on('error', (error: unknown) => {
    if (up) logger?.warn('redis connection lost; reconnecting', { error });
    else logger?.debug('redis still unreachable', { error });
    up = false;
  });
}
