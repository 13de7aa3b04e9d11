import { describe, expect, it } from 'vitest';
import { nextBatch } from '../../../src/core/delivery/delivery.ts';
import type { RequestEvent } from '../../../src/core/request/request.ts';

const at = '2026-11-28T10:00:00.000Z';
const ev = (type: string): RequestEvent =>
  ({ type, at, by: 'U1', to: ['U2'], message: 'm' }) as unknown as RequestEvent;
const batches = (types: string[]) => {
  const events = types.map(ev);
  const sizes: number[] = [];
  for (let i = 0; i < events.length; i += sizes.at(-1)!) sizes.push(nextBatch(events, i));
  return sizes;
};

describe('nextBatch', () => {
  it('sends the card alone, then every waiting thread event as one message', () => {
    expect(batches(['requested', 'approved', 'reference_minted', 'session_created', 'status', 'status'])).toEqual([
      1, 5,
    ]);
  });

  it('sends a reminder (a direct message) alone, between thread messages', () => {
    expect(batches(['requested', 'reminded', 'approved', 'reminded', 'status'])).toEqual([1, 1, 1, 1, 1]);
  });

  it('puts at most ten events in one message', () => {
    expect(batches(['approved', ...Array<string>(14).fill('status')])).toEqual([10, 5]);
  });
});
