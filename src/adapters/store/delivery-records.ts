/**
 * Deliveries (core/delivery/delivery.ts) as Keyv values under `<ns>:delivery:<id>`, written with the
 * same atomic primitives as records: insertIfAbsent for the first, compareAndSet on the exact text
 * read for the next ones.
 *
 * Records written before deliveries had their own record kept the cursor on the request
 * (`toldCount`, `sendingIndex`, `sendingCount`, `cardTs`): for a request with no delivery yet, that
 * is where it stands, until the outbox writes its first delivery.
 */
import type { Keyv } from 'keyv';
import { z } from 'zod';
import { type Delivery, NOTHING_TOLD } from '../../core/delivery/delivery.ts';
import type { MoneyRequest } from '../../core/request/request.ts';
import type { AtomicPrimitives } from './backend.ts';
import { StoreError } from './store-error.ts';

const deliverySchema = z.object({
  told: z.int().nonnegative(),
  sending: z.object({ index: z.int().nonnegative(), count: z.int().positive() }).optional(),
  cardTs: z.string().optional(),
});

/** The cursor fields of a record from before deliveries had their own record. */
interface LegacyCursor {
  toldCount?: number;
  sendingIndex?: number;
  sendingCount?: number;
  cardTs?: string;
}

export interface DeliveryRecords {
  /** The delivery of the request, from its own record or, for an older record, from the request. */
  get(id: string, request: () => Promise<MoneyRequest | undefined>): Promise<Delivery>;
  /** Compare-and-set against what `get` handed out as `basedOn`. True when written. */
  replace(id: string, next: Delivery, basedOn: Delivery): Promise<boolean>;
}

export function createDeliveryRecords(keyv: Keyv, atomic: AtomicPrimitives, ns: string): DeliveryRecords {
  const key = (id: string) => `${ns}:delivery:${id}`;
  /** What each delivery handed out was read from: its text, or null when there was none yet. */
  const readFrom = new WeakMap<Delivery, string | null>();

  const encode = async (delivery: Delivery): Promise<string> =>
    String(await keyv.serializeData({ value: delivery, expires: undefined }));

  async function decode(id: string, raw: string): Promise<Delivery> {
    const value = (await keyv.deserializeData<unknown>(raw))?.value;
    const parsed = deliverySchema.safeParse(value);
    if (!parsed.success)
      throw new StoreError('store_invalid_record', `The value stored at "${key(id)}" is not a delivery.`);
    return parsed.data;
  }

  function fromLegacy(request: MoneyRequest | undefined): Delivery {
    const legacy = (request ?? {}) as LegacyCursor;
    if (legacy.toldCount === undefined) return { ...NOTHING_TOLD };
    return {
      told: legacy.toldCount,
      ...(legacy.sendingIndex === undefined
        ? {}
        : { sending: { index: legacy.sendingIndex, count: legacy.sendingCount ?? 1 } }),
      ...(legacy.cardTs === undefined ? {} : { cardTs: legacy.cardTs }),
    };
  }

  return {
    async get(id, request) {
      const raw: unknown = await keyv.store.get(key(id));
      const delivery = typeof raw === 'string' ? await decode(id, raw) : fromLegacy(await request());
      readFrom.set(delivery, typeof raw === 'string' ? raw : null);
      return delivery;
    },
    async replace(id, next, basedOn) {
      const known = readFrom.get(basedOn);
      if (known === undefined) throw new Error('replaceDelivery needs a delivery that getDelivery handed out.');
      const text = await encode(next);
      return known === null
        ? atomic.insertIfAbsent(key(id), text)
        : (await atomic.compareAndSet(key(id), known, text)) === 'written';
    },
  };
}
