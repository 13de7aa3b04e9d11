/**
 * The Notifier port over Slack's Web API: the card for a new request, card updates, thread replies,
 * reminders by direct message. The card is always rendered from the current record (and the freeze
 * switch), so a late update never shows stale state.
 */
import type { WebClient } from '@slack/web-api';
import type { Freeze } from '../../core/approval/freeze.ts';
import type { Delivery } from '../../core/delivery/delivery.ts';
import type { Claim, Logger, Notifier } from '../../core/ports.ts';
import type { MoneyRequest, RequestEvent, RequestState } from '../../core/request/request.ts';
import { approvalCard, type SlackMessage } from './blocks/approval-card.ts';
import { NOTHING_SENT, type SlackQueues } from './slack-queues.ts';
import { summary, utcMinute } from './blocks/describe-request.ts';
import { threadReply } from './blocks/thread-reply.ts';

/** States after which the card surely changes again (the request is on its way to a final state). */
const MORE_NEWS_STATES: readonly RequestState[] = ['approved', 'executing', 'pending', 'processing'];

/** Slack errors after which waiting can help; any other `ok: false` answer is permanent. */
const TRANSIENT_SLACK_ERRORS = new Set([
  'ratelimited',
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
]);

export function createSlackNotifier(
  client: WebClient,
  queues: SlackQueues,
  currentFreeze: () => Promise<Freeze | undefined>,
  logger: Logger,
): Notifier {
  async function card(request: MoneyRequest) {
    return approvalCard(request, request.state === 'awaiting_approval' ? await currentFreeze() : undefined);
  }

  async function updateCard(request: MoneyRequest, ts: string | undefined): Promise<void> {
    if (!ts) throw new Error(`Request ${request.id} has no card yet`);
    const message = await card(request);
    // A newer rendering of the same card replaces this one while it waits: only the newest goes out.
    await queues.update(`card:${request.channelId}:${ts}`, () =>
      client.chat.update({ channel: request.channelId, ts, ...message }),
    );
  }

  async function remind(request: MoneyRequest, to: string[], cardTs: string | undefined): Promise<void> {
    const link = await client.chat
      .getPermalink({ channel: request.channelId, message_ts: cardTs ?? '' })
      .then((r) => (r.permalink ? ` <${r.permalink}|Open the card>` : ''))
      .catch(() => '');
    const text =
      `:bell: ${summary(request.details)} (request \`${request.id}\`) has been waiting for your approval ` +
      `since ${utcMinute(request.createdAt)} UTC, in <#${request.channelId}>.${link}`;
    for (const user of to) await queues.post(user, () => client.chat.postMessage({ channel: user, text }));
  }

  /**
   * Looks in Slack for what an earlier attempt may have posted. When Slack cannot tell us (no
   * history scope, not in the channel), posting again is better than losing the message.
   */
  async function lookUp<T>(what: string, request: MoneyRequest, read: () => Promise<T>, otherwise: T): Promise<T> {
    try {
      return await read();
    } catch (error) {
      logger.warn(`could not check Slack for ${what}; sending it`, { requestId: request.id, error });
      return otherwise;
    }
  }

  /** The card of this request if an earlier attempt posted it (its text names the request). */
  const findCard = (request: MoneyRequest) =>
    lookUp(
      'an earlier card',
      request,
      async () => {
        const oldest = String(Math.floor(Date.parse(request.createdAt) / 1000) - 60);
        const history = await client.conversations.history({ channel: request.channelId, oldest, limit: 200 });
        return history.messages?.find((m) => m.bot_id !== undefined && m.text?.includes(`(request ${request.id})`))?.ts;
      },
      undefined,
    );

  /** Whether an earlier attempt already put this reply in the card's thread. */
  const replyLanded = (request: MoneyRequest, cardTs: string | undefined, text: string) =>
    lookUp(
      'an earlier reply',
      request,
      async () => {
        const thread = await client.conversations.replies({
          channel: request.channelId,
          ts: cardTs ?? '',
          limit: 1000,
        });
        return (thread.messages ?? []).slice(1).some((m) => m.text === text);
      },
      false,
    );

  async function postCard(request: MoneyRequest, delivery: Delivery, maybeSent: boolean): Promise<{ cardTs?: string }> {
    // Posted once: a retry after a lost answer would post a second card, so reuse a known one.
    if (delivery.cardTs) return { cardTs: delivery.cardTs };
    const landed = maybeSent ? await findCard(request) : undefined;
    if (landed) return { cardTs: landed };
    const message = await card(request);
    const posted = await queues.post(request.channelId, () =>
      client.chat.postMessage({ channel: request.channelId, ...message }),
    );
    if (!posted.ts) throw new Error('chat.postMessage answered without a ts');
    return { cardTs: posted.ts };
  }

  /** Starts the card update these events call for; awaited only when no newer rendering will follow. */
  function cardUpdateFor({ request, delivery, events }: Claim): Promise<void> | undefined {
    if (!events.some(changesCard)) return undefined;
    const update = updateCard(request, delivery.cardTs);
    if (!MORE_NEWS_STATES.includes(request.state)) return update;
    // Money is moving, so a newer rendering will follow (the final one is always waited for): not
    // waiting lets it replace this one while it queues, one update instead of several.
    update.catch((error) =>
      logger.warn('a card update failed; the next one shows the state', { requestId: request.id, error }),
    );
    return undefined;
  }

  /**
   * A thread reply takes its turn in the channel's lane before it is written: what it says (and the
   * card update beside it) is claimed then, so a request that waited behind a busy channel sends
   * one reply with everything that happened meanwhile. A 429 sends the same reply again. The card
   * update starts once the reply is on its way: the reply is what the channel is notified of, and
   * rendering the card first would hold it back.
   */
  async function tellInThread(
    request: MoneyRequest,
    claim: () => Promise<Claim | undefined>,
    maybeSent: boolean,
  ): Promise<void> {
    let claimed: Claim | undefined;
    let cardUpdate: Promise<void> | undefined;
    let cardStarted = false;
    const startCardUpdate = () => {
      if (!claimed || cardStarted) return;
      cardStarted = true;
      cardUpdate = cardUpdateFor(claimed);
    };
    const prepare = async () => {
      claimed = await claim();
      if (!claimed) return undefined;
      const latest = claimed.request;
      const cardTs = claimed.delivery.cardTs;
      const reply = oneReply(claimed.events.map((event) => threadReply(latest, event)));
      if (!reply || (maybeSent && (await replyLanded(latest, cardTs, reply.text)))) return undefined;
      return { channel: latest.channelId, thread_ts: cardTs, ...reply };
    };
    let prepared: ReturnType<typeof prepare> | undefined;
    // The card and the thread are paced apart (see slack-queues.ts): neither waits for the other.
    try {
      await queues.post(request.channelId, async () => {
        prepared ??= prepare();
        const message = await prepared;
        const sent = message ? client.chat.postMessage(message) : NOTHING_SENT;
        startCardUpdate();
        return sent;
      });
    } catch (error) {
      // The reply's failure is the one reported (the outbox retries it, with the card update); a
      // card update under way must not be left to fail unheard.
      cardUpdate?.catch((cardError: unknown) =>
        logger.warn('a card update failed beside a failed reply', { requestId: request.id, error: cardError }),
      );
      throw error;
    }
    await cardUpdate;
  }

  async function tell(
    request: MoneyRequest,
    delivery: Delivery,
    claim: () => Promise<Claim | undefined>,
    maybeSent: boolean,
  ): Promise<{ cardTs?: string }> {
    const first = request.events[delivery.told];
    if (first?.type !== 'requested' && first?.type !== 'reminded') {
      await tellInThread(request, claim, maybeSent);
      return {};
    }
    const claimed = await claim();
    if (!claimed) return {};
    if (first.type === 'requested') return postCard(claimed.request, claimed.delivery, maybeSent);
    await remind(claimed.request, first.to, claimed.delivery.cardTs);
    return {};
  }

  return {
    async tell(request, delivery, claim, { maybeSent }) {
      try {
        return await tell(request, delivery, claim, maybeSent);
      } catch (error) {
        throw withPermanence(error);
      }
    },
    async refreshCard(request, cardTs) {
      if (cardTs) await updateCard(request, cardTs);
    },
  };
}

/** Several events' replies as one message, in order. */
function oneReply(replies: Array<SlackMessage | undefined>): SlackMessage | undefined {
  const present = replies.filter((r): r is SlackMessage => r !== undefined);
  if (present.length <= 1) return present[0];
  return { text: present.map((r) => r.text).join('\n\n'), blocks: present.flatMap((r) => r.blocks) };
}

/**
 * Whether the card reads differently after this event (it shows the state and the approvals).
 * Updates are Slack's scarcest call (Tier 3, for the whole workspace), so no update for what the
 * card does not show: the reference and session steps (the card says "executing" until Dollr
 * answers), PENDING (shown as executing too), reminders and our own delivery failures.
 */
function changesCard(event: RequestEvent): boolean {
  if (event.type === 'status') return event.execution.status !== 'PENDING';
  return ['approved', 'rejected', 'cancelled', 'expired', 'failed', 'attention'].includes(event.type);
}

function withPermanence(error: unknown): unknown {
  const e = error as { code?: string; data?: { error?: string } };
  const permanent = e?.code === 'slack_webapi_platform_error' && !TRANSIENT_SLACK_ERRORS.has(e.data?.error ?? '');
  return Object.assign(error instanceof Error ? error : new Error(String(error)), { permanent });
}
