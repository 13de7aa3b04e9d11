/**
 * Turns records into the exact text Keyv stores, and back with a light shape check, so that the
 * atomic primitives compare and write the same bytes Keyv reads. A value we cannot read is a
 * StoreError naming its key, never a half-typed object travelling into the core.
 */
import type { Keyv } from 'keyv';
import { z } from 'zod';
import { REQUEST_STATES, type MoneyRequest } from '../../core/request/request.ts';
import { StoreError } from './store-error.ts';

/** The fields the store and recovery rely on; the rest is trusted as written by this app. */
const storedRecordSchema = z.looseObject({
  id: z.string().min(1),
  version: z.int().positive(),
  state: z.enum(REQUEST_STATES),
  details: z.looseObject({ kind: z.enum(['refund', 'payout', 'transfer', 'refund_batch']) }),
  events: z.array(z.looseObject({ type: z.string(), at: z.string() })),
});

export interface RecordCodec {
  /** Keyv's serialized form of the record, as Keyv.set would store it (no expiry). */
  encode(record: MoneyRequest): Promise<string>;
  /** Reads Keyv's stored text for a record kept under `key`, expecting the record's ID to be `id`. */
  decode(key: string, id: string, raw: string): Promise<MoneyRequest>;
}

export function createRecordCodec(keyv: Keyv): RecordCodec {
  return {
    async encode(record) {
      const raw = await keyv.serializeData({ value: record, expires: undefined });
      if (typeof raw !== 'string') throw new Error('The store needs a Keyv serializer that produces text.');
      return raw;
    },
    async decode(key, id, raw) {
      let value: unknown;
      try {
        value = (await keyv.deserializeData<unknown>(raw))?.value;
      } catch (error) {
        throw new StoreError('store_invalid_record', `The value stored at "${key}" is not valid JSON.`, {
          cause: error,
        });
      }
      const parsed = storedRecordSchema.safeParse(value);
      if (!parsed.success) {
        const problems = parsed.error.issues
          .map((issue) => `${issue.path.join('.') || 'value'}: ${issue.message}`)
          .join('; ');
        throw new StoreError(
          'store_invalid_record',
          `The value stored at "${key}" is not a request record (${problems}).`,
          { cause: parsed.error },
        );
      }
      if (parsed.data.id !== id) {
        throw new StoreError(
          'store_invalid_record',
          `The value stored at "${key}" holds request "${parsed.data.id}", not "${id}".`,
        );
      }
      // The schema checks what the store relies on; the remaining fields are as this app wrote them.
      return parsed.data as unknown as MoneyRequest;
    },
  };
}
