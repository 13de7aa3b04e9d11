/**
 * The Notifier port over Slack's Web API: the card for a new request, card updates, thread replies.
 * The card is always rendered from the current record, so a late update never shows stale state.
 */
import type { WebClient } from '@slack/web-api';
import type { Notifier } from '../../core/ports.ts';
import type { MoneyRequest, RequestEvent } from '../../core/request.ts';
import { approvalCard } from './blocks/approval-card.ts';
import { threadReply } from './blocks/thread-reply.ts';

/** Slack errors after which waiting can help; any other `ok: false` answer is permanent. */
const TRANSIENT_SLACK_ERRORS = new Set(['ratelimited', 'internal_error', 'fatal_error', 'service_unavailable', 'request_timeout']);

export function createSlackNotifier(client: WebClient): Notifier {
  async function updateCard(request: MoneyRequest): Promise<void> {
    if (!request.cardTs) throw new Error(`Request ${request.id} has no card yet`);
    await client.chat.update({ channel: request.channelId, ts: request.cardTs, ...approvalCard(request) });
  }

  async function tell(request: MoneyRequest, event: RequestEvent): Promise<{ cardTs?: string }> {
    if (event.type === 'requested') {
      // Posted once: a retry after a lost answer would post a second card, so reuse a known one.
      if (request.cardTs) return { cardTs: request.cardTs };
      const posted = await client.chat.postMessage({ channel: request.channelId, ...approvalCard(request) });
      if (!posted.ts) throw new Error('chat.postMessage answered without a ts');
      return { cardTs: posted.ts };
    }
    const reply = threadReply(request, event);
    if (!reply) return {};
    if (changesCard(event)) await updateCard(request);
    await client.chat.postMessage({ channel: request.channelId, thread_ts: request.cardTs, ...reply });
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
