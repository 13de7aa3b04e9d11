/** The fake's conversations: messages in order, threads, edits and ephemeral messages. */
import type { FakeEphemeral, FakeMessage } from './types.ts';

export interface BotIdentity {
  userId: string;
  botId: string;
  appId: string;
  teamId: string;
}

export interface MessageInput {
  channel: string;
  text: string | undefined;
  blocks: unknown[] | undefined;
  thread_ts?: string | undefined;
  via: FakeMessage['via'];
  /** Someone else's message (a person, another app's bot); the bot's own by default. */
  author?: { user: string; bot_id?: string };
  /** Files shared with the message (a person's upload), as Slack shows them in it. */
  files?: Record<string, unknown>[];
}

export interface EphemeralFilter {
  channel?: string;
  user?: string;
}

export type ChannelStore = ReturnType<typeof createChannelStore>;

/**
 * What Slack knows of a conversation and of the bot's place in it. A conversation the fake was told
 * nothing about exists and has the bot in it (tests and the sandbox invite the bot where they work).
 */
export interface ConversationSettings {
  /** false: Slack answers channel_not_found, whatever the call. */
  exists?: boolean;
  /**
   * Whether the bot is a member. Where it is not, Slack refuses its posts and reads: not_in_channel in a
   * public channel (the manifest does not ask for chat:write.public), channel_not_found elsewhere.
   */
  member?: boolean;
  archived?: boolean;
}

type Access = 'post' | 'read';

export function createChannelStore(bot: BotIdentity, now: () => number) {
  const channels = new Map<string, FakeMessage[]>();
  const settings = new Map<string, ConversationSettings>();
  let ephemeralList: FakeEphemeral[] = [];
  let lastMicros = 0;

  /**
   * Message timestamps as Slack makes them, from the clock (seconds.microseconds: a message's ts is
   * when it was posted, which `conversations.history`'s `oldest` compares against); unique and
   * increasing, never reused, even after reset.
   */
  function nextTs(): string {
    lastMicros = Math.max(Math.floor(now() * 1000), lastMicros + 100);
    return `${Math.floor(lastMicros / 1_000_000)}.${String(lastMicros % 1_000_000).padStart(6, '0')}`;
  }

  /** Posting to a user ID lands in the DM with that user, as Slack does; Slack answers with the DM's ID. */
  const resolveChannel = (id: string): string => (/^[UW][A-Z0-9]+$/.test(id) ? `D${id.slice(1)}` : id);

  /**
   * Slack's refusal of a post (or update) into, or a read of, this conversation, if any: a
   * conversation that does not exist or is private to the bot (channel_not_found), an archived
   * one (is_archived), a public channel the bot is not in (not_in_channel), the history of a direct
   * message (missing_scope: the manifest asks for no im:history or mpim:history).
   */
  function refusal(channel: string, access: Access): { error: string } | undefined {
    const id = resolveChannel(channel);
    const conversation = settings.get(id) ?? {};
    if (conversation.exists === false) return { error: 'channel_not_found' };
    if (conversation.archived && access === 'post') return { error: 'is_archived' };
    if (access === 'read' && id.startsWith('D')) return { error: 'missing_scope' };
    if (conversation.member !== false) return undefined;
    return { error: id.startsWith('C') ? 'not_in_channel' : 'channel_not_found' };
  }

  function find(channel: string, ts: string): FakeMessage | undefined {
    return channels.get(channel)?.find((m) => m.ts === ts && !m.deleted);
  }

  function post(input: MessageInput): FakeMessage | { error: string } {
    // Someone else's message is theirs to post; the refusals are the bot's.
    const refused = input.author ? undefined : refusal(input.channel, 'post');
    if (refused) return refused;
    const channel = resolveChannel(input.channel);
    let threadTs: string | undefined;
    if (input.thread_ts !== undefined && input.thread_ts !== '') {
      const parent = find(channel, input.thread_ts);
      if (parent === undefined) return { error: 'thread_not_found' };
      threadTs = parent.thread_ts ?? parent.ts;
    }
    const message: FakeMessage = {
      channel,
      ts: nextTs(),
      text: input.text,
      blocks: input.blocks,
      user: input.author?.user ?? bot.userId,
      bot_id: input.author ? input.author.bot_id : bot.botId,
      thread_ts: threadTs,
      edits: [],
      deleted: false,
      via: input.via,
      ...(input.files ? { files: input.files } : {}),
    };
    const list = channels.get(channel) ?? [];
    list.push(message);
    channels.set(channel, list);
    return message;
  }

  function update(channel: string, ts: string, next: { text: string | undefined; blocks: unknown[] | undefined }) {
    const refused = refusal(channel, 'post');
    if (refused) return refused;
    const message = find(channel, ts);
    if (message === undefined) return { error: 'message_not_found' } as const;
    message.edits.push({ text: message.text, blocks: message.blocks, replacedAt: now() });
    message.text = next.text;
    message.blocks = next.blocks;
    return message;
  }

  function remove(channel: string, ts: string): boolean {
    const message = find(channel, ts);
    if (message !== undefined) message.deleted = true;
    return message !== undefined;
  }

  function postEphemeral(
    input: Omit<FakeEphemeral, 'message_ts' | 'channel'> & { channel: string },
  ): FakeEphemeral | { error: string } {
    // A command's response URL answers the person wherever they typed it, bot member or not.
    const refused = input.via === 'response_url' ? undefined : refusal(input.channel, 'post');
    if (refused) return refused;
    const ephemeral: FakeEphemeral = { ...input, channel: resolveChannel(input.channel), message_ts: nextTs() };
    ephemeralList.push(ephemeral);
    return ephemeral;
  }

  return {
    nextTs,
    refusal,
    resolve: resolveChannel,
    /** What the fake was told of a conversation; {} when nothing (it exists, with the bot in it). */
    conversation: (id: string): ConversationSettings => ({ ...settings.get(resolveChannel(id)) }),
    /** Tells the fake what Slack knows of a conversation (see ConversationSettings); merged with what it knew. */
    setConversation: (id: string, next: ConversationSettings): void =>
      void settings.set(resolveChannel(id), { ...settings.get(resolveChannel(id)), ...next }),
    post,
    update,
    remove,
    postEphemeral,
    /** Every message posted in the channel (top-level and replies), in posting order, current versions. */
    channel: (id: string): FakeMessage[] => structuredClone(channels.get(id) ?? []),
    /** The replies to the message `ts`, in order. */
    thread: (channel: string, ts: string): FakeMessage[] =>
      structuredClone((channels.get(channel) ?? []).filter((m) => m.thread_ts === ts && m.ts !== ts)),
    /** The current version of a message (after chat.update), or undefined when unknown or deleted. */
    message: (channel: string, ts: string): FakeMessage | undefined => {
      const found = find(channel, ts);
      return found === undefined ? undefined : structuredClone(found);
    },
    ephemerals: (filter: EphemeralFilter = {}): FakeEphemeral[] =>
      structuredClone(
        ephemeralList.filter(
          (e) =>
            (filter.channel === undefined || e.channel === filter.channel) &&
            (filter.user === undefined || e.user === filter.user),
        ),
      ),
    channelIds: (): string[] => [...channels.keys()],
    reset(): void {
      channels.clear();
      settings.clear();
      ephemeralList = [];
    },
  };
}

/** The message object Slack returns from chat.postMessage / chat.update. */
export function messageJson(message: FakeMessage, bot: BotIdentity): Record<string, unknown> {
  return {
    type: 'message',
    user: message.user,
    bot_id: message.bot_id,
    app_id: bot.appId,
    team: bot.teamId,
    ts: message.ts,
    text: message.text ?? '',
    ...(message.blocks !== undefined ? { blocks: message.blocks } : {}),
    ...(message.thread_ts !== undefined ? { thread_ts: message.thread_ts, parent_user_id: message.user } : {}),
    ...(message.edits.length > 0 ? { edited: { user: message.user, ts: message.ts } } : {}),
    // An upload's message carries its files and says it was an upload.
    ...(message.files !== undefined ? { files: message.files, upload: true } : {}),
  };
}
