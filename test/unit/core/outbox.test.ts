/**
 * The outbox against the memory store, the Slack side in memory (a pacing that gives every turn at
 * once, a sender that records what Slack would get) and a fake clock: each event told once, in
 * order, the waiting ones together; a crash's unrecorded message looked for first; a 429 paused
 * and sent again; failures retried after a wait, a refused message skipped after a few tries; the
 * final card update waited for.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../../src/adapters/store/create-store.ts';
import { createCardUpdates } from '../../../src/core/delivery/card-updates.ts';
import { createOutbox, type Outbox } from '../../../src/core/delivery/outbox.ts';
import type { MoneyRequest, RequestEvent, RequestState } from '../../../src/core/request/request.ts';
import { capturingLogger, memoryStore } from '../../support/core-harness.ts';
import { createFakeClock, type FakeClock } from '../../support/fake-clock.ts';
import {
  immediatePacing,
  type RecordingPacing,
  type RecordingSender,
  recordingSender,
} from '../../support/recording-slack.ts';
import { aRequest, nextVersion } from '../../support/request-builder.ts';

let clock: FakeClock;
let store: Store;
let outbox: Outbox;
let pacing: RecordingPacing;
let sender: RecordingSender;

/** What Slack got: one entry per message, the events it told, and whether it was looked for first. */
const messages = () => sender.messages.map(({ types, maybeSent }) => ({ types, maybeSent }));

const permanent = () => Object.assign(new Error('channel_not_found'), { permanent: true });

beforeEach(async () => {
  clock = createFakeClock();
  store = await memoryStore(clock);
  pacing = immediatePacing();
  sender = recordingSender();
  const cards = createCardUpdates({ store, pacing, sender });
  outbox = createOutbox({ store, pacing, sender, cards, clock, logger: capturingLogger(), retryDelayMs: 100 });
});

async function withEvents(
  request: MoneyRequest,
  types: RequestEvent['type'][],
  state?: RequestState,
): Promise<MoneyRequest> {
  const current = (await store.get(request.id))!;
  const events = [
    ...current.events,
    ...types.map((type) => ({ type, at: current.createdAt, message: 'm' }) as RequestEvent),
  ];
  const next = nextVersion(current, { events, ...(state ? { state } : {}) });
  expect(await store.replace(next, current)).toBe(true);
  return next;
}

describe('the outbox', () => {
  it('posts the card, then tells every waiting event in one reply, without touching the request', async () => {
    const request = aRequest();
    await store.insert(request);
    await withEvents(request, ['approved', 'reference_minted', 'session_created']);
    await outbox.flush(request.id);
    expect(messages()).toEqual([
      { types: ['requested'], maybeSent: false },
      { types: ['approved', 'reference_minted', 'session_created'], maybeSent: false },
    ]);
    expect(await store.getDelivery(request.id)).toEqual({ told: 4, cardTs: '1764842400.000100' });
    expect((await store.get(request.id))?.version).toBe(2);
  });

  it('looks first for a message marked as sending and never recorded (a crash after sending)', async () => {
    const request = aRequest();
    await store.insert(request);
    const fresh = await store.getDelivery(request.id);
    await store.replaceDelivery(request.id, { told: 0, sending: { index: 0, count: 1 } }, fresh);
    await outbox.flush(request.id);
    expect(messages()).toEqual([{ types: ['requested'], maybeSent: true }]);
    expect((await store.getDelivery(request.id)).told).toBe(1);
  });

  it('retries a failed delivery after its wait, keeping the first failure in the trail', async () => {
    const request = aRequest();
    await store.insert(request);
    sender.sendFailures.push(new Error('internal_error'), new Error('internal_error'));
    const flushing = outbox.flush(request.id);
    await clock.settle();
    expect(messages()).toEqual([]);
    await clock.advance(100); // The first retry, which fails again.
    expect(messages()).toEqual([]);
    await clock.advance(200); // The wait doubled.
    await flushing;
    // The failure is an event of the trail like any other (the real sender does not put it in the thread).
    // A failed send may have landed all the same: the retry looked for it first.
    expect(messages()).toEqual([
      { types: ['requested'], maybeSent: true },
      { types: ['slack_failed'], maybeSent: false },
    ]);
    const trail = (await store.get(request.id))!.events.map((e) => e.type);
    expect(trail).toEqual(['requested', 'slack_failed']);
  });

  it('skips a message Slack refuses three times, and tells the ones after it', async () => {
    const request = aRequest();
    await store.insert(request);
    await withEvents(request, ['cancelled']);
    sender.sendFailures.push(permanent(), permanent(), permanent());
    const flushing = outbox.flush(request.id);
    await clock.advance(100 + 200);
    await flushing;
    // The card was skipped; the failure (recorded in the trail) and the cancellation went as one reply.
    expect(messages()).toEqual([{ types: ['cancelled', 'slack_failed'], maybeSent: false }]);
  });

  it('takes a final request out of the work left once everything is told', async () => {
    const request = aRequest();
    await store.insert(request);
    const current = (await store.get(request.id))!;
    await store.replace(
      nextVersion(current, {
        state: 'cancelled',
        events: [...current.events, { type: 'cancelled', by: 'U_REQ', at: current.createdAt }],
      }),
      current,
    );
    expect(await store.listWithWorkLeft()).toHaveLength(1);
    await outbox.flush(request.id);
    expect(await store.listWithWorkLeft()).toEqual([]);
  });

  it('pauses its turn on a 429 and sends the same message again, recording no failure', async () => {
    const request = aRequest();
    await store.insert(request);
    sender.sendFailures.push(Object.assign(new Error('ratelimited'), { retryAfterMs: 3000 }));
    await outbox.flush(request.id);
    expect(pacing.turns.paused).toEqual([3000]);
    expect(messages()).toEqual([{ types: ['requested'], maybeSent: false }]);
    expect((await store.get(request.id))!.events.map((e) => e.type)).toEqual(['requested']);
  });

  it('ends every turn it takes, giving back the ones that sent nothing', async () => {
    const request = aRequest();
    await store.insert(request);
    // A crash after the card went out: the card is found, not posted again.
    sender.landed.add(`${request.id}:0`);
    const fresh = await store.getDelivery(request.id);
    await store.replaceDelivery(request.id, { told: 0, sending: { index: 0, count: 1 } }, fresh);
    await withEvents(request, ['approved']);
    await outbox.flush(request.id);
    expect(messages()).toEqual([{ types: ['approved'], maybeSent: false }]);
    // The card's turn (nothing sent), the reply's turn, the card update's turn.
    expect(pacing.turns).toMatchObject({ started: 3, ended: 3, spent: 2 });
  });

  it('waits for the final card update, and on its failure sends the card update again, not the reply', async () => {
    const request = aRequest();
    await store.insert(request);
    await outbox.flush(request.id);
    await withEvents(request, ['cancelled'], 'cancelled');
    sender.updateFailures.push(new Error('internal_error'));
    const flushing = outbox.flush(request.id);
    await clock.settle();
    expect(sender.cardUpdates).toEqual([]);
    await clock.advance(100);
    await flushing;
    expect(sender.cardUpdates).toEqual([request.id]);
    expect(messages()).toEqual([
      { types: ['requested'], maybeSent: false },
      { types: ['cancelled'], maybeSent: false },
      // The failure of the card update, recorded in the trail, told after the retry found the reply.
      { types: ['slack_failed'], maybeSent: false },
    ]);
    expect(await store.listWithWorkLeft()).toEqual([]);
  });

  it('does not wait for a card update while the money moves: the next one will show the state', async () => {
    const request = aRequest();
    await store.insert(request);
    await outbox.flush(request.id);
    await withEvents(request, ['approved'], 'approved');
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const updateCard = sender.updateCard;
    sender.updateCard = async (r, ts) => {
      await held;
      return updateCard(r, ts);
    };
    await outbox.flush(request.id);
    expect((await store.getDelivery(request.id)).told).toBe(2);
    expect(sender.cardUpdates).toEqual([]);
    release();
    await clock.settle();
    expect(sender.cardUpdates).toEqual([request.id]);
  });

  it('brings the card up to date after skipping a message Slack refused', async () => {
    const request = aRequest();
    await store.insert(request);
    await outbox.flush(request.id);
    await withEvents(request, ['cancelled'], 'cancelled');
    sender.sendFailures.push(permanent(), permanent(), permanent());
    const flushing = outbox.flush(request.id);
    await clock.advance(100 + 200);
    await flushing;
    await clock.settle();
    expect(sender.cardUpdates).toContain(request.id);
  });
});
