/**
 * response_url endpoints: each accepts up to 5 POSTs of a JSON message within 30 minutes, then
 * answers 404 like Slack. Messages land in the channel model: in the channel (`in_channel`), as an
 * ephemeral (the default), or replacing / deleting the message the interaction came from.
 */
import { randomBytes } from 'node:crypto';
import type { ChannelStore } from './channels.ts';
import type { ResponseUrlPost } from './types.ts';
import { checkMessage } from './validate.ts';

const RESPONSE_URL_MAX_USES = 5;
const RESPONSE_URL_TTL_MS = 30 * 60 * 1000;

/** Where the interaction that produced the URL happened. */
export interface ResponseUrlContext {
  channelId?: string;
  userId?: string;
  /** The message holding the clicked button, for `replace_original` / `delete_original`. */
  messageTs?: string;
}

interface Issued {
  context: ResponseUrlContext;
  issuedAt: number;
  uses: number;
}

export type ResponseUrls = ReturnType<typeof createResponseUrls>;

export function createResponseUrls(baseUrl: () => string, now: () => number, channels: ChannelStore) {
  const issued = new Map<string, Issued>();
  let posts: ResponseUrlPost[] = [];

  function deliver(context: ResponseUrlContext, body: Record<string, unknown>): string | undefined {
    const { channelId, userId, messageTs } = context;
    const text = typeof body.text === 'string' ? body.text : undefined;
    const blocks = Array.isArray(body.blocks) ? body.blocks : undefined;
    if (body.delete_original === true) {
      if (channelId !== undefined && messageTs !== undefined) channels.remove(channelId, messageTs);
      return undefined;
    }
    const refusal = checkMessage(body);
    if (refusal !== undefined) return refusal.error;
    if (body.replace_original === true && channelId !== undefined && messageTs !== undefined) {
      const updated = channels.update(channelId, messageTs, { text, blocks });
      return 'error' in updated ? updated.error : undefined;
    }
    if (channelId === undefined) return 'channel_not_found';
    const threadTs = typeof body.thread_ts === 'string' ? body.thread_ts : undefined;
    if (body.response_type === 'in_channel') {
      const posted = channels.post({ channel: channelId, text, blocks, thread_ts: threadTs, via: 'response_url' });
      return 'error' in posted ? posted.error : undefined;
    }
    if (userId === undefined) return 'user_not_found';
    channels.postEphemeral({
      channel: channelId,
      user: userId,
      text,
      blocks,
      thread_ts: threadTs,
      via: 'response_url',
    });
    return undefined;
  }

  return {
    /** A fresh response URL on the fake. */
    issue(context: ResponseUrlContext = {}): string {
      const id = randomBytes(12).toString('hex');
      issued.set(id, { context, issuedAt: now(), uses: 0 });
      return `${baseUrl()}/response/${id}`;
    },

    /** Handles a POST to `/response/<id>`; returns the HTTP status and JSON answer, and records the post. */
    handle(id: string, body: Record<string, unknown>): { status: number; answer: Record<string, unknown> } {
      const entry = issued.get(id);
      let error: string | undefined;
      let status = 200;
      if (entry === undefined || now() - entry.issuedAt > RESPONSE_URL_TTL_MS) {
        [status, error] = [404, 'expired_url'];
      } else if (entry.uses >= RESPONSE_URL_MAX_USES) {
        [status, error] = [404, 'used_url'];
      } else {
        entry.uses += 1;
        error = deliver(entry.context, body);
        if (error !== undefined) status = 400;
      }
      const post: ResponseUrlPost = { id, url: `${baseUrl()}/response/${id}`, at: now(), body, status };
      if (error !== undefined) post.error = error;
      posts.push(post);
      return { status, answer: error === undefined ? { ok: true } : { ok: false, error } };
    },

    posts: (): ResponseUrlPost[] => structuredClone(posts),
    reset(): void {
      issued.clear();
      posts = [];
    },
  };
}
