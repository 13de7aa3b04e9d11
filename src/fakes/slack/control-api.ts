/**
 * The fake's own JSON API under `/__fake/`, for tests in another process and the browser sandbox:
 * read what the app did, script faults, issue trigger IDs and response URLs, send envelopes, reset.
 * Tokens are never served: calls show only which kind of token they carried.
 *
 *   GET  calls | channels | channels/{id} | channels/{id}/threads/{ts} | ephemerals?channel=&user=
 *        views | response-posts | acks | files?channel=
 *   POST reset | inject {method, times?, fault} | triggers {viewId?} -> {trigger_id}
 *        files {channel, name, content, user?, filetype?, title?} -> the shared file
 *        conversations/{id} {exists?, member?, archived?}
 *        response-urls {channelId?, userId?, messageTs?} -> {response_url}
 *        envelopes {type, payload, timeoutMs?} -> {ok, ack} | reconnect
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FakeSlack } from '../fake-slack.ts';
import type { ConversationSettings } from './channels.ts';
import { parseInjection } from './faults.ts';
import type { ShareInput } from './files.ts';
import { readBody, sendJson } from './http-io.ts';
import type { EnvelopeType, RecordedCall } from './types.ts';

export const CONTROL_PREFIX = '/__fake/';
const ENVELOPE_TYPES: readonly string[] = ['slash_commands', 'interactive', 'events_api'];

function tokenKind(token: string | undefined): string {
  if (token === undefined) return 'none';
  if (token.startsWith('xoxb-')) return 'bot';
  if (token.startsWith('xapp-')) return 'app';
  return 'other';
}

/** A recorded call as the control API shows it: the token replaced by its kind. */
function publicCall(call: RecordedCall): Omit<RecordedCall, 'token'> & { token: string } {
  return { ...call, token: tokenKind(call.token) };
}

async function jsonBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const raw = await readBody(req);
  if (raw.trim() === '') return {};
  const parsed: unknown = JSON.parse(raw);
  return parsed !== null && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {};
}

const optionalString = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** A file to share, as the control API takes it: channel, name and content are required strings. */
function shareInput(body: Record<string, unknown>): ShareInput {
  const [channel, name, content] = [body.channel, body.name, body.content];
  if (typeof channel !== 'string' || typeof name !== 'string' || typeof content !== 'string') {
    throw new Error('channel, name and content must be strings');
  }
  const input: ShareInput = { channel, name, content };
  for (const key of ['user', 'filetype', 'title'] as const) {
    const value = optionalString(body[key]);
    if (value !== undefined) input[key] = value;
  }
  return input;
}

/** Serves one control request; answers 404 for paths it does not know. */
export async function handleControl(
  fake: FakeSlack,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  const route = `${req.method ?? 'GET'} ${url.pathname.slice(CONTROL_PREFIX.length)}`;
  const parts = url.pathname.slice(CONTROL_PREFIX.length).split('/').map(decodeURIComponent);
  try {
    if (route === 'GET calls') return sendJson(res, 200, fake.calls.map(publicCall));
    if (route === 'GET channels') return sendJson(res, 200, fake.channelIds());
    if (req.method === 'GET' && parts[0] === 'channels' && parts[1] !== undefined) {
      if (parts[2] === 'threads' && parts[3] !== undefined) return sendJson(res, 200, fake.thread(parts[1], parts[3]));
      return sendJson(res, 200, fake.channel(parts[1]));
    }
    if (route === 'GET ephemerals') {
      const filter: { channel?: string; user?: string } = {};
      const channel = url.searchParams.get('channel');
      const user = url.searchParams.get('user');
      if (channel !== null) filter.channel = channel;
      if (user !== null) filter.user = user;
      return sendJson(res, 200, fake.ephemerals(filter));
    }
    if (route === 'GET views') return sendJson(res, 200, fake.viewsOpened());
    if (route === 'GET response-posts') return sendJson(res, 200, fake.responseUrlPosts());
    if (route === 'GET acks') return sendJson(res, 200, fake.socketAcks());
    if (route === 'GET files') return sendJson(res, 200, fake.files(url.searchParams.get('channel') ?? undefined));
    if (route === 'POST files') return sendJson(res, 200, fake.shareFile(shareInput(await jsonBody(req))));
    if (route === 'POST reset') {
      fake.reset();
      return sendJson(res, 200, { ok: true });
    }
    if (route === 'POST inject') {
      fake.inject(parseInjection(await jsonBody(req)));
      return sendJson(res, 200, { ok: true });
    }
    if (req.method === 'POST' && parts[0] === 'conversations' && parts[1] !== undefined) {
      const body = await jsonBody(req);
      const settings: ConversationSettings = {};
      for (const key of ['exists', 'member', 'archived'] as const) {
        if (body[key] === undefined) continue;
        if (typeof body[key] !== 'boolean')
          return sendJson(res, 400, { ok: false, error: `${key} must be true or false` });
        settings[key] = body[key];
      }
      fake.setConversation(parts[1], settings);
      return sendJson(res, 200, { ok: true });
    }
    if (route === 'POST triggers') {
      const viewId = optionalString((await jsonBody(req)).viewId);
      return sendJson(res, 200, { trigger_id: fake.triggerId(viewId === undefined ? {} : { viewId }) });
    }
    if (route === 'POST response-urls') {
      const body = await jsonBody(req);
      const context: { channelId?: string; userId?: string; messageTs?: string } = {};
      for (const key of ['channelId', 'userId', 'messageTs'] as const) {
        const value = optionalString(body[key]);
        if (value !== undefined) context[key] = value;
      }
      return sendJson(res, 200, { response_url: fake.responseUrl(context) });
    }
    if (route === 'POST envelopes') {
      const body = await jsonBody(req);
      if (typeof body.type !== 'string' || !ENVELOPE_TYPES.includes(body.type)) {
        return sendJson(res, 400, { ok: false, error: `type must be one of ${ENVELOPE_TYPES.join(', ')}` });
      }
      const timeoutMs = typeof body.timeoutMs === 'number' ? body.timeoutMs : undefined;
      const ack = await fake.sendEnvelope(
        body.type as EnvelopeType,
        body.payload ?? {},
        timeoutMs === undefined ? {} : { timeoutMs },
      );
      return sendJson(res, 200, { ok: true, ack });
    }
    if (route === 'POST reconnect') {
      fake.requestReconnect();
      return sendJson(res, 200, { ok: true });
    }
    sendJson(res, 404, { ok: false, error: `unknown control route ${route}` });
  } catch (error) {
    sendJson(res, 400, { ok: false, error: error instanceof Error ? error.message : String(error) });
  }
}
