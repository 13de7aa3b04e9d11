/**
 * An index of what the fake Slack received (cards, thread replies, card updates, modals), kept up to
 * date from a cursor into its calls on every change, so that waiting on a thousand requests stays cheap.
 */
import { performance } from 'node:perf_hooks';
import type { FakeSlack } from '../src/fakes/fake-slack.ts';

const REQUEST_ID = /R[2-9A-HJ-NP-Z]{9}/;

/** One posted card, and when things happened to it (performance.now() in this process). */
export interface CardRecord {
  requestId: string;
  channel: string;
  ts: string;
  postedAt: number;
  /** Thread replies, in order. */
  replies: Array<{ text: string; at: number }>;
  /** Texts the card was updated to, in order. */
  updates: Array<{ text: string; at: number }>;
  /** The requester's ephemeral note (the request is at rest once it is out). */
  noted: boolean;
}

export const isCompletedCard = (card: CardRecord): boolean => card.updates.some((u) => u.text.includes('Completed.'));
export const hasCompletedReply = (card: CardRecord): boolean =>
  card.replies.some((r) => r.text.includes('*COMPLETED*'));
export const isSettled = (card: CardRecord): boolean => isCompletedCard(card) && hasCompletedReply(card);

/** Follows `slack.calls` from a cursor on every change; scenario waits are re-checked then. */
export function indexSlack(slack: FakeSlack) {
  let cursor = 0;
  const views = new Map<string, { id: string; view: Record<string, unknown> }>();
  const cards = new Map<string, CardRecord>();
  const byTs = new Map<string, CardRecord>();
  const waiters = new Set<() => void>();

  const onChange = () => {
    const now = performance.now();
    const calls = slack.calls;
    for (; cursor < calls.length; cursor++) {
      const call = calls[cursor]!;
      if (call.status !== 200 || !call.result.ok) continue;
      const args = call.args;
      if (call.method === 'views.open') {
        const view = call.result.view as { id: string } & Record<string, unknown>;
        views.set(String(args.trigger_id), { id: view.id, view });
      } else if (call.method === 'chat.postMessage' && !args.thread_ts) {
        const id = REQUEST_ID.exec(JSON.stringify(args.blocks ?? ''))?.[0];
        if (!id || cards.has(id)) continue;
        const card: CardRecord = {
          requestId: id,
          channel: String(args.channel),
          ts: String(call.result.ts),
          postedAt: now,
          replies: [],
          updates: [],
          noted: false,
        };
        cards.set(id, card);
        byTs.set(card.ts, card);
      } else if (call.method === 'chat.postMessage') {
        byTs.get(String(args.thread_ts))?.replies.push({ text: String(args.text ?? ''), at: now });
      } else if (call.method === 'chat.update') {
        byTs.get(String(args.ts))?.updates.push({ text: String(args.text ?? ''), at: now });
      } else if (call.method === 'chat.postEphemeral') {
        const id = REQUEST_ID.exec(String(args.text ?? ''))?.[0];
        const card = id ? cards.get(id) : undefined;
        if (card) card.noted = true;
      }
    }
    for (const check of [...waiters]) check();
  };
  const unsubscribe = slack.onChange(onChange);

  /** Resolves with the first truthy value of `check`, re-checked after every change; rejects after timeoutMs. */
  function until<T>(check: () => T | undefined | false | null, timeoutMs: number, what: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const tick = () => {
        const value = check();
        if (value !== undefined && value !== false && value !== null) {
          waiters.delete(tick);
          clearTimeout(timer);
          resolve(value);
        }
      };
      const timer = setTimeout(() => {
        waiters.delete(tick);
        reject(new Error(`bench: timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      waiters.add(tick);
      tick();
    });
  }

  return {
    cards,
    view: (triggerId: string) => views.get(triggerId),
    card: (requestId: string) => cards.get(requestId),
    until,
    close: unsubscribe,
  };
}

export type SlackIndex = ReturnType<typeof indexSlack>;
