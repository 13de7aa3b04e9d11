/**
 * One contract, every backend (keyv's storageTestSuite idea): memory, SQLite in a temp file, and the
 * Redis server on 127.0.0.1:6379 under a random namespace that is deleted afterwards.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import KeyvRedis, { createClient } from '@keyv/redis';
import { KeyvSqlite } from '@keyv/sqlite';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Backend as StoreBackend } from '../../src/adapters/store/backend.ts';
import { createStore, type Store } from '../../src/adapters/store/create-store.ts';
import { openMemoryBackend } from '../../src/adapters/store/memory-backend.ts';
import { openRedisBackend } from '../../src/adapters/store/redis-backend.ts';
import { openSqliteBackend } from '../../src/adapters/store/sqlite-backend.ts';
import type { MoneyRequest } from '../../src/core/request.ts';
import { aRequest, nextVersion } from '../support/request-builder.ts';

const REDIS_URL = 'redis://127.0.0.1:6379';

/** A place for one test's data. `open` always opens the same place, so reopening finds the data. */
interface Place {
  namespace: string;
  open(now: () => number): Promise<Store>;
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
  place: () => ({ namespace: 'dollr', open: (now) => createStore('memory://', { now }) }),
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
        async plantRaw(key, raw) {
          const adapter = new KeyvSqlite({ uri: `sqlite://${file}` });
          await adapter.set(key, raw);
          await adapter.disconnect();
        },
      };
    },
    backend: async () => ({ backend: await openSqliteBackend({ file: join(dir, `raw-${++count}.sqlite`), busyTimeoutMs: 1000 }), prefix: 'raw' }),
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
        async plantRaw(key, raw) {
          const adapter = new KeyvRedis(REDIS_URL);
          await adapter.set(key, raw);
          await adapter.disconnect();
        },
      };
    },
    backend: async () => ({ backend: await openRedisBackend({ url: REDIS_URL, timeoutMs: 1000 }), prefix: `${base}:raw-${++count}` }),
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

  const ids = (requests: MoneyRequest[]) => requests.map((r) => r.id).sort();

  it('returns what was inserted, and undefined for an unknown ID', async () => {
    const request = aRequest({ cardTs: '1700000000.000100', approverId: undefined });
    expect(await store.insert(request)).toBe(true);
    expect(await store.get(request.id)).toEqual(JSON.parse(JSON.stringify(request)));
    expect(await store.get('R_UNKNOWN')).toBeUndefined();
  });

  it('keeps text that starts with a colon intact (Keyv escapes it)', async () => {
    const request = aRequest({ details: { kind: 'refund', originalPaymentIntentId: 1, amount: '1.00', reason: ':base64:AAAA' } });
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
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => store.insert({ ...request, requesterId: `U${i}` })));
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
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => store.replace(nextVersion(read, { approverId: `U${i}` }))));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await store.get(request.id)).toMatchObject({ version: 2, approverId: `U${results.indexOf(true)}` });
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

  it('lists requests with work left as their state changes', async () => {
    const request = aRequest();
    const other = aRequest();
    await store.insert(request);
    await store.insert(other);
    expect(ids(await store.listWithWorkLeft())).toEqual(ids([request, other]));

    const told = nextVersion(request, { toldCount: 1 });
    await store.replace(told);
    expect(ids(await store.listWithWorkLeft())).toEqual([other.id]);

    const approved = nextVersion(told, { state: 'approved' });
    await store.replace(approved);
    expect(ids(await store.listWithWorkLeft())).toEqual(ids([request, other]));

    const rejected = nextVersion(other, { state: 'rejected', toldCount: 1 });
    await store.replace(rejected);
    const completed = nextVersion(approved, { state: 'completed' });
    await store.replace(completed);
    expect(await store.listWithWorkLeft()).toEqual([]);
  });

  it.skipIf(!backend.persistent)('keeps records, references and work across closing and reopening', async () => {
    const request = aRequest();
    await store.insert(request);
    const executing = nextVersion(request, { state: 'executing', attempt: { referenceId: 'ref-9' } });
    await store.replace(executing);
    await store.close();
    store = await open();
    expect(await store.get(request.id)).toEqual(executing);
    expect(await store.getByReference('ref-9')).toEqual(executing);
    expect(await store.listWithWorkLeft()).toEqual([executing]);
    expect(await store.replace(nextVersion(executing, { state: 'pending' }))).toBe(true);
  });

  it('holds a lease for its owner only, until released', async () => {
    expect(await store.acquireLease('sweep', 'A', 10_000)).toBe(true);
    expect(await store.acquireLease('sweep', 'B', 10_000)).toBe(false);
    expect(await store.acquireLease('sweep', 'A', 10_000)).toBe(true);
    expect(await store.renewLease('sweep', 'A', 10_000)).toBe(true);
    expect(await store.renewLease('sweep', 'B', 10_000)).toBe(false);
    await store.releaseLease('sweep', 'B');
    expect(await store.acquireLease('sweep', 'B', 10_000)).toBe(false);
    await store.releaseLease('sweep', 'A');
    expect(await store.renewLease('sweep', 'A', 10_000)).toBe(false);
    expect(await store.acquireLease('sweep', 'B', 10_000)).toBe(true);
  });

  it('lets another owner take a lease once it expired, and not its old owner renew it', async () => {
    expect(await store.acquireLease('sweep', 'A', 100)).toBe(true);
    clock.now += 200;
    // Redis expires by its own clock: poll until it has (memory and SQLite pass at once).
    await vi.waitFor(async () => expect(await store.acquireLease('sweep', 'B', 10_000)).toBe(true), { timeout: 2000, interval: 20 });
    expect(await store.renewLease('sweep', 'A', 10_000)).toBe(false);
  });

  it('names the key of a record that does not have the expected shape', async () => {
    const broken = { ...aRequest(), state: 'lost' } as unknown as MoneyRequest;
    await store.insert(broken);
    await expect(store.get(broken.id)).rejects.toMatchObject({
      code: 'store_invalid_record',
      message: expect.stringContaining(`${place.namespace}:request:${broken.id}`),
    });
  });

  it.skipIf(!backend.persistent)('names the key of a record that is not JSON', async () => {
    await place.plantRaw!(`${place.namespace}:request:R_BROKEN`, 'not json{');
    await expect(store.get('R_BROKEN')).rejects.toMatchObject({
      code: 'store_invalid_record',
      message: expect.stringContaining(`${place.namespace}:request:R_BROKEN`),
    });
  });
}

describe('the embedded default store', () => {
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
});
