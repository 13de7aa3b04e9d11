/** Shapes shared by the fake Slack's parts. Everything here is plain JSON so the control API can serve it. */
import type { RateLimitOptions } from './rate-limits.ts';

/** Arguments of a Web API call after parsing: form strings, with JSON-encoded nested values decoded. */
export type ApiArgs = Record<string, unknown>;

/** What a Web API method answers; always has `ok`. */
export type ApiResult = { ok: boolean; error?: string } & Record<string, unknown>;

/**
 * The tokens the fake accepts unless told others: shaped like Slack's, never real ones, and not
 * .env.example's placeholders (which the configuration refuses).
 */
export const FAKE_BOT_TOKEN = 'xoxb-0000000000-fake-bot-token';
export const FAKE_APP_TOKEN = 'xapp-1-A0000000000-fake-app-token';

export interface FakeSlackOptions {
  /** Port to listen on; 0 (the default) picks a free one. */
  port?: number;
  /** Bot token the Web API accepts. Default FAKE_BOT_TOKEN. */
  botToken?: string;
  /** App-level token `apps.connections.open` accepts. Default FAKE_APP_TOKEN. */
  appToken?: string;
  /** Users `users.info` knows, by ID. */
  users?: Record<string, { name: string; real_name?: string }>;
  /** User group ID -> member user IDs, for `usergroups.users.list`. */
  usergroups?: Record<string, string[]>;
  /** When false, `views.open`/`views.push` accept any trigger ID. Default true. */
  strictTriggers?: boolean;
  /** Clock in milliseconds since the epoch (trigger and response URL expiry, rate limits). Default `Date.now`. */
  now?: () => number;
  /**
   * Enforce Slack's rate limits (429 with Retry-After past them); see rate-limits.ts. Off by default;
   * `{}` for Slack's limits; switchable later with `setRateLimits`.
   */
  rateLimits?: RateLimitOptions | false;
}

/** One Web API call as the fake received and answered it. */
export interface RecordedCall {
  method: string;
  args: ApiArgs;
  /** The token the call carried (header or body), if any. Never printed. */
  token: string | undefined;
  /** Arrival time, ms since the epoch (fake clock). */
  at: number;
  /** HTTP status the fake answered with. */
  status: number;
  result: ApiResult;
  /** The injected fault that shaped the answer, if any. */
  fault?: Fault;
  /** Set when the fake's rate limits refused the call (status 429): the bucket and the Retry-After sent. */
  rateLimited?: { bucket: string; retryAfterSeconds: number };
}

interface MessageVersion {
  text: string | undefined;
  blocks: unknown[] | undefined;
  /** When this version was replaced (fake clock, ms). */
  replacedAt: number;
}

/** A message in a channel: top-level or a thread reply. */
export interface FakeMessage {
  channel: string;
  ts: string;
  text: string | undefined;
  blocks: unknown[] | undefined;
  /** Bot user ID for messages the app posted. */
  user: string;
  /** Absent on a person's message. */
  bot_id?: string;
  /** Parent ts for replies; undefined for top-level messages. */
  thread_ts: string | undefined;
  /** Earlier versions, oldest first (one per chat.update or replace_original). */
  edits: MessageVersion[];
  deleted: boolean;
  /** How the message got there. */
  via: 'chat.postMessage' | 'response_url';
  /** The files a person shared with this message, as Slack shows them in the message. */
  files?: Record<string, unknown>[];
}

/** A file a person shared in a conversation (see `shareFile`). */
export interface FakeFile {
  /** `F` and ten digits, e.g. `F0000000001`; never reused, even after reset. */
  id: string;
  /** Where it was shared (a user ID becomes the DM with that user, as for messages). */
  channel: string;
  name: string;
  title: string;
  /** Slack's file type: `csv`, `text`, ... */
  filetype: string;
  mimetype: string;
  /** Who shared it. */
  user: string;
  content: string;
  /** Bytes of `content` in UTF-8. */
  size: number;
  /** Seconds since the epoch (fake clock). */
  created: number;
  /** The message that shared it. */
  messageTs: string;
  /** Served by the fake to the bot token only, like Slack's file host. */
  url_private: string;
  url_private_download: string;
}

export interface FakeEphemeral {
  channel: string;
  user: string;
  message_ts: string;
  text: string | undefined;
  blocks: unknown[] | undefined;
  thread_ts: string | undefined;
  via: 'chat.postEphemeral' | 'response_url';
}

/** A modal as Slack holds it: the view the last call set, plus its history. */
export interface FakeView {
  id: string;
  hash: string;
  external_id: string | undefined;
  root_view_id: string;
  previous_view_id: string | null;
  openedBy: 'views.open' | 'views.push';
  /** The view as `views.open`/`views.update` answers it (id, hash, state included). */
  view: Record<string, unknown>;
  /** Earlier versions of `view`, oldest first. */
  versions: Record<string, unknown>[];
}

export interface ResponseUrlPost {
  id: string;
  url: string;
  at: number;
  body: Record<string, unknown>;
  status: number;
  error?: string;
}

export type Fault =
  | { kind: 'error'; error: string }
  | { kind: 'rate_limit'; retryAfterSeconds: number }
  | { kind: 'http'; status: number }
  | { kind: 'delay'; ms: number };

export interface FaultInjection {
  /** Web API method name, `response_url`, or `*` for every call. */
  method: string;
  /** How many calls it affects. Default 1; `Infinity` for all. */
  times?: number;
  fault: Fault;
}

export type EnvelopeType = 'slash_commands' | 'interactive' | 'events_api';

export interface EnvelopeAck {
  envelope_id: string;
  payload?: Record<string, unknown>;
}
