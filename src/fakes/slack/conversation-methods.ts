/**
 * conversations.history and conversations.replies, as far as the app reads them: newest first for
 * history (with `oldest`, `limit`), parent first then replies in order for a thread.
 */
import { messageJson } from './channels.ts';
import type { BotIdentity, ChannelStore } from './channels.ts';
import type { Handler } from './chat-methods.ts';
import { missing } from './chat-methods.ts';
import { str } from './http-io.ts';

const limitOf = (raw: string | undefined) => Math.min(Math.max(Number(raw ?? 100) || 100, 1), 1000);

export function conversationMethods(bot: BotIdentity, channels: ChannelStore): Record<string, Handler> {
  return {
    'conversations.history'(args) {
      const channel = str(args, 'channel');
      if (!channel) return missing('channel');
      const refused = channels.refusal(channel, 'read');
      if (refused) return { ok: false, ...refused };
      const oldest = Number(str(args, 'oldest') ?? 0);
      const messages = channels
        .channel(channel)
        .filter((m) => !m.deleted && m.thread_ts === undefined && Number(m.ts) >= oldest)
        .reverse()
        .slice(0, limitOf(str(args, 'limit')));
      return { ok: true, messages: messages.map((m) => messageJson(m, bot)), has_more: false };
    },
    'conversations.replies'(args) {
      const channel = str(args, 'channel');
      const ts = str(args, 'ts');
      if (!channel) return missing('channel');
      if (!ts) return missing('ts');
      const refused = channels.refusal(channel, 'read');
      if (refused) return { ok: false, ...refused };
      const parent = channels.message(channel, ts);
      if (!parent) return { ok: false, error: 'thread_not_found' };
      const replies = channels.thread(channel, ts).filter((m) => !m.deleted);
      return {
        ok: true,
        messages: [parent, ...replies].slice(0, limitOf(str(args, 'limit'))).map((m) => messageJson(m, bot)),
        has_more: false,
      };
    },
  };
}
