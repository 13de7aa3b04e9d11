/**
 * The outbox against the memory store, a notifier that records what Slack would get, and a fake
 * clock: each event told once, in order, the waiting ones together; a crash's unrecorded message
 * looked for first; failures retried after a wait, a refused message skipped after a few tries.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../../src/adapters/store/create-store.ts';
import { createOutbox, type Outbox } from '../../../src/core/delivery/outbox.ts';
import type { Notifier } from '../../../src/core/ports.ts';
import type { MoneyRequest, RequestEvent } from '../../../src/core/request/request.ts';
import { capturingLogger, memoryStore } from '../../support/core-harness.ts';
import { createFakeClock, type FakeClock } from '../../support/fake-clock.ts';
import { aRequest, nextVersion } from '../../support/request-builder.ts';

let clock: FakeClock;
let store: Store;
let outbox: Outbox;
/** What Slack got: one entry per message, the events it told, and whether it was sent as a possible repeat. */
let messages: Array<{ types: string[]; maybeSent: boolean }>;
/** Failures to throw at the next tells, in order. */
let failures: Error[];

const notifier: Notifier = {
  async tell(_request, delivery, claim, { maybeSent }) {
    const failure = failures.shift();
    if (failure) throw failure;
    const claimed = await claim();
    if (!claimed) return {};
    messages.push({ types: claimed.events.map((e) => e.type), maybeSent });
    return claimed.events[0]?.type === 'requested' && !delivery.cardTs ? { cardTs: '1764842400.000100' } : {};
  },
  async refreshCard() {},
};

const permanent = () => Object.assign(new Error('channel_not_found'), { permanent: true });

beforeEach(async () => {
  clock = createFakeClock();
  store = await memoryStore(clock);
  messages = [];
  failures = [];
  outbox = createOutbox({ store, notifier, clock, logger: capturingLogger(), retryDelayMs: 100 });
});

async function withEvents(request: MoneyRequest, ...types: RequestEvent['type'][]): Promise<MoneyRequest> {
  const current = (await store.get(request.id))!;
  const events = [
    ...current.events,
    ...types.map((type) => ({ type, at: current.createdAt, message: 'm' }) as RequestEvent),
  ];
  const next = nextVersion(current, { events });
  expect(await store.replace(next, current)).toBe(true);
  return next;
}

describe('the outbox', () => {
  it('posts the card, then tells every waiting event in one reply, without touching the request', async () => {
    const request = aRequest();
    await store.insert(request);
    await withEvents(request, 'approved', 'reference_minted', 'session_created');
    await outbox.flush(request.id);
    expect(messages).toEqual([
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
    expect(messages).toEqual([{ types: ['requested'], maybeSent: true }]);
    expect((await store.getDelivery(request.id)).told).toBe(1);
  });

  it('retries a failed delivery after its wait, keeping the first failure in the trail', async () => {
    const request = aRequest();
    await store.insert(request);
    failures.push(new Error('internal_error'), new Error('internal_error'));
    const flushing = outbox.flush(request.id);
    await clock.settle();
    expect(messages).toEqual([]);
    await clock.advance(100); // The first retry, which fails again.
    expect(messages).toEqual([]);
    await clock.advance(200); // The wait doubled.
    await flushing;
    // The failure is an event of the trail like any other (the notifier does not put it in the thread).
    expect(messages).toEqual([
      { types: ['requested'], maybeSent: false },
      { types: ['slack_failed'], maybeSent: false },
    ]);
    const trail = (await store.get(request.id))!.events.map((e) => e.type);
    expect(trail).toEqual(['requested', 'slack_failed']);
  });

  it('skips a message Slack refuses three times, and tells the ones after it', async () => {
    const request = aRequest();
    await store.insert(request);
    await withEvents(request, 'cancelled');
    failures.push(permanent(), permanent(), permanent());
    const flushing = outbox.flush(request.id);
    await clock.advance(100 + 200);
    await flushing;
    // The card was skipped; the failure (recorded in the trail) and the cancellation went as one reply.
    expect(messages).toEqual([{ types: ['cancelled', 'slack_failed'], maybeSent: false }]);
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
});
