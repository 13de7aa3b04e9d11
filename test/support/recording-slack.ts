/**
 * The Slack side of delivery in memory, for unit tests of the outbox and the worker: a pacing that
 * gives every turn at once and counts them, and a sender that records what Slack would get (each
 * message's events, and whether it was looked for first), with failures to throw on demand.
 */
import type { Claim, OutgoingMessage, Pacing, Sender } from '../../src/core/ports.ts';

interface RecordedMessage {
  requestId: string;
  types: string[];
  /** Looked for in Slack before it was sent (an earlier attempt may have landed). */
  maybeSent: boolean;
}

export interface RecordingPacing extends Pacing {
  turns: { started: number; ended: number; spent: number; paused: number[] };
}

export function immediatePacing(): RecordingPacing {
  const turns = { started: 0, ended: 0, spent: 0, paused: [] as number[] };
  return {
    turns,
    async turn() {
      turns.started++;
      let over = false;
      return {
        async pause(ms) {
          turns.paused.push(ms);
        },
        end(spent) {
          if (over) return;
          over = true;
          turns.ended++;
          if (spent) turns.spent++;
        },
      };
    },
  };
}

export interface RecordingSender extends Sender {
  messages: RecordedMessage[];
  /** Card updates, by request ID, in order. */
  cardUpdates: string[];
  /** Errors the next sends throw, in order (one each). */
  sendFailures: unknown[];
  /** Errors the next card updates throw, in order. */
  updateFailures: unknown[];
  /** Messages (`<request ID>:<first event's index>`) in Slack: sent, or left by an earlier attempt. */
  landed: Set<string>;
}

const CARD_TS = '1764842400.000100';

type Recorded = OutgoingMessage & { types: string[] };

export function recordingSender(): RecordingSender {
  const messages: RecordedMessage[] = [];
  const lookedFor = new Set<Recorded>();
  const sender: RecordingSender = {
    messages,
    cardUpdates: [],
    sendFailures: [],
    updateFailures: [],
    landed: new Set(),
    async render({ events }: Claim) {
      const kind = events[0]?.type === 'requested' ? 'card' : events[0]?.type === 'reminded' ? 'reminder' : 'reply';
      return { kind, types: events.map((e) => e.type) } as Recorded;
    },
    async find(claim, message) {
      lookedFor.add(message as Recorded);
      const found = sender.landed.has(`${claim.request.id}:${claim.delivery.sending?.index}`);
      return found && message.kind === 'card' ? { found, cardTs: CARD_TS } : { found };
    },
    async send(claim, message) {
      const failure = sender.sendFailures.shift();
      if (failure) throw failure;
      const { types } = message as Recorded;
      sender.landed.add(`${claim.request.id}:${claim.delivery.sending?.index}`);
      messages.push({ requestId: claim.request.id, types, maybeSent: lookedFor.has(message as Recorded) });
      return message.kind === 'card' ? { cardTs: claim.delivery.cardTs ?? CARD_TS } : {};
    },
    changesCard: (events) => events.some((e) => ['approved', 'cancelled', 'failed', 'status'].includes(e.type)),
    async updateCard(request) {
      const failure = sender.updateFailures.shift();
      if (failure) throw failure;
      sender.cardUpdates.push(request.id);
    },
  };
  return sender;
}
