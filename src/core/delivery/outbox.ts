/**
 * Tells Slack about each stored event of a request, in order, exactly once per successful delivery;
 * the events that wait together go as one message.
 * The record's `toldCount` is the outbox cursor: a state change is written first and told after,
 * so a crash or a Slack outage delays a message but never loses it.
 */
import { setMaxListeners } from 'node:events';
import type { Claim, Clock, Logger, Notifier, RequestStore } from '../ports.ts';
import type { MoneyRequest, RequestEvent } from '../request/request.ts';
import { recordSending, recordSlackFailure, recordTold } from '../request/transitions.ts';
import { updateRequest } from '../request/update-request.ts';

const PERMANENT_FAILURE_LIMIT = 3;
/** At most this many events in one message (a thread reply holds one block per event). */
const MAX_BATCH = 10;

/**
 * How many untold events, from `index`, go to Slack as one message: all that are waiting, so that a
 * request whose messages queue behind a busy channel sends one reply with every change in order
 * instead of one reply each. The card (`requested`) and a reminder (`reminded`, a direct message)
 * go alone: they are not thread replies.
 */
export function nextBatch(events: readonly RequestEvent[], index: number): number {
  const alone = (e: RequestEvent) => e.type === 'requested' || e.type === 'reminded';
  if (alone(events[index]!)) return 1;
  let end = index + 1;
  while (end < events.length && end - index < MAX_BATCH && !alone(events[end]!)) end++;
  return end - index;
}

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

  async function deliverAll(id: string): Promise<void> {
    let request = await store.get(id);
    let delay = retryDelayMs;
    let permanentFailures = 0;
    let failedIndex = -1;
    while (request && request.toldCount < request.events.length) {
      const index = request.toldCount;
      // Slack messages cannot be taken back: mark the attempt first, so that whoever tries next
      // (after a crash, a lost answer, on another replica) checks Slack before sending again, for
      // the very same events.
      const maybeSent = request.sendingIndex === index;
      const first = request.events[index]!;
      const read: MoneyRequest = request;
      let claimed: Claim | undefined;
      // Called when Slack would take the message now: the events stored while it waited its turn
      // (behind a busy channel, say) go along in the same message.
      const claim = async (): Promise<Claim | undefined> => {
        if (maybeSent) {
          claimed = { request: read, events: read.events.slice(index, index + (read.sendingCount ?? 1)) };
          return claimed;
        }
        const marked = await updateRequest(store, id, (current) =>
          current.toldCount === index ? recordSending(current, index, nextBatch(current.events, index)) : undefined,
        );
        if (marked.toldCount !== index || marked.sendingIndex !== index) return undefined; // Told meanwhile.
        claimed = { request: marked, events: marked.events.slice(index, index + marked.sendingCount!) };
        return claimed;
      };
      try {
        const { cardTs } = await notifier.tell(request, claim, { maybeSent });
        if (!claimed) {
          request = await store.get(id);
          continue;
        }
        const count = claimed.events.length;
        request = await updateRequest(store, id, (current) => {
          const told = recordTold(current, index + count);
          return cardTs && !current.cardTs ? { ...told, cardTs } : told;
        });
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
          const count = claimed?.events.length ?? nextBatch(read.events, index);
          logger.error('slack refused a message; skipping it', {
            requestId: id,
            event: first.type,
            events: count,
            error,
          });
          request = await updateRequest(store, id, (current) => recordTold(current, index + count));
          permanentFailures = 0;
          continue;
        }
        logger.warn('slack delivery failed; will retry', { requestId: id, event: first.type, error, retryInMs: delay });
        await clock.sleep(delay, stopping.signal);
        delay = Math.min(delay * 2, maxRetryDelayMs);
        request = await store.get(id);
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
