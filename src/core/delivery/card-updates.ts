/**
 * Card updates: the card is rendered again from the newest record when the workspace's update lane
 * gives it a turn (Slack's scarcest call, about fifty a minute for the whole workspace). A refresh
 * asked for while one of the same card still waits for its turn joins it: one update shows both.
 */
import type { Pacing, RequestStore, Sender, Turn } from '../ports.ts';
import { retryAfterMs } from './send-failure.ts';

export interface CardUpdates {
  /** Resolves once the card shows the record as it was at its turn; rejects with the sender's failure. */
  refresh(requestId: string): Promise<void>;
}

export function createCardUpdates(deps: { store: RequestStore; pacing: Pacing; sender: Sender }): CardUpdates {
  const { store, pacing, sender } = deps;
  const waiting = new Map<string, Promise<void>>();

  async function update(id: string): Promise<void> {
    let turn: Turn;
    try {
      turn = await pacing.turn('card_updates');
    } finally {
      // From here on a newer refresh waits for a turn of its own: this one may render too early for it.
      waiting.delete(id);
    }
    let spent = false;
    try {
      const request = await store.get(id);
      const { cardTs } = await store.getDelivery(id);
      // No card out (not posted yet, or Slack refused it): nothing to update.
      if (!request || !cardTs) return;
      for (;;) {
        try {
          spent = true;
          await sender.updateCard(request, cardTs);
          return;
        } catch (error) {
          const wait = retryAfterMs(error);
          if (wait === undefined) throw error;
          await turn.pause(wait);
        }
      }
    } finally {
      turn.end(spent);
    }
  }

  return {
    refresh(id) {
      const joined = waiting.get(id);
      if (joined) return joined;
      const started = update(id);
      waiting.set(id, started);
      return started;
    },
  };
}
