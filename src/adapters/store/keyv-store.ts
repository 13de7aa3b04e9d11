/**
 * The RequestStore (and Leases) on any Backend. Records are Keyv values under `<ns>:request:<id>`;
 * every write of a record is atomic (insertIfAbsent, compareAndSet on the exact text read), and
 * every operation is bounded by a deadline that turns outages into StoreError('store_unavailable').
 *
 * Two indexes ride along, ordered so that a crash between two steps never loses work:
 * - `<ns>:reference:<referenceId>` -> request ID, written before the record that carries the
 *   reference. A crash in between leaves an entry pointing at a record without that reference;
 *   getByReference checks and ignores it.
 * - `<ns>:work-left`, the IDs of requests that may have work left (delivery.ts hasWorkLeft): added
 *   when a request is inserted, and again before a final request is written with news to tell;
 *   removed once it is final and told (`settled`, from the outbox, or by listWithWorkLeft finding
 *   it so). Members carry the version that added them and a removal as of version n only takes out
 *   members up to n, so it cannot remove what a newer write added.
 * - `<ns>:created` and `<ns>:subject:<subject>`, requests by creation time (request-index.ts), also
 *   written before the record; readers skip IDs whose record does not exist.
 *
 * Deliveries are `<ns>:delivery:<id>` (delivery-records.ts). Settings are plain Keyv values under
 * `<ns>:setting:<name>`; counters are `<ns>:counter:<name>`,
 * kept by the backend's own atomic operations. Leases are `<ns>:lease:<name>`, their epochs drawn
 * from the one counter `<ns>:lease-epoch`, which never expires.
 */
import type { Leases, RequestStore, WriteOptions } from '../../core/ports.ts';
import { hasWorkLeft } from '../../core/delivery/delivery.ts';
import { isFinal, type MoneyRequest } from '../../core/request/request.ts';
import { FencedWriteError, LimitReachedError } from '../../core/store-refusals.ts';
import type { Backend, WriteConditions } from './backend.ts';
import { createDeliveryRecords } from './delivery-records.ts';
import { createRecordCodec } from './record-codec.ts';
import { checkListQuery, createRequestIndex } from './request-index.ts';
import { withinDeadline } from './within-deadline.ts';

export interface KeyvStoreOptions {
  /** Prefix of every key, so that several apps or test files can share one Redis. */
  namespace: string;
  /** Longest any operation may take before it rejects with store_unavailable, in ms. */
  timeoutMs: number;
}

export function createKeyvStore(backend: Backend, options: KeyvStoreOptions): RequestStore & Leases {
  const { keyv, atomic } = backend;
  const codec = createRecordCodec(keyv);
  const ns = options.namespace;
  const requestKey = (id: string) => `${ns}:request:${id}`;
  const referenceKey = (referenceId: string) => `${ns}:reference:${referenceId}`;
  const workLeftKey = `${ns}:work-left`;
  const leaseKey = (name: string) => `${ns}:lease:${name}`;
  const leaseEpochKey = `${ns}:lease-epoch`;
  const settingKey = (name: string) => `${ns}:setting:${name}`;
  const counterKey = (name: string) => `${ns}:counter:${name}`;
  const index = createRequestIndex(atomic, ns, requestKey);
  const deliveries = createDeliveryRecords(keyv, atomic, ns);
  const guard = <T>(label: string, work: () => Promise<T>) => withinDeadline(options.timeoutMs, label, work);

  /** Keyv's stored text for a key: compareAndSet needs the exact bytes, not a re-serialization. */
  async function readRaw(key: string): Promise<string | undefined> {
    const raw: unknown = await keyv.store.get(key);
    if (raw === undefined || raw === null) return undefined;
    if (typeof raw !== 'string')
      throw new Error(`The store returned a ${typeof raw} for "${key}" where text was expected.`);
    return raw;
  }

  function conditionsOf(options: WriteOptions | undefined): WriteConditions | undefined {
    if (!options) return undefined;
    const { fence, counters } = options;
    return {
      ...(fence ? { fence: { leaseKey: leaseKey(fence.lease), epoch: fence.epoch } } : {}),
      ...(counters
        ? {
            counters: counters.map((c) => ({
              key: counterKey(c.name),
              delta: c.delta,
              limit: c.limit,
              expiresAt: c.expiresAt,
            })),
          }
        : {}),
    };
  }

  /** The text each record handed out was read from, so that replace(next, basedOn) need not read it again. */
  const readFrom = new WeakMap<MoneyRequest, string>();

  async function read(id: string): Promise<{ raw: string; record: MoneyRequest } | undefined> {
    const key = requestKey(id);
    const raw = await readRaw(key);
    if (raw === undefined) return undefined;
    const record = await codec.decode(key, id, raw);
    readFrom.set(record, raw);
    return { raw, record };
  }

  return {
    insert: (request) =>
      guard(`insert ${request.id}`, async () => {
        const referenceId = request.attempt?.referenceId;
        if (referenceId !== undefined) await keyv.set(referenceKey(referenceId), request.id);
        await atomic.addToIndex(workLeftKey, request.id, request.version);
        await index.add(request);
        return atomic.insertIfAbsent(requestKey(request.id), await codec.encode(request));
      }),

    get: (id) => guard(`get ${id}`, async () => (await read(id))?.record),

    async replace(next, basedOn, options) {
      const outcome = await guard(`replace ${next.id}`, async () => {
        // compareAndSet on the text basedOn was read from: if it is stale, the write is refused
        // exactly as if we had read the newer text first.
        const known = basedOn && readFrom.get(basedOn);
        const current = known ? { raw: known, record: basedOn } : await read(next.id);
        if (current === undefined || current.record.version !== next.version - 1) return 'changed';
        const referenceId = next.attempt?.referenceId;
        if (referenceId !== undefined && referenceId !== current.record.attempt?.referenceId) {
          await keyv.set(referenceKey(referenceId), next.id);
        }
        // A request that is not final is in the index already; a final one with news to tell may
        // have left it, and comes back (before the write, so that a crash cannot lose the news).
        if (isFinal(next.state) && next.events.length > current.record.events.length) {
          await atomic.addToIndex(workLeftKey, next.id, next.version);
        }
        return atomic.compareAndSet(requestKey(next.id), current.raw, await codec.encode(next), conditionsOf(options));
      });
      // Refusals, not outages: thrown outside the deadline guard, which would take them for one.
      if (outcome === 'fenced') throw new FencedWriteError(options!.fence!.lease);
      if (typeof outcome === 'object')
        throw new LimitReachedError(options!.counters![outcome.overLimit]!.name, outcome.current);
      return outcome === 'written';
    },

    getByReference: (referenceId) =>
      guard(`get by reference ${referenceId}`, async () => {
        const id: unknown = await keyv.get(referenceKey(referenceId));
        if (typeof id !== 'string') return undefined;
        const record = (await read(id))?.record;
        // The entry is written before the record, so it may point at a record that never got it.
        return record?.attempt?.referenceId === referenceId ? record : undefined;
      }),

    listWithWorkLeft: () =>
      guard('list with work left', async () => {
        const ids = await atomic.indexMembers(workLeftKey);
        const found = await Promise.all(
          ids.map(async (id) => {
            const request = (await read(id))?.record;
            return request && { request, delivery: await deliveries.get(id, async () => request) };
          }),
        );
        const withWork = [];
        for (const work of found) {
          if (work === undefined) continue;
          if (hasWorkLeft(work.request, work.delivery)) withWork.push(work);
          // Final and told: safe to drop, a newer write's entry has a higher version.
          else await atomic.removeFromIndex(workLeftKey, work.request.id, work.request.version);
        }
        const order = (a: MoneyRequest, b: MoneyRequest) =>
          a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id);
        return withWork.sort((a, b) => order(a.request, b.request));
      }),

    getDelivery: (id) => guard(`get delivery ${id}`, () => deliveries.get(id, async () => (await read(id))?.record)),

    replaceDelivery: (id, next, basedOn) =>
      guard(`replace delivery ${id}`, () => deliveries.replace(id, next, basedOn)),

    settled: (id, version) => guard(`settle ${id}`, () => atomic.removeFromIndex(workLeftKey, id, version)),

    // async, so that a bad query rejects (with a RangeError, not as an outage) instead of throwing.
    listRequestIds: async (query) => {
      checkListQuery(query);
      return guard('list request ids', () => index.list(query));
    },

    listRequestIdsFor: (subject) => guard(`list request ids for ${subject}`, () => index.listFor(subject)),

    getSetting: (name) =>
      guard(`get setting ${name}`, async () => {
        const value: unknown = await keyv.get(settingKey(name));
        return typeof value === 'string' ? value : undefined;
      }),

    setSetting: (name, value) =>
      guard(`set setting ${name}`, async () => {
        if (value === undefined) await keyv.delete(settingKey(name));
        else await keyv.set(settingKey(name), value);
      }),

    increment: async (counter, windowMs) => {
      if (!Number.isSafeInteger(windowMs) || windowMs < 1)
        throw new RangeError(`windowMs must be a whole number of ms, at least 1, not ${windowMs}.`);
      return guard(`increment ${counter}`, () => atomic.incrementCounter(counterKey(counter), windowMs));
    },

    counter: (name) => guard(`read counter ${name}`, () => atomic.readCounter(counterKey(name))),

    acquireLease: (name, owner, ttlMs) =>
      guard(
        `acquire lease ${name}`,
        async () => (await atomic.acquireLease(leaseKey(name), leaseEpochKey, owner, ttlMs)) || undefined,
      ),
    renewLease: (name, owner, ttlMs) =>
      guard(`renew lease ${name}`, () => atomic.renewLease(leaseKey(name), owner, ttlMs)),
    releaseLease: (name, owner) => guard(`release lease ${name}`, () => atomic.releaseLease(leaseKey(name), owner)),

    ping: () => guard('ping', () => backend.ping()),
    close: () => guard('close', () => backend.close()),
  };
}
