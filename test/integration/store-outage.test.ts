/**
 * Redis going away and coming back, with our own redis-server child on a free port: every operation
 * must reject with store_unavailable within the timeout (never hang, never look like a missing key),
 * and the same store object must work again once Redis is back.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createStore, type Store } from '../../src/adapters/store/create-store.ts';
import { aRequest, nextVersion } from '../support/request-builder.ts';
import { startRedisServer, type RedisServer } from '../support/redis-server.ts';

const TIMEOUT_MS = 500;
/** Slack for scheduling on a busy machine; a hang would take far longer. */
const MARGIN_MS = 400;

let redis: RedisServer;
let store: Store;

/** Resolves how long `operation` took to settle and with what error. */
async function timed(operation: () => Promise<unknown>): Promise<{ ms: number; error: unknown }> {
  const started = performance.now();
  const error = await operation().then(
    (value) => new Error(`resolved with ${JSON.stringify(value)} instead of rejecting`),
    (reason: unknown) => reason,
  );
  return { ms: performance.now() - started, error };
}

beforeAll(async () => {
  redis = await startRedisServer();
  store = await createStore(redis.url, { namespace: 'outage', timeoutMs: TIMEOUT_MS });
});

afterAll(async () => {
  await store?.close();
  await redis?.close();
});

describe('a Redis store during an outage', () => {
  const request = aRequest();

  it('works while Redis is up', async () => {
    expect(await store.insert(request)).toBe(true);
    expect(await store.get(request.id)).toEqual(request);
  });

  it('rejects every operation with store_unavailable, within the timeout, while Redis is down', async () => {
    await redis.stop();
    const operations: Record<string, () => Promise<unknown>> = {
      get: () => store.get(request.id),
      insert: () => store.insert(aRequest()),
      replace: () => store.replace(nextVersion(request, { state: 'approved' })),
      getByReference: () => store.getByReference('ref-1'),
      listWithWorkLeft: () => store.listWithWorkLeft(),
      ping: () => store.ping(),
      acquireLease: () => store.acquireLease('sweep', 'A', 1000),
      renewLease: () => store.renewLease('sweep', 'A', 1000),
      releaseLease: () => store.releaseLease('sweep', 'A'),
    };
    for (const [name, operation] of Object.entries(operations)) {
      const { ms, error } = await timed(operation);
      expect(error, name).toMatchObject({ code: 'store_unavailable' });
      expect(ms, name).toBeLessThan(TIMEOUT_MS + MARGIN_MS);
    }
  });

  it('works again with the same store object once Redis is back', async () => {
    await redis.start();
    await vi.waitFor(() => store.ping(), { timeout: 5000, interval: 50 });
    // The new server started empty (--save ''), so the request is gone; the store must not mind.
    expect(await store.get(request.id)).toBeUndefined();
    const again = aRequest();
    expect(await store.insert(again)).toBe(true);
    expect(await store.replace(nextVersion(again, { state: 'approved' }))).toBe(true);
    expect(await store.listWithWorkLeft()).toMatchObject([{ request: { id: again.id, version: 2 } }]);
  });

  it('rejects at the timeout when Redis stops answering, and recovers when it answers again', async () => {
    redis.pause();
    const { ms, error } = await timed(() => store.get(request.id));
    redis.resume();
    expect(error).toMatchObject({
      code: 'store_unavailable',
      message: expect.stringContaining(`within ${TIMEOUT_MS} ms`),
    });
    expect(ms).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
    expect(ms).toBeLessThan(TIMEOUT_MS + MARGIN_MS);
    await vi.waitFor(() => store.ping(), { timeout: 5000, interval: 50 });
  });

  it('opens while Redis is down and connects once it starts', async () => {
    await redis.stop();
    const started = performance.now();
    const late = await createStore(redis.url, { namespace: 'outage-late', timeoutMs: TIMEOUT_MS });
    try {
      expect(performance.now() - started).toBeLessThan(TIMEOUT_MS + MARGIN_MS);
      await expect(late.get('R1')).rejects.toMatchObject({ code: 'store_unavailable' });
      await redis.start();
      await vi.waitFor(() => late.ping(), { timeout: 5000, interval: 50 });
      expect(await late.insert(aRequest())).toBe(true);
    } finally {
      await late.close();
    }
  });
});
