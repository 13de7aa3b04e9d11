/**
 * HTTP endpoints Slack serves: `/api/<method>`, `/response/<id>` and its file host `/files-pri/...`,
 * with scripted faults applied first.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import type { FaultQueue } from './faults.ts';
import type { FileStore } from './files.ts';
import type { RateLimiter } from './rate-limits.ts';
import { bearerToken, parseApiArgs, readBody, sendContent, sendJson, sendText } from './http-io.ts';
import type { ResponseUrls } from './response-urls.ts';
import type { ApiArgs, ApiResult, Fault, RecordedCall } from './types.ts';
import type { WebApi } from './web-api.ts';

export interface EndpointDeps {
  api: WebApi;
  faults: FaultQueue;
  responseUrls: ResponseUrls;
  files: FileStore;
  now: () => number;
  record: (call: RecordedCall) => void;
  /** Called after any state change, so waiters re-check. */
  changed: () => void;
  /** Slack's rate limits, checked after the scripted faults; absent or switched off: no limits. */
  limits?: RateLimiter;
}

interface Shaped {
  status: number;
  result: ApiResult;
  headers: Record<string, string>;
}

/** What a non-delay fault makes the fake answer instead of handling the call. */
function faultAnswer(fault: Fault): Shaped | undefined {
  switch (fault.kind) {
    case 'error':
      return { status: 200, result: { ok: false, error: fault.error }, headers: {} };
    case 'rate_limit':
      // Slack answers 429 with the wait in seconds in Retry-After.
      return {
        status: 429,
        result: { ok: false, error: 'ratelimited' },
        headers: { 'retry-after': String(fault.retryAfterSeconds) },
      };
    case 'http':
      return { status: fault.status, result: { ok: false, error: `http_${fault.status}` }, headers: {} };
    case 'delay':
      return undefined;
  }
}

async function takeFault(deps: EndpointDeps, method: string): Promise<{ fault?: Fault; answer?: Shaped }> {
  const fault = deps.faults.take(method);
  if (fault === undefined) return {};
  if (fault.kind === 'delay') await delay(fault.ms);
  const answer = faultAnswer(fault);
  return answer === undefined ? { fault } : { fault, answer };
}

function send(res: ServerResponse, shaped: Shaped): void {
  if (shaped.status === 200 || shaped.status === 429) sendJson(res, shaped.status, shaped.result, shaped.headers);
  else sendText(res, shaped.status, `fake Slack: HTTP ${shaped.status}`);
}

/** Handles `/api/<method>`: parse, check the token, run the method or the scripted fault, record, answer. */
export async function handleApi(
  deps: EndpointDeps,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  const method = decodeURIComponent(url.pathname.slice('/api/'.length));
  const at = deps.now();
  const raw = await readBody(req);
  const contentType = req.headers['content-type'];
  let args: ApiArgs = {};
  let parseFailed = false;
  try {
    args = parseApiArgs(raw, contentType, url.searchParams);
  } catch {
    parseFailed = true;
  }
  const headerToken = bearerToken(req);
  // A token in the body counts for form posts only; JSON posts must use the Authorization header.
  const bodyToken = (contentType ?? '').includes('application/json') ? undefined : args.token;
  const token = headerToken ?? (typeof bodyToken === 'string' ? bodyToken : undefined);
  delete args.token;

  const { fault, answer } = await takeFault(deps, method);
  const limit = answer === undefined ? deps.limits?.take(method, args) : undefined;
  const shaped: Shaped =
    answer ??
    (limit !== undefined && !limit.ok
      ? {
          status: 429,
          result: { ok: false, error: 'ratelimited' },
          headers: { 'retry-after': String(limit.retryAfterSeconds) },
        }
      : {
          status: 200,
          result: parseFailed
            ? { ok: false, error: 'invalid_json' }
            : deps.api(method, args, { token, fromHeader: headerToken !== undefined }),
          headers: {},
        });
  const call: RecordedCall = { method, args, token, at, status: shaped.status, result: shaped.result };
  if (fault !== undefined) call.fault = fault;
  if (limit !== undefined && !limit.ok)
    call.rateLimited = { bucket: limit.bucket, retryAfterSeconds: limit.retryAfterSeconds };
  deps.record(call);
  send(res, shaped);
  deps.changed();
}

/**
 * Handles a GET on the file host, recorded in `calls` as `files.download` (with the token it carried, as
 * API calls are). Faults scripted for `files.download` apply; the host has no error codes, so an
 * `error` fault gets its sign-in page.
 */
export async function handleFileDownload(
  deps: EndpointDeps,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  const at = deps.now();
  const token = bearerToken(req);
  const { fault, answer } = await takeFault(deps, 'files.download');
  const failed = answer !== undefined && answer.status !== 200 ? answer : undefined;
  const hosted = deps.files.download(url.pathname, token, answer?.result.error);
  const call: RecordedCall = {
    method: 'files.download',
    args: hosted.args,
    token,
    at,
    status: failed?.status ?? hosted.status,
    result: failed?.result ?? hosted.result,
  };
  if (fault !== undefined) call.fault = fault;
  deps.record(call);
  if (failed !== undefined) send(res, failed);
  else sendContent(res, hosted.status, hosted.body, hosted.headers);
  deps.changed();
}

/** Handles a POST to `/response/<id>` (a response_url). */
export async function handleResponseUrl(
  deps: EndpointDeps,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  const id = url.pathname.slice('/response/'.length);
  const raw = await readBody(req);
  const { answer } = await takeFault(deps, 'response_url');
  if (answer !== undefined) {
    send(res, answer);
    return;
  }
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    sendJson(res, 400, { ok: false, error: 'invalid_payload' });
    return;
  }
  const isObject = body !== null && typeof body === 'object' && !Array.isArray(body);
  const handled = deps.responseUrls.handle(id, isObject ? (body as Record<string, unknown>) : {});
  sendJson(res, handled.status, handled.answer);
  deps.changed();
}
