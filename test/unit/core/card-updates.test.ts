/**
 * Card updates against the memory store and the Slack side in memory: rendered from the newest
 * record at the turn, refreshes asked for while one waits joined into one, a card not out left
 * alone, a 429 paused and sent again.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../../src/adapters/store/create-store.ts';
import { createCardUpdates } from '../../../src/core/delivery/card-updates.ts';
import type { Pacing, Turn } from '../../../src/core/ports.ts';
import { memoryStore } from '../../support/core-harness.ts';
import { createFakeClock } from '../../support/fake-clock.ts';
import { immediatePacing, type RecordingSender, recordingSender } from '../../support/recording-slack.ts';
import { aRequest } from '../../support/request-builder.ts';

let store: Store;
let sender: RecordingSender;

beforeEach(async () => {
  store = await memoryStore(createFakeClock());
  sender = recordingSender();
});

async function withCard(): Promise<string> {
  const request = aRequest();
  await store.insert(request);
  await store.replaceDelivery(
    request.id,
    { told: 1, cardTs: '1764842400.000100' },
    await store.getDelivery(request.id),
  );
  return request.id;
}

describe('card updates', () => {
  it('join a refresh that still waits for its turn: one update for all of them', async () => {
    const id = await withCard();
    let grant!: () => void;
    const granted = new Promise<void>((resolve) => (grant = resolve));
    const inner = immediatePacing();
    const pacing: Pacing = {
      async turn(lane): Promise<Turn> {
        await granted;
        return inner.turn(lane);
      },
    };
    const cards = createCardUpdates({ store, pacing, sender });
    const refreshes = [cards.refresh(id), cards.refresh(id), cards.refresh(id)];
    grant();
    await Promise.all(refreshes);
    expect(sender.cardUpdates).toEqual([id]);
    // Once a refresh has its turn, a newer one takes a turn of its own.
    await cards.refresh(id);
    expect(sender.cardUpdates).toEqual([id, id]);
  });

  it('leave alone a request whose card is not out, giving its turn back', async () => {
    const request = aRequest();
    await store.insert(request);
    const pacing = immediatePacing();
    await createCardUpdates({ store, pacing, sender }).refresh(request.id);
    expect(sender.cardUpdates).toEqual([]);
    expect(pacing.turns).toMatchObject({ started: 1, ended: 1, spent: 0 });
  });

  it('pause on a 429 and update again; any other failure goes to the caller', async () => {
    const id = await withCard();
    const pacing = immediatePacing();
    const cards = createCardUpdates({ store, pacing, sender });
    sender.updateFailures.push(Object.assign(new Error('ratelimited'), { retryAfterMs: 1500 }));
    await cards.refresh(id);
    expect(pacing.turns.paused).toEqual([1500]);
    expect(sender.cardUpdates).toEqual([id]);
    sender.updateFailures.push(new Error('is_archived'));
    await expect(cards.refresh(id)).rejects.toThrow('is_archived');
    expect(pacing.turns).toMatchObject({ started: 2, ended: 2 });
  });
});
