/**
 * A fake Slack on 127.0.0.1: the Web API (`/api/<method>`, as @slack/web-api calls it), response
 * URLs, Socket Mode over WebSocket, Slack's file host (`/files-pri/...`) and a JSON control API under
 * `/__fake/`. Its state (channels, threads, edits, ephemerals, modals, shared files, calls) is
 * inspectable; tests wait on it with `waitFor`, never sleep.
 *
 * Web API methods: auth.test, users.info, usergroups.users.list, chat.postMessage, chat.update,
 * chat.getPermalink, chat.delete, chat.postEphemeral, conversations.history, conversations.replies,
 * views.open, views.update, views.push, views.publish, files.list, apps.connections.open (app token).
 * Seeds: setConversation, postAsOther, shareFile (a person shares a file), responseUrl, triggerId, inject.
 * File downloads (GET url_private / url_private_download) are recorded in `calls` as `files.download`.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createChannelStore } from './slack/channels.ts';
import type { BotIdentity, ConversationSettings, EphemeralFilter } from './slack/channels.ts';
import { CONTROL_PREFIX, handleControl } from './slack/control-api.ts';
import { handleApi, handleFileDownload, handleResponseUrl } from './slack/endpoints.ts';
import { createFaultQueue } from './slack/faults.ts';
import { createFileStore, FILES_PREFIX } from './slack/files.ts';
import type { ShareInput } from './slack/files.ts';
import { createRateLimiter } from './slack/rate-limits.ts';
import type { RateLimitOptions, RateLimitSettings } from './slack/rate-limits.ts';
import { sendJson } from './slack/http-io.ts';
import { createResponseUrls } from './slack/response-urls.ts';
import type { ResponseUrlContext } from './slack/response-urls.ts';
import { createSocketHub } from './slack/socket.ts';
import { SLACK_TEAM } from './slack/team.ts';
import type { EnvelopeOptions } from './slack/socket.ts';
import type {
  EnvelopeAck,
  EnvelopeType,
  FakeEphemeral,
  FakeFile,
  FakeMessage,
  FakeSlackOptions,
  FakeView,
  FaultInjection,
  RecordedCall,
  ResponseUrlPost,
} from './slack/types.ts';
import { createViewStore } from './slack/views.ts';
import { createWaiter } from './slack/waiter.ts';
import { createWebApi } from './slack/web-api.ts';
import { FAKE_APP_TOKEN, FAKE_BOT_TOKEN } from './slack/types.ts';

export type {
  FakeMessage,
  FakeSlackOptions,
  FakeView,
  RecordedCall,
} from './slack/types.ts';
export { FAKE_APP_TOKEN, FAKE_BOT_TOKEN } from './slack/types.ts';

export interface FakeSlack {
  /** Server root, e.g. `http://127.0.0.1:54321`. */
  readonly url: string;
  /** Give this to @slack/web-api as `slackApiUrl`; ends with `/api/`. */
  readonly apiUrl: string;
  /** The bot identity auth.test reports. */
  readonly bot: BotIdentity;
  /** Every Web API call, in the order answered (live array; emptied by `reset`). */
  readonly calls: readonly RecordedCall[];
  /** TCP connections clients have opened to the fake since it started (kept through `reset`). */
  readonly connectionsOpened: number;
  channel(id: string): FakeMessage[];
  channelIds(): string[];
  thread(channelId: string, ts: string): FakeMessage[];
  message(channelId: string, ts: string): FakeMessage | undefined;
  ephemerals(filter?: EphemeralFilter): FakeEphemeral[];
  viewsOpened(): FakeView[];
  view(id: string): FakeView | undefined;
  /** The Home tab a person sees now (the last views.publish for them). */
  homeView(userId: string): Record<string, unknown> | undefined;
  /** What Slack does when a view_submission is answered `response_action: update`: the modal shows `view`. */
  answerWithUpdate(viewId: string, view: Record<string, unknown>): void;
  responseUrlPosts(): ResponseUrlPost[];
  socketAcks(): EnvelopeAck[];
  /** A fresh response URL; say where the interaction happened so replies land in the right place. */
  responseUrl(context?: ResponseUrlContext): string;
  /** A fresh trigger ID, valid for 3 s; `viewId` when the interaction happened inside that modal. */
  triggerId(options?: { viewId?: string }): string;
  inject(injection: FaultInjection): void;
  /**
   * What Slack knows of a conversation: whether it exists, whether the bot is in it, whether it is
   * archived. Unknown conversations exist with the bot in them. Forgotten on reset.
   */
  setConversation(id: string, settings: ConversationSettings): void;
  /** A message someone else posts (a person, or another app's bot with `botId`): it is not the app's. */
  postAsOther(input: { channel: string; text: string; user: string; botId?: string; threadTs?: string }): FakeMessage;
  /**
   * A person (`user`, default USUPPORT01) shares a file in `channel`: files.list lists it where the bot
   * is a member, its URLs serve `content` to the bot token, and a message of theirs carries it.
   */
  shareFile(input: ShareInput): FakeFile;
  /** The files shared so far (in one conversation, if given), in sharing order. */
  files(channel?: string): FakeFile[];
  /**
   * Switches Slack's rate limits on (`{}` for Slack's limits) or off (`false`); buckets start full.
   * Refused calls are answered 429 with Retry-After and recorded in `calls` with `rateLimited`.
   */
  setRateLimits(options: RateLimitOptions | false): void;
  /** The rate limits in force; undefined while they are off. */
  readonly rateLimits: RateLimitSettings | undefined;
  /** Resolves with the predicate's first truthy value, re-checked on every change; rejects after `timeoutMs`. */
  waitFor<T>(
    predicate: (fake: FakeSlack) => T | undefined | null | false,
    timeoutMs?: number,
    description?: string,
  ): Promise<T>;
  /** Calls `listener` after every change of the fake's state (calls, messages, views...); returns an unsubscribe. */
  onChange(listener: () => void): () => void;
  sendEnvelope(type: EnvelopeType, payload: unknown, options?: EnvelopeOptions): Promise<EnvelopeAck>;
  /** Resolves once a Socket Mode client is connected (and was sent `hello`). */
  socketConnected(): Promise<void>;
  waitForSocket(timeoutMs?: number): Promise<void>;
  /** Sends `disconnect` to connected clients, as Slack does when it recycles a connection. */
  requestReconnect(reason?: string): void;
  /**
   * Forgets calls, messages, views, shared files, triggers, response URLs, faults and acks; keeps sockets
   * connected. Rate limits stay as set, with full buckets.
   */
  reset(): void;
  close(): Promise<void>;
}

const DEFAULT_BOT: BotIdentity = {
  userId: SLACK_TEAM.botUserId,
  botId: SLACK_TEAM.botId,
  appId: SLACK_TEAM.appId,
  teamId: SLACK_TEAM.id,
};

export async function startFakeSlack(options: FakeSlackOptions = {}): Promise<FakeSlack> {
  const now = options.now ?? Date.now;
  const bot = DEFAULT_BOT;
  let base = '';
  const calls: RecordedCall[] = [];
  const channels = createChannelStore(bot, now);
  const views = createViewStore(bot, now, options.strictTriggers ?? true);
  const botToken = options.botToken ?? FAKE_BOT_TOKEN;
  const files = createFileStore({ bot, botToken, channels, now, baseUrl: () => base });
  const faults = createFaultQueue();
  const limits = createRateLimiter(now, options.rateLimits);
  const responseUrls = createResponseUrls(() => base, now, channels);
  const waiter = createWaiter(() => {
    const last = calls
      .slice(-10)
      .map((c) => `  ${c.method} -> ${c.result.ok ? 'ok' : c.result.error} ${JSON.stringify(c.args).slice(0, 200)}`);
    return last.length === 0 ? 'no calls were received' : `last ${last.length} calls:\n${last.join('\n')}`;
  });
  const socket = createSocketHub(() => base.replace(/^http/, 'ws'), bot.appId, waiter.notify);
  const api = createWebApi({
    bot,
    botToken,
    appToken: options.appToken ?? FAKE_APP_TOKEN,
    channels,
    views,
    files,
    users: options.users ?? {},
    usergroups: options.usergroups ?? {},
    socketUrl: () => socket.issueUrl(),
  });
  const endpoints = {
    api,
    faults,
    limits,
    responseUrls,
    files,
    now,
    record: (call: RecordedCall) => calls.push(call),
    changed: waiter.notify,
  };

  const fake: FakeSlack = {
    get url() {
      return base;
    },
    get apiUrl() {
      return `${base}/api/`;
    },
    bot,
    calls,
    get connectionsOpened() {
      return connectionsOpened;
    },
    channel: channels.channel,
    channelIds: channels.channelIds,
    thread: channels.thread,
    message: channels.message,
    ephemerals: channels.ephemerals,
    viewsOpened: views.all,
    view: views.view,
    homeView: views.home,
    answerWithUpdate(viewId, view) {
      const updated = views.update({ viewId }, undefined, view);
      if ('error' in updated) throw new Error(`answerWithUpdate: ${updated.error}`);
      waiter.notify();
    },
    responseUrlPosts: responseUrls.posts,
    socketAcks: socket.acks,
    responseUrl: (context) => responseUrls.issue(context),
    triggerId: (opts) => views.issueTrigger(opts?.viewId),
    inject: (injection) => faults.inject(injection),
    setConversation: (id, settings) => {
      channels.setConversation(id, settings);
      waiter.notify();
    },
    postAsOther({ channel, text, user, botId, threadTs }) {
      const posted = channels.post({
        channel,
        text,
        thread_ts: threadTs,
        blocks: undefined,
        via: 'chat.postMessage',
        author: { user, ...(botId ? { bot_id: botId } : {}) },
      });
      if ('error' in posted) throw new Error(`postAsOther: ${posted.error}`);
      waiter.notify();
      return posted;
    },
    shareFile(input) {
      const file = files.share(input);
      waiter.notify();
      return file;
    },
    files: (channel) => files.all(channel),
    setRateLimits: (rateLimits) => limits.configure(rateLimits),
    get rateLimits() {
      return limits.settings;
    },
    waitFor: (predicate, timeoutMs = 5000, description) =>
      waiter.waitFor(() => predicate(fake), timeoutMs, description),
    onChange: (listener) => waiter.onChange(listener),
    sendEnvelope: (type, payload, opts) => socket.sendEnvelope(type, payload, opts),
    socketConnected: () => fake.waitForSocket(),
    waitForSocket: async (timeoutMs = 5000) => {
      await waiter.waitFor(() => socket.connectedCount() > 0, timeoutMs, 'a Socket Mode client to connect');
    },
    requestReconnect: (reason) => socket.requestReconnect(reason),
    reset() {
      calls.length = 0;
      channels.reset();
      views.reset();
      files.reset();
      responseUrls.reset();
      faults.reset();
      limits.reset();
      socket.resetAcks();
      waiter.notify();
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        socket.close();
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', base || 'http://127.0.0.1');
    let handled: Promise<void>;
    if (url.pathname.startsWith('/api/')) handled = handleApi(endpoints, req, res, url);
    else if (url.pathname.startsWith('/response/') && req.method === 'POST')
      handled = handleResponseUrl(endpoints, req, res, url);
    else if (url.pathname.startsWith(FILES_PREFIX) && req.method === 'GET')
      handled = handleFileDownload(endpoints, req, res, url);
    else if (url.pathname.startsWith(CONTROL_PREFIX)) handled = handleControl(fake, req, res, url);
    else handled = Promise.resolve(sendJson(res, 404, { ok: false, error: 'not_found' }));
    handled.catch((error: unknown) => {
      if (!res.headersSent)
        sendJson(res, 500, { ok: false, error: error instanceof Error ? error.message : 'internal_error' });
      else res.destroy();
    });
  });
  server.on('upgrade', (req, sock, head) => socket.handleUpgrade(req, sock, head));
  let connectionsOpened = 0;
  server.on('connection', () => connectionsOpened++);
  // Idle connections stay open for a minute, as production front ends commonly keep them (Node's
  // default closes them after 5 s, which would make every call after a quiet spell a new connection).
  server.keepAliveTimeout = 60_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}
