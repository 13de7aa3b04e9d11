/**
 * One contract, every backend (keyv's storageTestSuite idea): memory, SQLite in a temp file, and the
 * Redis server on 127.0.0.1:6379 under a random namespace that is deleted afterwards.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import KeyvRedis, { createClient } from '@keyv/redis';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Backend as StoreBackend } from '../../src/adapters/store/backend.ts';
import { createStore, type Store } from '../../src/adapters/store/create-store.ts';
import { createKeyvStore } from '../../src/adapters/store/keyv-store.ts';
import { openMemoryBackend } from '../../src/adapters/store/memory-backend.ts';
import { openRedisBackend } from '../../src/adapters/store/redis-backend.ts';
import { openSqliteBackend } from '../../src/adapters/store/sqlite-backend.ts';
import type { WorkLeft } from '../../src/core/ports.ts';
import type { MoneyRequest } from '../../src/core/request/request.ts';
import { FencedWriteError, LimitReachedError } from '../../src/core/store-refusals.ts';
import { aRequest, nextVersion } from '../support/request-builder.ts';

const REDIS_URL = 'redis://127.0.0.1:6379';

/** A place for one test's data. `open` always opens the same place, so reopening finds the data. */
interface Place {
  namespace: string;
  open(now: () => number): Promise<Store>;
  /** The raw backend of the same place, to build stores on it that fail at a chosen step. */
  openBackend(now: () => number): Promise<StoreBackend>;
  /** Writes text at a full key behind the store's back; only where a second connection can. */
  plantRaw?: (key: string, raw: string) => Promise<void>;
}

interface Backend {
  name: string;
  persistent: boolean;
  setup(): Promise<void>;
  teardown(): Promise<void>;
  place(): Place;
  /** The raw backend under the store, with a key prefix of its own, for the primitives' own rules. */
  backend(): Promise<{ backend: StoreBackend; prefix: string }>;
}

const memory: Backend = {
  name: 'memory',
  persistent: false,
  setup: async () => {},
  teardown: async () => {},
  place: () => ({
    namespace: 'dollr',
    open: (now) => createStore('memory://', { now }),
    openBackend: async (now) => openMemoryBackend({ now }),
  }),
  backend: async () => ({ backend: openMemoryBackend(), prefix: 'raw' }),
};

const sqlite = ((): Backend => {
  let dir = '';
  let count = 0;
  return {
    name: 'sqlite',
    persistent: true,
    setup: async () => {
      dir = await mkdtemp(join(tmpdir(), 'dollr-store-'));
    },
    teardown: () => rm(dir, { recursive: true, force: true }),
    place() {
      const file = join(dir, `store-${++count}.sqlite`);
      return {
        namespace: 'dollr',
        open: (now) => createStore(`sqlite://${file}`, { now }),
        openBackend: async (now) => openSqliteBackend({ file, busyTimeoutMs: 1000, now }),
        async plantRaw(key, raw) {
          const db = new DatabaseSync(file);
          db.prepare(
            'INSERT INTO keyv (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
          ).run(key, raw);
          db.close();
        },
      };
    },
    backend: async () => ({
      backend: openSqliteBackend({ file: join(dir, `raw-${++count}.sqlite`), busyTimeoutMs: 1000 }),
      prefix: 'raw',
    }),
  };
})();

const redis = ((): Backend => {
  const base = `test-store-${randomUUID()}`;
  let count = 0;
  return {
    name: 'redis',
    persistent: true,
    setup: async () => {},
    async teardown() {
      const client = await createClient({ url: REDIS_URL }).connect();
      for await (const keys of client.scanIterator({ MATCH: `${base}:*` })) if (keys.length > 0) await client.del(keys);
      client.destroy();
    },
    place() {
      const namespace = `${base}:${++count}`;
      return {
        namespace,
        open: (now) => createStore(REDIS_URL, { namespace, now }),
        openBackend: () => openRedisBackend({ url: REDIS_URL, timeoutMs: 1000 }),
        async plantRaw(key, raw) {
          const adapter = new KeyvRedis(REDIS_URL);
          await adapter.set(key, raw);
          await adapter.disconnect();
        },
      };
    },
    backend: async () => ({
      backend: await openRedisBackend({ url: REDIS_URL, timeoutMs: 1000 }),
      prefix: `${base}:raw-${++count}`,
    }),
  };
})();

describe.each([memory, sqlite, redis])('$name store', (backend) => {
  beforeAll(() => backend.setup());
  afterAll(() => backend.teardown());
  storeContract(backend);

  it('keeps an index member that a newer version added when an older writer removes it', async () => {
    const { backend: raw, prefix } = await backend.backend();
    try {
      const index = `${prefix}:work-left`;
      await raw.atomic.addToIndex(index, 'A', 2);
      await raw.atomic.removeFromIndex(index, 'A', 1);
      expect(await raw.atomic.indexMembers(index)).toEqual(['A']);
      await raw.atomic.addToIndex(index, 'A', 1);
      await raw.atomic.removeFromIndex(index, 'A', 1);
      expect(await raw.atomic.indexMembers(index)).toEqual(['A']);
      await raw.atomic.removeFromIndex(index, 'A', 2);
      expect(await raw.atomic.indexMembers(index)).toEqual([]);
    } finally {
      await raw.close();
    }
  });
});

function storeContract(backend: Backend): void {
  // Cases about surviving a reopen exist only for stores that keep data (memory forgets by design).
  const itWhenPersistent = (name: string, fn: () => Promise<void>) => {
    if (backend.persistent) it(name, fn);
  };

  let place: Place;
  let store: Store;
  const clock = { now: Date.now() };
  const open = () => place.open(() => clock.now);

  beforeEach(async () => {
    clock.now = Date.now();
    place = backend.place();
    store = await open();
  });
  afterEach(() => store.close());

  const ids = (work: WorkLeft[]) => work.map((w) => w.request.id).sort();
  const idsOf = (requests: MoneyRequest[]) => requests.map((r) => r.id).sort();
  /** Records Slack as told about every event of the request so far. */
  const tellAll = async (request: MoneyRequest) =>
    store.replaceDelivery(request.id, { told: request.events.length }, await store.getDelivery(request.id));
  /** The same version with one more event (a reminder): news to tell. */
  const withEvent = (request: MoneyRequest): MoneyRequest => ({
    ...request,
    events: [...request.events, { type: 'reminded', to: [], at: request.createdAt }],
  });

  it('returns what was inserted, and undefined for an unknown ID', async () => {
    const request = aRequest({ approverId: undefined });
    expect(await store.insert(request)).toBe(true);
    expect(await store.get(request.id)).toEqual(JSON.parse(JSON.stringify(request)));
    expect(await store.get('R_UNKNOWN')).toBeUndefined();
  });

  it('keeps text that starts with a colon intact (Keyv escapes it)', async () => {
    const request = aRequest({
      details: { kind: 'refund', originalPaymentIntentId: 1, amount: '1.00', reason: ':base64:AAAA' },
    });
    await store.insert(request);
    expect((await store.get(request.id))?.details.reason).toBe(':base64:AAAA');
  });

  it('refuses a second insert of the same ID and keeps the first', async () => {
    const request = aRequest();
    expect(await store.insert(request)).toBe(true);
    expect(await store.insert({ ...request, requesterId: 'U_OTHER' })).toBe(false);
    expect((await store.get(request.id))?.requesterId).toBe('U_REQ');
  });

  it('lets exactly one of 20 concurrent inserts of one ID win', async () => {
    const request = aRequest();
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => store.insert({ ...request, requesterId: `U${i}` })),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    expect((await store.get(request.id))?.requesterId).toBe(`U${results.indexOf(true)}`);
  });

  it('replaces when the stored version is the one before', async () => {
    const request = aRequest();
    await store.insert(request);
    const approved = nextVersion(request, { state: 'approved', approverId: 'U_APP' });
    expect(await store.replace(approved)).toBe(true);
    expect(await store.get(request.id)).toEqual(approved);
  });

  it('refuses a stale or skipping version and an unknown ID, changing nothing', async () => {
    const request = aRequest();
    await store.insert(request);
    const winner = nextVersion(request, { approverId: 'U_FIRST' });
    await store.replace(winner);
    expect(await store.replace(nextVersion(request, { approverId: 'U_LATE' }))).toBe(false);
    expect(await store.replace({ ...winner, version: 4 })).toBe(false);
    expect(await store.replace(nextVersion(aRequest()))).toBe(false);
    expect(await store.get(request.id)).toEqual(winner);
  });

  it('lets exactly one of 20 concurrent replaces built from the same read win', async () => {
    const request = aRequest();
    await store.insert(request);
    const read = (await store.get(request.id))!;
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => store.replace(nextVersion(read, { approverId: `U${i}` }))),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await store.get(request.id)).toMatchObject({ version: 2, approverId: `U${results.indexOf(true)}` });
  });

  it('replaces based on what get() returned, and refuses when that read has gone stale', async () => {
    const request = aRequest();
    await store.insert(request);
    const read = (await store.get(request.id))!;
    const first = nextVersion(read, { approverId: 'U_FIRST' });
    expect(await store.replace(first, read)).toBe(true);
    // A second writer that read the same version loses, as without basedOn.
    expect(await store.replace(nextVersion(read, { approverId: 'U_LATE' }), read)).toBe(false);
    // basedOn from another writer's object (never read from this store) is read again, not trusted.
    expect(await store.replace(nextVersion(first, { approverId: 'U_NEXT' }), first)).toBe(true);
    expect(await store.get(request.id)).toMatchObject({ version: 3, approverId: 'U_NEXT' });
  });

  it('takes a final request with news back into the work-left index, even after it was settled', async () => {
    const request = aRequest();
    await store.insert(request);
    let read = (await store.get(request.id))!;
    const rejected = withEvent(nextVersion(read, { state: 'rejected' }));
    expect(await store.replace(rejected, read)).toBe(true);
    await tellAll(rejected);
    await store.settled(request.id, rejected.version);
    expect(await store.listWithWorkLeft()).toEqual([]);
    // Work again (an event to tell): back in the index.
    read = (await store.get(request.id))!;
    expect(await store.replace(nextVersion(withEvent(read)), read)).toBe(true);
    expect(ids(await store.listWithWorkLeft())).toEqual([request.id]);
    // A settle as of an older version cannot take out what the newer write put back.
    await store.settled(request.id, rejected.version);
    expect(ids(await store.listWithWorkLeft())).toEqual([request.id]);
  });

  it('finds a request by its Dollr reference', async () => {
    const request = aRequest();
    await store.insert(request);
    const executing = nextVersion(request, { state: 'executing', attempt: { referenceId: 'ref-1' } });
    await store.replace(executing);
    expect(await store.getByReference('ref-1')).toEqual(executing);
    expect(await store.getByReference('ref-unknown')).toBeUndefined();
  });

  it('ignores a reference entry whose record never got that reference (a lost race)', async () => {
    const request = aRequest();
    await store.insert(request);
    await store.replace(nextVersion(request, { approverId: 'U_WINNER' }));
    // The loser writes its reference entry before finding out it lost the compare-and-set.
    expect(await store.replace(nextVersion(request, { attempt: { referenceId: 'ref-lost' } }))).toBe(false);
    expect(await store.getByReference('ref-lost')).toBeUndefined();
  });

  it('lists requests with work left, with their delivery, until they are final and told', async () => {
    const request = aRequest();
    const other = aRequest();
    await store.insert(request);
    await store.insert(other);
    expect(ids(await store.listWithWorkLeft())).toEqual(idsOf([request, other]));
    expect((await store.listWithWorkLeft())[0]!.delivery).toEqual({ told: 0 });

    // Final, but Slack not told yet: still work left.
    const rejected = withEvent(nextVersion(request, { state: 'rejected' }));
    await store.replace(rejected);
    expect(ids(await store.listWithWorkLeft())).toEqual(idsOf([request, other]));
    await tellAll(rejected);
    expect(ids(await store.listWithWorkLeft())).toEqual([other.id]);

    // Told, but not final: work left (it is followed, or waits for approval).
    const approved = nextVersion(other, { state: 'approved' });
    await store.replace(approved);
    await tellAll(approved);
    expect(ids(await store.listWithWorkLeft())).toEqual([other.id]);
    const completed = withEvent(nextVersion(approved, { state: 'completed' }));
    await store.replace(completed);
    expect(ids(await store.listWithWorkLeft())).toEqual([other.id]);
    await tellAll(completed);
    expect(await store.listWithWorkLeft()).toEqual([]);
  });

  describe('deliveries', () => {
    it('starts at nothing told, and takes a compare-and-set against what getDelivery handed out', async () => {
      const request = aRequest();
      await store.insert(request);
      const fresh = await store.getDelivery(request.id);
      expect(fresh).toEqual({ told: 0 });
      const marked = { told: 0, sending: { index: 0, count: 1 } };
      expect(await store.replaceDelivery(request.id, marked, fresh)).toBe(true);
      // A second writer that read the same (absent) delivery loses.
      expect(await store.replaceDelivery(request.id, { told: 1 }, fresh)).toBe(false);
      const read = await store.getDelivery(request.id);
      expect(read).toEqual(marked);
      expect(await store.replaceDelivery(request.id, { told: 1, cardTs: '1.000100' }, read)).toBe(true);
      expect(await store.replaceDelivery(request.id, { told: 2 }, read)).toBe(false);
      expect(await store.getDelivery(request.id)).toEqual({ told: 1, cardTs: '1.000100' });
      // Telling Slack never bumps the request.
      expect((await store.get(request.id))?.version).toBe(1);
    });

    it('lets exactly one of 20 concurrent writers from the same read win', async () => {
      const request = aRequest();
      await store.insert(request);
      const read = await store.getDelivery(request.id);
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => store.replaceDelivery(request.id, { told: i + 1 }, read)),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
    });

    it('reads where a record from before deliveries had their own record stood', async () => {
      const legacy = { ...aRequest(), toldCount: 1, sendingIndex: 1, sendingCount: 2, cardTs: '1700000000.000100' };
      await store.insert(legacy as MoneyRequest);
      const delivery = await store.getDelivery(legacy.id);
      expect(delivery).toEqual({ told: 1, sending: { index: 1, count: 2 }, cardTs: '1700000000.000100' });
      expect(await store.replaceDelivery(legacy.id, { told: 3, cardTs: '1700000000.000100' }, delivery)).toBe(true);
      expect(await store.getDelivery(legacy.id)).toEqual({ told: 3, cardTs: '1700000000.000100' });
    });
  });

  itWhenPersistent('keeps records, references and work across closing and reopening', async () => {
    const request = aRequest();
    await store.insert(request);
    const executing = nextVersion(request, { state: 'executing', attempt: { referenceId: 'ref-9' } });
    await store.replace(executing);
    await store.close();
    store = await open();
    expect(await store.get(request.id)).toEqual(executing);
    expect(await store.getByReference('ref-9')).toEqual(executing);
    expect(await store.listWithWorkLeft()).toEqual([{ request: executing, delivery: { told: 0 } }]);
    expect(await store.replace(nextVersion(executing, { state: 'pending' }))).toBe(true);
  });

  it('holds a lease for its owner only, until released', async () => {
    expect(await store.acquireLease('sweep', 'A', 10_000)).toBeGreaterThan(0);
    expect(await store.acquireLease('sweep', 'B', 10_000)).toBeUndefined();
    expect(await store.acquireLease('sweep', 'A', 10_000)).toBeGreaterThan(0);
    expect(await store.renewLease('sweep', 'A', 10_000)).toBe(true);
    expect(await store.renewLease('sweep', 'B', 10_000)).toBe(false);
    await store.releaseLease('sweep', 'B');
    expect(await store.acquireLease('sweep', 'B', 10_000)).toBeUndefined();
    await store.releaseLease('sweep', 'A');
    expect(await store.renewLease('sweep', 'A', 10_000)).toBe(false);
    expect(await store.acquireLease('sweep', 'B', 10_000)).toBeGreaterThan(0);
  });

  it('lets another owner take a lease once it expired, and not its old owner renew it', async () => {
    expect(await store.acquireLease('sweep', 'A', 100)).toBeGreaterThan(0);
    clock.now += 200;
    // Redis expires by its own clock: poll until it has (memory and SQLite pass at once).
    await vi.waitFor(async () => expect(await store.acquireLease('sweep', 'B', 10_000)).toBeGreaterThan(0), {
      timeout: 2000,
      interval: 20,
    });
    expect(await store.renewLease('sweep', 'A', 10_000)).toBe(false);
  });

  it('hands out a higher epoch at every takeover, the same one to an owner extending its lease', async () => {
    const first = await store.acquireLease('request:R1', 'A', 100);
    expect(first).toBeGreaterThan(0);
    expect(await store.acquireLease('request:R1', 'A', 100)).toBe(first);
    expect(await store.acquireLease('request:R1', 'B', 100)).toBeUndefined();
    const other = await store.acquireLease('request:R2', 'A', 10_000);
    expect(other).toBeGreaterThan(first!);
    clock.now += 200;
    // Redis expires by its own clock: poll until it has (memory and SQLite pass at once).
    const taken = await vi.waitFor(
      async () => {
        const epoch = await store.acquireLease('request:R1', 'B', 10_000);
        expect(epoch).toBeDefined();
        return epoch!;
      },
      { timeout: 2000, interval: 20 },
    );
    expect(taken).toBeGreaterThan(other!);
    await store.releaseLease('request:R1', 'B');
    expect(await store.acquireLease('request:R1', 'B', 10_000)).toBeGreaterThan(taken);
  });

  describe('fenced writes', () => {
    it(
      'writes while the lease is held with the fence epoch, ' + 'and refuses a stale holder once another took over',
      async () => {
        const request = aRequest();
        await store.insert(request);
        const epochA = (await store.acquireLease(`request:${request.id}`, 'A', 100))!;
        const fenceA = { lease: `request:${request.id}`, epoch: epochA };
        const v2 = nextVersion(request, { approverId: 'U_A' });
        expect(await store.replace(v2, undefined, { fence: fenceA })).toBe(true);
        clock.now += 200;
        const epochB = await vi.waitFor(
          async () => {
            const epoch = await store.acquireLease(`request:${request.id}`, 'B', 10_000);
            expect(epoch).toBeDefined();
            return epoch!;
          },
          { timeout: 2000, interval: 20 },
        );
        // A stalled past its lease: its next write, made from what it read before, is refused.
        await expect(
          store.replace(nextVersion(v2, { approverId: 'U_STALE' }), undefined, { fence: fenceA }),
        ).rejects.toBeInstanceOf(FencedWriteError);
        expect(await store.get(request.id)).toEqual(v2);
        expect(
          await store.replace(nextVersion(v2, { approverId: 'U_B' }), undefined, {
            fence: { lease: `request:${request.id}`, epoch: epochB },
          }),
        ).toBe(true);
      },
    );

    it('refuses a fenced write when nobody holds the lease (released or never taken)', async () => {
      const request = aRequest();
      await store.insert(request);
      const epoch = (await store.acquireLease(`request:${request.id}`, 'A', 10_000))!;
      await store.releaseLease(`request:${request.id}`, 'A');
      const fence = { lease: `request:${request.id}`, epoch };
      await expect(store.replace(nextVersion(request), undefined, { fence })).rejects.toBeInstanceOf(FencedWriteError);
      await expect(
        store.replace(nextVersion(request), undefined, { fence: { lease: 'request:R_NOBODY', epoch } }),
      ).rejects.toBeInstanceOf(FencedWriteError);
      expect(await store.get(request.id)).toEqual(request);
    });

    it('still refuses a stale version under a valid fence', async () => {
      const request = aRequest();
      await store.insert(request);
      const fence = {
        lease: `request:${request.id}`,
        epoch: (await store.acquireLease(`request:${request.id}`, 'A', 10_000))!,
      };
      await store.replace(nextVersion(request, { approverId: 'U_FIRST' }), undefined, { fence });
      expect(await store.replace(nextVersion(request, { approverId: 'U_LATE' }), undefined, { fence })).toBe(false);
    });
  });

  describe('counters changed with a write', () => {
    const day = (delta: number, limit?: number) => ({
      name: 'daily:2026-12-04:payout:USD',
      delta,
      limit,
      expiresAt: clock.now + 86_400_000,
    });

    it('adds to a counter in the same step as the write, and reads it back', async () => {
      const request = aRequest();
      await store.insert(request);
      expect(await store.counter('daily:2026-12-04:payout:USD')).toBe(0);
      expect(await store.replace(nextVersion(request), undefined, { counters: [day(10_000, 15_000)] })).toBe(true);
      expect(await store.counter('daily:2026-12-04:payout:USD')).toBe(10_000);
    });

    it('refuses the whole write when a counter would pass its limit, saying what it held', async () => {
      const [a, b] = [aRequest(), aRequest()];
      await store.insert(a);
      await store.insert(b);
      await store.replace(nextVersion(a), undefined, { counters: [day(10_000, 15_000)] });
      await expect(
        store.replace(nextVersion(b, { state: 'approved' }), undefined, { counters: [day(10_000, 15_000)] }),
      ).rejects.toMatchObject({
        name: 'LimitReachedError',
        counter: 'daily:2026-12-04:payout:USD',
        current: 10_000,
      });
      expect(await store.get(b.id)).toEqual(b);
      expect(await store.counter('daily:2026-12-04:payout:USD')).toBe(10_000);
      // Exactly at the limit is allowed.
      expect(await store.replace(nextVersion(b), undefined, { counters: [day(5_000, 15_000)] })).toBe(true);
    });

    it('lets only as many concurrent writes through as the limit allows (three 100 against 150)', async () => {
      const requests = [aRequest(), aRequest(), aRequest()];
      for (const r of requests) await store.insert(r);
      const results = await Promise.allSettled(
        requests.map((r) =>
          store.replace(nextVersion(r, { state: 'approved' }), undefined, { counters: [day(10_000, 15_000)] }),
        ),
      );
      expect(results.filter((r) => r.status === 'fulfilled' && r.value === true)).toHaveLength(1);
      expect(results.filter((r) => r.status === 'rejected' && r.reason instanceof LimitReachedError)).toHaveLength(2);
      expect(await store.counter('daily:2026-12-04:payout:USD')).toBe(10_000);
    });

    it('changes no counter when the record changed meanwhile', async () => {
      const request = aRequest();
      await store.insert(request);
      await store.replace(nextVersion(request));
      expect(await store.replace(nextVersion(request), undefined, { counters: [day(10_000)] })).toBe(false);
      expect(await store.counter('daily:2026-12-04:payout:USD')).toBe(0);
    });

    it('gives back with a negative change, never below zero, and leaves an absent counter absent', async () => {
      const request = aRequest();
      await store.insert(request);
      await store.replace(nextVersion(request), undefined, { counters: [day(10_000)] });
      let current = (await store.get(request.id))!;
      await store.replace(nextVersion(current), undefined, { counters: [day(-4_000)] });
      expect(await store.counter('daily:2026-12-04:payout:USD')).toBe(6_000);
      current = (await store.get(request.id))!;
      await store.replace(nextVersion(current), undefined, {
        counters: [day(-9_000), { name: 'daily:gone', delta: -1, expiresAt: clock.now + 1000 }],
      });
      expect(await store.counter('daily:2026-12-04:payout:USD')).toBe(0);
      expect(await store.counter('daily:gone')).toBe(0);
    });
  });

  it('names the key of a record that does not have the expected shape', async () => {
    const broken = { ...aRequest(), state: 'lost' } as unknown as MoneyRequest;
    await store.insert(broken);
    await expect(store.get(broken.id)).rejects.toMatchObject({
      code: 'store_invalid_record',
      message: expect.stringContaining(`${place.namespace}:request:${broken.id}`),
    });
  });

  describe('listing by creation time', () => {
    const at = (minute: number) => new Date(Date.UTC(2026, 0, 10, 12, minute)).toISOString();
    const created = (minute: number, overrides: Partial<MoneyRequest> = {}) =>
      aRequest({ createdAt: at(minute), ...overrides });

    it('lists IDs oldest first, or newest first, ties in ID order', async () => {
      const [a, b, c] = [created(3), created(1), created(2)];
      const tieLow = created(5, { id: 'R_TIE_A' });
      const tieHigh = created(5, { id: 'R_TIE_B' });
      for (const request of [a, tieHigh, b, tieLow, c]) await store.insert(request);
      expect(await store.listRequestIds({})).toEqual([b.id, c.id, a.id, tieLow.id, tieHigh.id]);
      expect(await store.listRequestIds({ newestFirst: true })).toEqual([tieHigh.id, tieLow.id, a.id, c.id, b.id]);
    });

    it('takes since as inclusive, until as exclusive, and at most limit IDs from the chosen end', async () => {
      const requests = [0, 1, 2, 3, 4].map((minute) => created(minute));
      for (const request of requests) await store.insert(request);
      const [r0, r1, r2, r3, r4] = requests.map((r) => r.id);
      const minute = (m: number) => new Date(at(m));
      expect(await store.listRequestIds({ since: minute(1), until: minute(3) })).toEqual([r1, r2]);
      expect(await store.listRequestIds({ since: minute(3) })).toEqual([r3, r4]);
      expect(await store.listRequestIds({ until: minute(1) })).toEqual([r0]);
      expect(await store.listRequestIds({ limit: 2 })).toEqual([r0, r1]);
      expect(await store.listRequestIds({ limit: 2, newestFirst: true })).toEqual([r4, r3]);
      expect(await store.listRequestIds({ since: minute(1), until: minute(4), limit: 2, newestFirst: true })).toEqual([
        r3,
        r2,
      ]);
      expect(await store.listRequestIds({ limit: 0 })).toEqual([]);
      expect(await store.listRequestIds({ since: minute(9) })).toEqual([]);
    });

    it('rejects a query no store can answer as a mistake, not as an outage', async () => {
      await expect(store.listRequestIds({ limit: -1 })).rejects.toBeInstanceOf(RangeError);
      await expect(store.listRequestIds({ since: new Date('nope') })).rejects.toBeInstanceOf(RangeError);
    });

    it('lists the IDs of the requests about one subject, oldest first', async () => {
      const second = created(2);
      const first = created(1);
      const otherPayment = created(3, {
        details: { kind: 'refund', originalPaymentIntentId: 7, amount: '1.00', reason: 'r' },
      });
      const payout = created(4, {
        details: { kind: 'payout', payoutAccountId: 4411, amount: '1.00', currency: 'USD', reason: 'r' },
      });
      for (const request of [second, otherPayment, first, payout]) await store.insert(request);
      expect(await store.listRequestIdsFor('refund:4411')).toEqual([first.id, second.id]);
      expect(await store.listRequestIdsFor('refund:7')).toEqual([otherPayment.id]);
      expect(await store.listRequestIdsFor('payout:4411')).toEqual([payout.id]);
      expect(await store.listRequestIdsFor('payout:1')).toEqual([]);
    });

    it('keeps one entry when the same request is inserted twice', async () => {
      const request = created(1);
      await store.insert(request);
      expect(await store.insert(request)).toBe(false);
      expect(await store.listRequestIds({})).toEqual([request.id]);
      expect(await store.listRequestIdsFor('refund:4411')).toEqual([request.id]);
    });

    it('skips an index entry whose record was never written (a crash in between), until it is', async () => {
      // The raw backend is the place's only user here (the embedded store admits one app at a time).
      await store.close();
      const raw = await place.openBackend(() => clock.now);
      const options = { namespace: place.namespace, timeoutMs: 1000 };
      const crashing = createKeyvStore(
        {
          ...raw,
          atomic: { ...raw.atomic, insertIfAbsent: () => Promise.reject(new Error('crashed before the record')) },
        },
        options,
      );
      const reader = createKeyvStore(raw, options);
      try {
        const [before, lost, after] = [created(1), created(2), created(3)];
        await reader.insert(before);
        await expect(crashing.insert(lost)).rejects.toMatchObject({ code: 'store_unavailable' });
        await reader.insert(after);
        expect(await reader.listRequestIds({})).toEqual([before.id, after.id]);
        expect(await reader.listRequestIds({ limit: 2 })).toEqual([before.id, after.id]);
        expect(await reader.listRequestIds({ limit: 2, newestFirst: true })).toEqual([after.id, before.id]);
        expect(await reader.listRequestIdsFor('refund:4411')).toEqual([before.id, after.id]);
        // The retried insert writes the record; the entry is the one already there.
        expect(await reader.insert(lost)).toBe(true);
        expect(await reader.listRequestIds({ limit: 2, since: new Date(at(2)) })).toEqual([lost.id, after.id]);
      } finally {
        await raw.close();
        store = await open();
      }
    });
  });

  describe('settings', () => {
    it('round-trips a setting and clears it', async () => {
      expect(await store.getSetting('freeze')).toBeUndefined();
      await store.setSetting('freeze', 'on: audit in progress, "until" Monday');
      expect(await store.getSetting('freeze')).toBe('on: audit in progress, "until" Monday');
      await store.setSetting('freeze', '');
      expect(await store.getSetting('freeze')).toBe('');
      await store.setSetting('freeze', undefined);
      expect(await store.getSetting('freeze')).toBeUndefined();
      await store.setSetting('freeze', undefined);
      expect(await store.getSetting('other')).toBeUndefined();
    });
  });

  itWhenPersistent('keeps settings and the creation index across closing and reopening', async () => {
    const request = aRequest();
    await store.insert(request);
    await store.setSetting('freeze', 'on');
    await store.close();
    store = await open();
    expect(await store.getSetting('freeze')).toBe('on');
    expect(await store.listRequestIds({})).toEqual([request.id]);
    expect(await store.listRequestIdsFor('refund:4411')).toEqual([request.id]);
  });

  describe('counters', () => {
    it('counts 1, 2, 3 and keeps counters apart', async () => {
      expect(await store.increment('approvals:U1', 60_000)).toBe(1);
      expect(await store.increment('approvals:U1', 60_000)).toBe(2);
      expect(await store.increment('approvals:U2', 60_000)).toBe(1);
      expect(await store.increment('approvals:U1', 60_000)).toBe(3);
    });

    it('gives 20 concurrent increments 20 distinct counts, ending at 20', async () => {
      const counts = await Promise.all(Array.from({ length: 20 }, () => store.increment('burst', 60_000)));
      expect([...counts].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      expect(await store.increment('burst', 60_000)).toBe(21);
    });

    it('starts again at 1 once its window is over', async () => {
      expect(await store.increment('window', 100)).toBe(1);
      expect(await store.increment('window', 100)).toBe(2);
      clock.now += 200;
      // Redis expires by its own clock: poll until it has (memory and SQLite pass at once).
      await vi.waitFor(async () => expect(await store.increment('window', 100)).toBe(1), {
        timeout: 2000,
        interval: 20,
      });
      expect(await store.increment('window', 100)).toBe(2);
    });

    it('refuses a window that is not a whole positive number of ms', async () => {
      await expect(store.increment('bad', 0)).rejects.toBeInstanceOf(RangeError);
      await expect(store.increment('bad', 1.5)).rejects.toBeInstanceOf(RangeError);
    });
  });

  itWhenPersistent('names the key of a record that is not JSON', async () => {
    await place.plantRaw!(`${place.namespace}:request:R_BROKEN`, 'not json{');
    await expect(store.get('R_BROKEN')).rejects.toMatchObject({
      code: 'store_invalid_record',
      message: expect.stringContaining(`${place.namespace}:request:R_BROKEN`),
    });
  });
}

describe('the embedded default store', () => {
  it(
    'admits one app process at a time, with a reader beside it, ' + 'and takes over every lease at once on opening',
    async () => {
      const dir = await mkdtemp(join(tmpdir(), 'dollr-lock-'));
      const url = `sqlite://${join(dir, 'store.sqlite')}`;
      try {
        const first = await createStore(url);
        const request = aRequest();
        await first.insert(request);
        expect(await first.acquireLease(`request:${request.id}`, 'dead-process', 60_000)).toBeGreaterThan(0);
        await expect(createStore(url)).rejects.toMatchObject({
          code: 'store_locked',
          message: expect.stringContaining('STORE_URL=redis://'),
        });
        const reader = await createStore(url, { role: 'reader' });
        expect((await reader.get(request.id))?.id).toBe(request.id);
        await reader.close();
        await first.close();
        // The next app finds the lease of the one before free: its holder cannot be alive.
        const next = await createStore(url);
        expect(await next.acquireLease(`request:${request.id}`, 'next-process', 60_000)).toBeGreaterThan(0);
        await next.close();
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  );

  it('creates ./data/dollr-slack.sqlite under the working directory', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'dollr-default-'));
    try {
      const store = await createStore(undefined, { cwd });
      await store.insert(aRequest());
      await store.close();
      expect((await stat(join(cwd, 'data', 'dollr-slack.sqlite'))).size).toBeGreaterThan(0);
    } finally {
      await rm(cwd, { recursive: true, force: true });
    }
  });

  it('keeps a write-ahead log (one fsync per commit, readers beside a writer)', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'dollr-default-'));
    try {
      const store = await createStore(undefined, { cwd });
      await store.insert(aRequest());
      // The journal mode is stored in the file: a second connection (the audit export's, say) sees it.
      const other = new DatabaseSync(join(cwd, 'data', 'dollr-slack.sqlite'), { readOnly: true });
      expect({ ...other.prepare('PRAGMA journal_mode').get() }).toEqual({ journal_mode: 'wal' });
      other.close();
      await store.close();
    } finally {
      await rm(cwd, { recursive: true, force: true });
    }
  });
});
