/**
 * Whether a request's card can go where it would go. A card the bot cannot post is seen by nobody,
 * and one whose thread it cannot read breaks the crash recovery that keeps replies exactly-once:
 * so before a form opens, and again before a request is stored, the bot reads the channel's
 * history (what recovery will need; membership also lets it post), and refuses where it cannot.
 */
import type { WebClient } from '@slack/web-api';
import type { Logger } from '../../core/ports.ts';
import { raceDeadline } from '../deadline.ts';

/** Why a card cannot go to a conversation; undefined when it can (or Slack could not say). */
export type DestinationProblem = 'direct_message' | 'not_in_channel';

/** A channel the bot could read stays known for a minute: the history method is Slack's Tier 3. */
const KNOWN_GOOD_MS = 60_000;
/** The command's trigger_id lives 3 s: a probe Slack is slow to answer does not hold the form up. */
const PROBE_DEADLINE_MS = 1_000;

class Late extends Error {}

export interface CommandChannel {
  id: string;
  /** `directmessage` for a DM, `mpdm-…` for a group DM (from the command's payload). */
  name?: string;
}

export function createCardDestinations(client: WebClient, logger: Logger, now: () => number = Date.now) {
  const goodUntil = new Map<string, number>();

  async function probe(channel: string): Promise<DestinationProblem | undefined> {
    if ((goodUntil.get(channel) ?? 0) > now()) return undefined;
    try {
      await raceDeadline(client.conversations.history({ channel, limit: 1 }), PROBE_DEADLINE_MS, () => new Late());
      goodUntil.set(channel, now() + KNOWN_GOOD_MS);
      return undefined;
    } catch (error) {
      if (error instanceof Late) return undefined; // Nothing said in time: the form is not held up.
      const code = (error as { data?: { error?: string } }).data?.error;
      if (code === 'not_in_channel' || code === 'channel_not_found' || code === 'missing_scope') {
        return 'not_in_channel';
      }
      // A 429 or an outage says nothing about the channel: the request goes ahead, and the outbox
      // posts its card once Slack answers.
      logger.warn('could not check where a card goes; going ahead', { channel, error });
      return undefined;
    }
  }

  return {
    /** Where the card of a request made in `from` goes: APPROVAL_CHANNEL when set, else `from`. */
    check(destination: string, from: CommandChannel): Promise<DestinationProblem | undefined> {
      const isDirect =
        from.id.startsWith('D') || from.name === 'directmessage' || (from.name?.startsWith('mpdm-') ?? false);
      if (destination === from.id && isDirect) return Promise.resolve('direct_message');
      return probe(destination);
    },
  };
}

export type CardDestinations = ReturnType<typeof createCardDestinations>;
