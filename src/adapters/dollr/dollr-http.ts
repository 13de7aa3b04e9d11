/**
 * One HTTP exchange with Dollr: one attempt, bounded by a deadline that covers the headers AND the
 * body, logged without secrets. Resolves the parsed JSON of a 2xx answer; throws DollrError for
 * everything else (via dollr-errors.ts).
 */
import { performance } from 'node:perf_hooks';
import { request, type Dispatcher } from 'undici';
import { DollrError } from '../../core/execution/dollr-error.ts';
import type { Logger } from '../../core/ports.ts';
import { fromTransportError, isSuccess, toDollrError } from './dollr-errors.ts';

export interface DollrHttpOptions {
  baseUrl: string;
  timeoutMs: number;
  dispatcher: Dispatcher;
  logger: Logger;
  userAgent: string;
  now: () => Date;
  /** Told of every exchange once it ended: its endpoint (`route`), `ok` or the error's code, its duration. */
  onCall?: (call: { endpoint: string; outcome: string; seconds: number }) => void;
  /** Applied to every error's message: Dollr may echo what it was sent. */
  redact?: (text: string) => string;
}

export interface DollrExchange {
  method: 'GET' | 'POST';
  /** Starts with /v1/, without a query string. Never holds a secret (it is logged). */
  path: string;
  /** The path with its variable parts named (`/v1/status/refund/{reference_id}`), for metrics; default: path. */
  route?: string;
  /** Query parameters, sent URL-encoded after the path. Logged too: never put a secret here. */
  query?: Record<string, string>;
  body?: unknown;
  /** Bearer token; absent only for the token call. */
  token?: string;
  /** A shorter deadline than the client's, for calls that must not hold anything up. */
  timeoutMs?: number;
}

export type DollrHttp = (exchange: DollrExchange) => Promise<unknown>;

export function createDollrHttp(options: DollrHttpOptions): DollrHttp {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');

  const send: DollrHttp = async (exchange) => {
    const started = performance.now();
    const report = (outcome: string) =>
      options.onCall?.({
        endpoint: `${exchange.method} ${exchange.route ?? exchange.path}`,
        outcome,
        seconds: (performance.now() - started) / 1000,
      });
    try {
      const answer = await exchangeOnce(exchange);
      report('ok');
      return answer;
    } catch (error) {
      report(error instanceof DollrError ? error.code : 'error');
      if (error instanceof Error && options.redact) error.message = options.redact(error.message);
      throw error;
    }
  };
  return send;

  async function exchangeOnce({ method, path, query, body, token, timeoutMs: deadlineMs }: DollrExchange) {
    const timeoutMs = Math.min(deadlineMs ?? options.timeoutMs, options.timeoutMs);
    const what = `${method} ${path}`;
    const search = query && Object.keys(query).length > 0 ? `?${new URLSearchParams(query)}` : '';
    // Logged with every line about this call; `query` only when there is one.
    const logged = { method, path, ...(search ? { query } : {}) };
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    // One deadline for the whole exchange: undici's own timeouts reset per phase and per chunk.
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);

    let status: number;
    let headers: Record<string, string | string[] | undefined>;
    let text: string;
    try {
      const response = await request(`${baseUrl}${path}${search}`, {
        method,
        dispatcher: options.dispatcher,
        signal: controller.signal,
        headers: {
          accept: 'application/json',
          'user-agent': options.userAgent,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      status = response.statusCode;
      headers = response.headers;
      text = await response.body.text();
    } catch (error) {
      const failure = fromTransportError(error, { what, timedOut, timeoutMs });
      options.logger.debug('dollr call failed', { ...logged, code: failure.code, durationMs: elapsed() });
      throw failure;
    } finally {
      clearTimeout(timer);
    }

    options.logger.debug('dollr call', { ...logged, status, durationMs: elapsed() });
    const parsed = parseJson(text);
    if (!isSuccess(status)) throw toDollrError(status, parsed.ok ? parsed.value : text, headers, options.now);
    if (!parsed.ok) throw new DollrError('bad_response', `Dollr's answer to ${what} was not JSON.`, { status });
    return parsed.value;
  }
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}
