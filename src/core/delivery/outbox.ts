/**
 * Tells Slack about each stored event of a request, in order, exactly once per successful delivery;
 * the events that wait together go as one message. A state change is written first and told after,
 * so a crash or a Slack outage delays a message but never loses it.
 *
 * Where it stands is the request's Delivery (delivery.ts), written here only. One message at a
 * time: read where it stands; let Slack's pace decide when (the notifier's lane); claim the events
 * that go (marked as sending before they are sent, so that whoever tries next after a crash looks
 * in Slack before sending again); send; record them as told.
 */
import { setMaxListeners } from 'node:events';
import type { Claim, Clock, Logger, Notifier, RequestStore } from '../ports.ts';
import { isFinal } from '../request/request.ts';
import { recordSlackFailure } from '../request/transitions.ts';
import { updateRequest } from '../request/update-request.ts';
import { nextBatch, sending, told } from './delivery.ts';

const PERMANENT_FAILURE_LIMIT = 3;

const isPermanent = (error: unknown): boolean => (error as { permanent?: unknown } | null)?.permanent === true;

export interface OutboxOptions {
  store: RequestStore;
  notifier: Notifier;
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

export function createOutbox(options: OutboxOptions): Outbox {
  const { store, notifier, clock, logger } = options;
  const retryDelayMs = options.retryDelayMs ?? 1000;
  const maxRetryDelayMs = options.maxRetryDelayMs ?? 60_000;
  const running = new Map<string, Promise<void>>();
  const again = new Set<string>();
  const stopping = new AbortController();
  // One signal for every delivery's retry wait: hundreds may wait at once in a Slack outage.
  setMaxListeners(0, stopping.signal);

  /** Records the events before `upTo` as told (and the card's ts), whoever wrote the delivery meanwhile. */
  async function recordTold(id: string, upTo: number, cardTs?: string): Promise<void> {
    for (;;) {
      const current = await store.getDelivery(id);
      if (current.told >= upTo && (!cardTs || current.cardTs)) return;
      if (await store.replaceDelivery(id, told(current, upTo, cardTs), current)) return;
    }
  }

  /**
   * Marks the next message as being sent, with every event waiting by now; undefined when someone
   * else sent it meanwhile (another replica, a crash's recovery).
   */
  async function claimNext(id: string, index: number): Promise<Claim | undefined> {
    const request = await store.get(id);
    const current = await store.getDelivery(id);
    if (!request || current.told !== index || index >= request.events.length) return undefined;
    const count = nextBatch(request.events, index);
    const delivery = sending(current, index, count);
    if (!(await store.replaceDelivery(id, delivery, current))) return undefined;
    return { request, delivery, events: request.events.slice(index, index + count) };
  }

  async function deliverAll(id: string): Promise<void> {
    let delay = retryDelayMs;
    let permanentFailures = 0;
    let failedIndex = -1;
    for (;;) {
      const request = await store.get(id);
      if (!request) return;
      const delivery = await store.getDelivery(id);
      const index = delivery.told;
      if (index >= request.events.length) {
        if (isFinal(request.state)) await store.settled(id, request.version);
        return;
      }
      const first = request.events[index]!;
      // An attempt marked and never recorded as told may have landed: the notifier looks first.
      const maybeSent = delivery.sending?.index === index;
      let claimed: Claim | undefined;
      // Called when Slack would take the message now: the events stored while it waited its turn
      // (behind a busy channel, say) go along in the same message.
      const claim = async (): Promise<Claim | undefined> => {
        claimed = maybeSent
          ? { request, delivery, events: request.events.slice(index, index + (delivery.sending?.count ?? 1)) }
          : await claimNext(id, index);
        return claimed;
      };
      try {
        const { cardTs } = await notifier.tell(request, delivery, claim, { maybeSent });
        if (claimed) await recordTold(id, index + claimed.events.length, cardTs);
        delay = retryDelayMs;
        permanentFailures = 0;
      } catch (error) {
        // The trail keeps the first failure of each message (not every retry of a long outage).
        if (failedIndex !== index) {
          failedIndex = index;
          const message = error instanceof Error ? error.message : String(error);
          await updateRequest(store, id, (current) =>
            recordSlackFailure(current, first.type, message.slice(0, 300), clock.now()),
          ).catch(() => {});
        }
        // Slack refusing the message itself (a deleted channel, say) cannot get better by waiting:
        // after a few tries that message is skipped so that the ones after it still arrive.
        if (isPermanent(error) && ++permanentFailures >= PERMANENT_FAILURE_LIMIT) {
          const count = claimed?.events.length ?? nextBatch(request.events, index);
          logger.error('slack refused a message; skipping it', {
            requestId: id,
            event: first.type,
            events: count,
            error,
          });
          await recordTold(id, index + count);
          permanentFailures = 0;
          continue;
        }
        logger.warn('slack delivery failed; will retry', { requestId: id, event: first.type, error, retryInMs: delay });
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
