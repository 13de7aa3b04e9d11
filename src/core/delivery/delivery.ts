/**
 * Where telling Slack about a request stands: a record of its own beside the request, written by
 * the outbox only, so that telling Slack never bumps the request's version (and never races the
 * executor's writes). The request's events are the log; this is the cursor over it.
 */
import { isFinal, type MoneyRequest, type RequestEvent } from '../request/request.ts';

export interface Delivery {
  /** How many of the request's events Slack has been told about. */
  told: number;
  /**
   * The message being sent: set just before its events go to Slack, cleared when they are recorded
   * as told. Still set on the next attempt, it may have landed, so Slack is asked first, about the
   * very same events (so that it looks for the very same message).
   */
  sending?: { index: number; count: number };
  /** Slack's ts of the approval card, once posted. */
  cardTs?: string;
}

/** Nothing told yet: a new request. */
export const NOTHING_TOLD: Delivery = { told: 0 };

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

/** The events from `index` are about to be sent, `count` of them. */
export const sending = (delivery: Delivery, index: number, count: number): Delivery => ({
  ...delivery,
  sending: { index, count },
});

/** Slack has been told about the events before `upTo` (and, with a ts, the card is out). */
export function told(delivery: Delivery, upTo: number, cardTs?: string): Delivery {
  const { sending: _, ...rest } = delivery;
  return { ...rest, told: Math.max(delivery.told, upTo), ...(cardTs && !delivery.cardTs ? { cardTs } : {}) };
}

/**
 * True while the app still owes the request work: following money, watching it while it waits for
 * approval (reminder, expiry), or telling Slack what happened.
 */
export const hasWorkLeft = (request: MoneyRequest, delivery: Delivery): boolean =>
  !isFinal(request.state) || delivery.told < request.events.length;
