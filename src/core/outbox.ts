/**
 * Tells Slack about each stored event of a request, in order, exactly once per successful delivery.
 * The record's `toldCount` is the outbox cursor: a state change is written first and told after,
 * so a crash or a Slack outage delays a message but never loses it.
 */
import type { Clock, Logger, Notifier, RequestStore } from './ports.ts';
import { recordSending, recordSlackFailure, recordTold } from './transitions.ts';
import { updateRequest } from './update-request.ts';

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

  async function deliverAll(id: string): Promise<void> {
    let request = await store.get(id);
    let delay = retryDelayMs;
    let permanentFailures = 0;
    let failedIndex = -1;
    while (request && request.toldCount < request.events.length) {
      const index = request.toldCount;
      const event = request.events[index]!;
      try {
        // Slack messages cannot be taken back: mark the attempt first, so that whoever tries next
        // (after a crash, a lost answer, on another replica) checks Slack before sending again.
        const maybeSent = request.sendingIndex === index;
        if (!maybeSent) request = await updateRequest(store, id, (current) => (current.toldCount === index ? recordSending(current, index) : undefined));
        if (request.toldCount !== index) continue;
        const { cardTs } = await notifier.tell(request, request.events[index]!, { maybeSent });
        request = await updateRequest(store, id, (current) => {
          const told = recordTold(current, index + 1);
          return cardTs && !current.cardTs ? { ...told, cardTs } : told;
        });
        delay = retryDelayMs;
        permanentFailures = 0;
      } catch (error) {
        // The trail keeps the first failure of each event (not every retry of a long outage).
        if (failedIndex !== index) {
          failedIndex = index;
          const message = error instanceof Error ? error.message : String(error);
          await updateRequest(store, id, (current) => recordSlackFailure(current, event.type, message.slice(0, 300), clock.now())).catch(() => {});
        }
        // Slack refusing the message itself (a deleted channel, say) cannot get better by waiting:
        // after a few tries that one event is skipped so that the ones after it still arrive.
        if (isPermanent(error) && ++permanentFailures >= PERMANENT_FAILURE_LIMIT) {
          logger.error('slack refused an event; skipping it', { requestId: id, event: event.type, error });
          request = await updateRequest(store, id, (current) => recordTold(current, index + 1));
          permanentFailures = 0;
          continue;
        }
        logger.warn('slack delivery failed; will retry', { requestId: id, event: event.type, error, retryInMs: delay });
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
