/**
 * Tells Slack about each stored event of a request, in order, exactly once per successful delivery;
 * the events that wait together go as one message. A state change is written first and told after,
 * so a crash or a Slack outage delays a message but never loses it.
 *
 * Where it stands is the request's Delivery (delivery.ts), written here only. Each message, top to
 * bottom (deliverNext): take a turn in the channel's lane; claim the events that go, marked as
 * sending before they are sent; render them; send them (after a crash, look in Slack first: the
 * one place that keeps a Slack message from going twice); record them as told. The card update
 * they call for takes its own turn, in the workspace's lane (card-updates.ts).
 */
import { setMaxListeners } from 'node:events';
import type { Claim, Clock, Logger, OutgoingMessage, Pacing, RequestStore, Sender, Turn } from '../ports.ts';
import type { RequestEvent, RequestState } from '../request/request.ts';
import { isFinal } from '../request/request.ts';
import { recordSlackFailure } from '../request/transitions.ts';
import { updateRequest } from '../request/update-request.ts';
import type { CardUpdates } from './card-updates.ts';
import { nextBatch, sending, told } from './delivery.ts';
import { isPermanent, retryAfterMs } from './send-failure.ts';

const PERMANENT_FAILURE_LIMIT = 3;

/** States after which the card surely changes again: the request is on its way to a final state. */
const ON_ITS_WAY: readonly RequestState[] = ['approved', 'executing', 'pending', 'processing'];

export interface OutboxOptions {
  store: RequestStore;
  pacing: Pacing;
  sender: Sender;
  cards: CardUpdates;
  clock: Clock;
  logger: Logger;
  /** Delay before the first retry of a failed delivery; doubles up to maxRetryDelayMs. */
  retryDelayMs?: number;
  maxRetryDelayMs?: number;
}

export interface Outbox {
  /** Delivers every untold event of the request. Concurrent calls for one request share one run. */
  flush(requestId: string): Promise<void>;
  /** Resolves when every running delivery has finished. */
  idle(): Promise<void>;
  /** Ends the waits between retries; untold events stay in the store for the next start. */
  stop(): void;
}

/** The events of one message, and whether an earlier attempt may have sent them already. */
interface Claimed extends Claim {
  index: number;
  maybeSent: boolean;
}

/** Which message a delivery attempt is about, once known. */
interface Attempt {
  index?: number;
  count?: number;
  event?: RequestEvent['type'];
}

export function createOutbox(options: OutboxOptions): Outbox {
  const { store, pacing, sender, cards, clock, logger } = options;
  const retryDelayMs = options.retryDelayMs ?? 1000;
  const maxRetryDelayMs = options.maxRetryDelayMs ?? 60_000;
  const running = new Map<string, Promise<void>>();
  const again = new Set<string>();
  const stopping = new AbortController();
  // One signal for every delivery's retry wait: hundreds may wait at once in a Slack outage.
  setMaxListeners(0, stopping.signal);

  /**
   * The events of the next message: those an earlier attempt marked as sending and never recorded
   * (it may have landed), or else every event waiting by now, marked as sending. Undefined when
   * there is nothing left, or someone else (another replica, a crash's recovery) moved on meanwhile.
   */
  async function claim(id: string): Promise<Claimed | undefined> {
    const request = await store.get(id);
    const current = await store.getDelivery(id);
    const index = current.told;
    if (!request || index >= request.events.length) return undefined;
    if (current.sending?.index === index) {
      const events = request.events.slice(index, index + current.sending.count);
      return { request, delivery: current, events, index, maybeSent: true };
    }
    const delivery = sending(current, index, nextBatch(request.events, index));
    if (!(await store.replaceDelivery(id, delivery, current))) return undefined;
    const events = request.events.slice(index, index + (delivery.sending?.count ?? 1));
    return { request, delivery, events, index, maybeSent: false };
  }

  /** Sends in the turn it has; Slack's 429 pauses the lane and the same message goes again. */
  async function send(turn: Turn, claimed: Claimed, message: OutgoingMessage): Promise<{ cardTs?: string }> {
    for (;;) {
      try {
        return await sender.send(claimed, message);
      } catch (error) {
        const wait = retryAfterMs(error);
        if (wait === undefined) throw error;
        await turn.pause(wait);
      }
    }
  }

  /** Records the events before `upTo` as told (and the card's ts), whoever wrote the delivery meanwhile. */
  async function recordTold(id: string, upTo: number, cardTs?: string): Promise<void> {
    for (;;) {
      const current = await store.getDelivery(id);
      if (current.told >= upTo && (!cardTs || current.cardTs)) return;
      if (await store.replaceDelivery(id, told(current, upTo, cardTs), current)) return;
    }
  }

  /**
   * One message. Resolves false once everything is told. `attempt` says which events it is about as
   * soon as that is known, for the caller to report a failure.
   */
  async function deliverNext(id: string, attempt: Attempt): Promise<boolean> {
    const request = await store.get(id);
    if (!request) return false;
    const index = (await store.getDelivery(id)).told;
    // A batch's line has no message of its own: its batch's card and thread tell where it stands.
    if (request.batchOf && index < request.events.length) await recordTold(id, request.events.length);
    if (request.batchOf || index >= request.events.length) {
      if (isFinal(request.state)) await store.settled(id, request.version);
      return false;
    }
    Object.assign(attempt, { index, count: nextBatch(request.events, index), event: request.events[index]!.type });

    // 1. A turn in the channel's lane: Slack's pace decides when.
    const turn = await pacing.turn({ channel: request.channelId });
    let spent = false;
    let claimed: Claimed | undefined;
    let cardTs: string | undefined;
    let cardUpdate: Promise<void> | undefined;
    try {
      // 2. The events that go: those stored while the turn was waited for go along.
      claimed = await claim(id);
      if (!claimed) return true;
      Object.assign(attempt, { index: claimed.index, count: claimed.events.length, event: claimed.events[0]!.type });
      // 3. Render.
      const message = await sender.render(claimed);
      // 4. Send, unless an earlier attempt's message is already there.
      const found = message && claimed.maybeSent ? await sender.find(claimed, message) : undefined;
      const sent = message && !found?.found ? send(turn, claimed, message) : undefined;
      spent = sent !== undefined;
      // The card update starts once the message is on its way: the message is what the channel is
      // notified of, and rendering the card first would hold it back.
      if (sender.changesCard(claimed.events)) {
        cardUpdate = cards.refresh(id);
        // Its failure is dealt with below (waited for, or logged); until then it must not count as unheard.
        cardUpdate.catch(() => {});
      }
      cardTs = sent ? (await sent.catch((error: unknown) => abandon(cardUpdate, id, error))).cardTs : found?.cardTs;
    } finally {
      turn.end(spent);
    }

    // While money moves a newer rendering follows (the final one is always waited for): not waiting
    // lets it take this one's place while it queues, one update instead of several.
    if (cardUpdate && ON_ITS_WAY.includes(claimed.request.state)) void cardUpdate.catch(cardUpdateFailed(id));
    else await cardUpdate;
    // 5. Record them as told.
    await recordTold(id, claimed.index + claimed.events.length, cardTs);
    return true;
  }

  const cardUpdateFailed = (id: string) => (error: unknown) =>
    logger.warn('a card update failed; the next one shows the state', { requestId: id, error });

  /** A failed send is the failure reported (and retried, card update included): the card update beside it is let go. */
  function abandon(cardUpdate: Promise<void> | undefined, id: string, error: unknown): never {
    void cardUpdate?.catch(cardUpdateFailed(id));
    throw error;
  }

  async function deliverAll(id: string): Promise<void> {
    let delay = retryDelayMs;
    let permanentFailures = 0;
    let failedIndex = -1;
    for (;;) {
      const attempt: Attempt = {};
      try {
        if (!(await deliverNext(id, attempt))) return;
        delay = retryDelayMs;
        permanentFailures = 0;
      } catch (error) {
        const { index, count, event } = attempt;
        // Failing before it knew which message (the store unreachable): the run ends, and the next
        // event or the worker's sweep starts it again.
        if (index === undefined || count === undefined || event === undefined) throw error;
        // The trail keeps the first failure of each message (not every retry of a long outage).
        if (failedIndex !== index) {
          failedIndex = index;
          const message = error instanceof Error ? error.message : String(error);
          await updateRequest(store, id, (current) =>
            recordSlackFailure(current, event, message.slice(0, 300), clock.now()),
          ).catch(() => {});
        }
        // Slack refusing the message itself (a deleted channel, say) cannot get better by waiting:
        // after a few tries that message is skipped so that the ones after it still arrive.
        if (isPermanent(error) && ++permanentFailures >= PERMANENT_FAILURE_LIMIT) {
          logger.error('slack refused a message; skipping it', { requestId: id, event, events: count, error });
          await recordTold(id, index + count);
          // The card still shows what happened, whatever the skipped message was.
          void cards.refresh(id).catch(cardUpdateFailed(id));
          permanentFailures = 0;
          continue;
        }
        logger.warn('slack delivery failed; will retry', { requestId: id, event, error, retryInMs: delay });
        await clock.sleep(delay, stopping.signal);
        delay = Math.min(delay * 2, maxRetryDelayMs);
      }
    }
  }

  async function run(id: string): Promise<void> {
    try {
      do {
        again.delete(id);
        await deliverAll(id);
      } while (again.has(id));
    } catch (error) {
      if (stopping.signal.aborted) return;
      logger.error('slack delivery stopped; it resumes at the next event or restart', { requestId: id, error });
    } finally {
      running.delete(id);
    }
  }

  return {
    flush(id) {
      if (stopping.signal.aborted) return Promise.resolve();
      const current = running.get(id);
      if (current) {
        again.add(id);
        return current;
      }
      const started = run(id);
      running.set(id, started);
      return started;
    },
    async idle() {
      while (running.size > 0) await Promise.all(running.values());
    },
    stop() {
      stopping.abort(new Error('shutting down'));
    },
  };
}
