/** chat.* methods: post, reply in thread, update, delete, ephemeral. */
import { messageJson } from './channels.ts';
import type { BotIdentity, ChannelStore } from './channels.ts';
import { str } from './http-io.ts';
import { SLACK_TEAM } from './team.ts';
import type { ApiArgs, ApiResult } from './types.ts';
import { checkMessage } from './validate.ts';
import type { Refusal } from './validate.ts';

export type Handler = (args: ApiArgs) => ApiResult;

/** Slack's answer to a refused call, with the problems listed in `response_metadata.messages`. */
export const refuse = (refusal: Refusal): ApiResult =>
  refusal.messages === undefined
    ? { ok: false, error: refusal.error }
    : { ok: false, error: refusal.error, response_metadata: { messages: refusal.messages } };

export const missing = (field: string): ApiResult =>
  refuse({ error: 'invalid_arguments', messages: [`[ERROR] missing required field: ${field}`] });

const blocksOf = (args: ApiArgs): unknown[] | undefined => (Array.isArray(args.blocks) ? args.blocks : undefined);

export function chatMethods(bot: BotIdentity, channels: ChannelStore): Record<string, Handler> {
  return {
    'chat.postMessage'(args) {
      const channel = str(args, 'channel');
      if (channel === undefined || channel === '') return { ok: false, error: 'channel_not_found' };
      const refusal = checkMessage(args);
      if (refusal !== undefined) return refuse(refusal);
      const posted = channels.post({
        channel,
        text: str(args, 'text'),
        blocks: blocksOf(args),
        thread_ts: str(args, 'thread_ts'),
        via: 'chat.postMessage',
      });
      if ('error' in posted) return { ok: false, error: posted.error };
      return { ok: true, channel: posted.channel, ts: posted.ts, message: messageJson(posted, bot) };
    },

    'chat.update'(args) {
      const channel = str(args, 'channel');
      const ts = str(args, 'ts');
      if (channel === undefined || channel === '') return { ok: false, error: 'channel_not_found' };
      if (ts === undefined || ts === '') return { ok: false, error: 'message_not_found' };
      const refusal = checkMessage(args);
      if (refusal !== undefined) return refuse(refusal);
      // Slack keeps a message's blocks when chat.update omits `blocks`; an empty array removes them.
      const blocks = args.blocks === undefined ? channels.message(channel, ts)?.blocks : blocksOf(args);
      const updated = channels.update(channel, ts, { text: str(args, 'text'), blocks });
      if ('error' in updated) return { ok: false, error: updated.error };
      return { ok: true, channel, ts, text: updated.text ?? '', message: messageJson(updated, bot) };
    },

    /** A message's permalink, as Slack builds it (a reply's carries its thread). */
    'chat.getPermalink'(args) {
      const channel = str(args, 'channel');
      const ts = str(args, 'message_ts');
      if (channel === undefined || channel === '') return { ok: false, error: 'channel_not_found' };
      if (ts === undefined || ts === '') return missing('message_ts');
      const message = channels.message(channel, ts);
      if (message === undefined) return { ok: false, error: 'message_not_found' };
      const base = `https://${SLACK_TEAM.domain}.slack.com/archives/${channel}/p${ts.replace('.', '')}`;
      const thread = message.thread_ts === undefined ? '' : `?thread_ts=${message.thread_ts}&cid=${channel}`;
      return { ok: true, channel, permalink: base + thread };
    },

    'chat.delete'(args) {
      const channel = str(args, 'channel') ?? '';
      const ts = str(args, 'ts') ?? '';
      if (!channels.remove(channel, ts)) return { ok: false, error: 'message_not_found' };
      return { ok: true, channel, ts };
    },

    'chat.postEphemeral'(args) {
      const channel = str(args, 'channel');
      const user = str(args, 'user');
      if (channel === undefined || channel === '') return { ok: false, error: 'channel_not_found' };
      if (user === undefined || user === '') return missing('user');
      const refusal = checkMessage(args);
      if (refusal !== undefined) return refuse(refusal);
      const ephemeral = channels.postEphemeral({
        channel,
        user,
        text: str(args, 'text'),
        blocks: blocksOf(args),
        thread_ts: str(args, 'thread_ts'),
        via: 'chat.postEphemeral',
      });
      if ('error' in ephemeral) return { ok: false, error: ephemeral.error };
      return { ok: true, message_ts: ephemeral.message_ts };
    },
  };
}
