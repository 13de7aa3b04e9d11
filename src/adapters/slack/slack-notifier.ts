/**
 * The Notifier port over Slack's Web API: the card for a new request, card updates, thread replies,
 * reminders by direct message. The card is always rendered from the current record (and the freeze
 * switch), so a late update never shows stale state.
 */
import type { WebClient } from '@slack/web-api';
import type { Freeze } from '../../core/freeze.ts';
import type { Notifier } from '../../core/ports.ts';
import type { MoneyRequest, RequestEvent } from '../../core/request.ts';
import { approvalCard } from './blocks/approval-card.ts';
import type { ChannelQueues } from './channel-queue.ts';
import { summary } from './blocks/describe-request.ts';
import { threadReply } from './blocks/thread-reply.ts';

/** Slack errors after which waiting can help; any other `ok: false` answer is permanent. */
const TRANSIENT_SLACK_ERRORS = new Set(['ratelimited', 'internal_error', 'fatal_error', 'service_unavailable', 'request_timeout']);

export function createSlackNotifier(client: WebClient, queues: ChannelQueues, currentFreeze: () => Promise<Freeze | undefined>): Notifier {
  async function card(request: MoneyRequest) {
    return approvalCard(request, request.state === 'awaiting_approval' ? await currentFreeze() : undefined);
  }

  async function updateCard(request: MoneyRequest): Promise<void> {
    const ts = request.cardTs;
    if (!ts) throw new Error(`Request ${request.id} has no card yet`);
    const message = await card(request);
    // A newer rendering of the same card replaces this one while it waits: only the newest goes out.
    await queues.sendLatest(request.channelId, `card:${ts}`, () => client.chat.update({ channel: request.channelId, ts, ...message }));
  }

  async function remind(request: MoneyRequest, to: string[]): Promise<void> {
    const link = await client.chat
      .getPermalink({ channel: request.channelId, message_ts: request.cardTs ?? '' })
      .then((r) => (r.permalink ? ` <${r.permalink}|Open the card>` : ''))
      .catch(() => '');
    const text = `:bell: ${summary(request.details)} (request \`${request.id}\`) has been waiting for your approval since ${request.createdAt.slice(0, 16).replace('T', ' ')} UTC, in <#${request.channelId}>.${link}`;
    for (const user of to) await queues.send(user, () => client.chat.postMessage({ channel: user, text }));
  }

  async function tell(request: MoneyRequest, event: RequestEvent): Promise<{ cardTs?: string }> {
    if (event.type === 'requested') {
      // Posted once: a retry after a lost answer would post a second card, so reuse a known one.
      if (request.cardTs) return { cardTs: request.cardTs };
      const message = await card(request);
      const posted = await queues.send(request.channelId, () => client.chat.postMessage({ channel: request.channelId, ...message }));
      if (!posted.ts) throw new Error('chat.postMessage answered without a ts');
      return { cardTs: posted.ts };
    }
    if (event.type === 'reminded') {
      await remind(request, event.to);
      return {};
    }
    const reply = threadReply(request, event);
    if (!reply) return {};
    if (changesCard(event)) await updateCard(request);
    await queues.send(request.channelId, () => client.chat.postMessage({ channel: request.channelId, thread_ts: request.cardTs, ...reply }));
    return {};
  }

  return {
    async tell(request, event) {
      try {
        return await tell(request, event);
      } catch (error) {
        throw withPermanence(error);
      }
    },
    async refreshCard(request) {
      if (request.cardTs) await updateCard(request);
    },
  };
}

function changesCard(event: RequestEvent): boolean {
  if (event.type === 'status') return event.execution.status !== 'PENDING';
  return event.type !== 'requested';
}

function withPermanence(error: unknown): unknown {
  const e = error as { code?: string; data?: { error?: string } };
  const permanent = e?.code === 'slack_webapi_platform_error' && !TRANSIENT_SLACK_ERRORS.has(e.data?.error ?? '');
  return Object.assign(error instanceof Error ? error : new Error(String(error)), { permanent });
}
