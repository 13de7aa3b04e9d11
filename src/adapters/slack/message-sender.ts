/**
 * The Sender port over Slack's Web API: renders a request's messages (the card, thread replies,
 * reminders by direct message) and sends them. The card is always rendered from the record (and
 * the freeze switch) it is given, so a late update never shows stale state. Pacing is not done
 * here: the outbox takes a turn before it asks (slack-pacing.ts).
 */
import type { WebClient } from '@slack/web-api';
import type { Freeze } from '../../core/approval/freeze.ts';
import type { Claim, Logger, Sender } from '../../core/ports.ts';
import type { MoneyRequest, RequestEvent } from '../../core/request/request.ts';
import { serverWaitMs } from '../server-wait.ts';
import { approvalCard, type SlackMessage } from './blocks/approval-card.ts';
import { summary, utcMinute } from './blocks/describe-request.ts';
import { threadReply } from './blocks/thread-reply.ts';

/** Slack errors after which waiting can help; any other `ok: false` answer is permanent. */
const TRANSIENT_SLACK_ERRORS = new Set([
  'ratelimited',
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
]);

type Rendered =
  | { kind: 'card'; message: SlackMessage }
  | { kind: 'reply'; message: SlackMessage }
  /** `sent`: the approvers reminded already, so that a 429 halfway through reminds nobody twice. */
  | { kind: 'reminder'; to: readonly string[]; sent: Set<string> };

export function createMessageSender(
  client: WebClient,
  currentFreeze: () => Promise<Freeze | undefined>,
  logger: Logger,
): Sender {
  /** Our bot's ID (auth.test, asked once): only its messages are taken for ours when looking back. */
  let botId: Promise<string | undefined> | undefined;
  const ownBotId = () => {
    botId ??= client.auth.test().then((r) => r.bot_id);
    // Asked again next time if Slack could not say.
    botId.catch(() => (botId = undefined));
    return botId;
  };

  async function card(request: MoneyRequest): Promise<SlackMessage> {
    return approvalCard(request, request.state === 'awaiting_approval' ? await currentFreeze() : undefined);
  }

  async function render({ request, events }: Claim): Promise<Rendered | undefined> {
    const first = events[0];
    if (first?.type === 'requested') return { kind: 'card', message: await card(request) };
    if (first?.type === 'reminded') return { kind: 'reminder', to: first.to, sent: new Set() };
    const message = oneReply(events.map((event) => threadReply(request, event)));
    return message && { kind: 'reply', message };
  }

  async function remind(request: MoneyRequest, reminder: Rendered & { kind: 'reminder' }, cardTs?: string) {
    const link = await client.chat
      .getPermalink({ channel: request.channelId, message_ts: cardTs ?? '' })
      .then((r) => (r.permalink ? ` <${r.permalink}|Open the card>` : ''))
      .catch(() => '');
    const text =
      `:bell: ${summary(request)} (request \`${request.id}\`) has been waiting for your approval ` +
      `since ${utcMinute(request.createdAt)} UTC, in <#${request.channelId}>.${link}`;
    for (const user of reminder.to) {
      if (reminder.sent.has(user)) continue;
      await client.chat.postMessage({ channel: user, text });
      reminder.sent.add(user);
    }
  }

  /**
   * Looks in Slack for what an earlier attempt may have posted. When Slack cannot tell us (no
   * history scope, not in the channel), sending again is better than losing the message.
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
        const [history, ours] = await Promise.all([
          client.conversations.history({ channel: request.channelId, oldest, limit: 200 }),
          ownBotId(),
        ]);
        if (!ours) throw new Error('auth.test did not name our bot');
        return history.messages?.find((m) => m.bot_id === ours && m.text?.includes(`(request ${request.id})`))?.ts;
      },
      undefined,
    );

  /** Whether an earlier attempt already put this reply in the card's thread. */
  const replyLanded = (request: MoneyRequest, cardTs: string | undefined, text: string) =>
    lookUp(
      'an earlier reply',
      request,
      async () => {
        const [thread, ours] = await Promise.all([
          client.conversations.replies({ channel: request.channelId, ts: cardTs ?? '', limit: 1000 }),
          ownBotId(),
        ]);
        return (thread.messages ?? []).slice(1).some((m) => m.bot_id === ours && m.text === text);
      },
      false,
    );

  async function find({ request, delivery }: Claim, rendered: Rendered): Promise<{ found: boolean; cardTs?: string }> {
    if (rendered.kind === 'card') {
      const cardTs = delivery.cardTs ?? (await findCard(request));
      return cardTs ? { found: true, cardTs } : { found: false };
    }
    // A reminder is not looked for: a second one does no harm, a lost one might.
    if (rendered.kind === 'reminder') return { found: false };
    return { found: await replyLanded(request, delivery.cardTs, rendered.message.text) };
  }

  async function send({ request, delivery }: Claim, rendered: Rendered): Promise<{ cardTs?: string }> {
    const channel = request.channelId;
    if (rendered.kind === 'reminder') {
      await remind(request, rendered, delivery.cardTs);
      return {};
    }
    if (rendered.kind === 'reply') {
      await client.chat.postMessage({ channel, thread_ts: delivery.cardTs, ...rendered.message });
      return {};
    }
    // Posted once: a retry after a lost answer would post a second card, so a known one is kept.
    if (delivery.cardTs) return { cardTs: delivery.cardTs };
    const posted = await client.chat.postMessage({ channel, ...rendered.message });
    if (!posted.ts) throw new Error('chat.postMessage answered without a ts');
    return { cardTs: posted.ts };
  }

  const sender: Sender = {
    render: (claim) => render(claim).catch(asSendFailure),
    find: (claim, message) => find(claim, message as Rendered).catch(asSendFailure),
    send: (claim, message) => send(claim, message as Rendered).catch(asSendFailure),
    changesCard: (events) => events.some(changesCard),
    async updateCard(request, cardTs) {
      const message = await card(request);
      await client.chat.update({ channel: request.channelId, ts: cardTs, ...message }).catch(asSendFailure);
    },
  };
  return sender;
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
  return [
    'approved',
    'rejected',
    'cancelled',
    'expired',
    'failed',
    'attention',
    'batch_started',
    'batch_ended',
  ].includes(event.type);
}

/**
 * A Slack failure as the Sender port reports it: `retryAfterMs` for a 429 (as @slack/web-api reports
 * it with rejectRateLimitedCalls; bounded, see server-wait.ts), `permanent` for a refusal that
 * waiting cannot change.
 */
function asSendFailure(error: unknown): never {
  const e = error as { code?: string; retryAfter?: number; data?: { error?: string } } | null;
  const failure = error instanceof Error ? error : new Error(String(error));
  if (e?.code === 'slack_webapi_rate_limited_error') {
    throw Object.assign(failure, { retryAfterMs: serverWaitMs(Math.max(1, e.retryAfter ?? 1) * 1000) });
  }
  const permanent = e?.code === 'slack_webapi_platform_error' && !TRANSIENT_SLACK_ERRORS.has(e.data?.error ?? '');
  throw Object.assign(failure, { permanent });
}
