/**
 * The one place where Dollr's wire failures become DollrError: HTTP statuses here, transport
 * failures (refused connections, resets, our own timeout) in `fromTransportError`. Nothing else in
 * the app looks at a status code.
 */
import { DollrError, type DollrErrorCode, type DollrRefusal } from '../../core/execution/dollr-error.ts';
import { serverWaitMs } from '../server-wait.ts';
import { errorBodySchema } from './dollr-schemas.ts';

export type ResponseHeaders = Record<string, string | string[] | undefined>;

/** True for the statuses that carry a usable answer; everything else goes through toDollrError. */
export const isSuccess = (status: number): boolean => status >= 200 && status < 300;

/**
 * Translates a non-2xx answer. The message is Dollr's `detail` when it sent one (a string, or the
 * pydantic list joined as "field: msg"), else a sentence naming the status.
 */
export function toDollrError(
  status: number,
  body: unknown,
  headers: ResponseHeaders = {},
  now: () => Date = () => new Date(),
): DollrError {
  const code = codeFor(status);
  const message = detailOf(body) ?? fallbackMessage(code, status);
  const retryAfterMs = code === 'rate_limited' ? retryAfterOf(headers, now) : undefined;
  const refusal = code === 'rejected' ? refusalOf(body) : undefined;
  return new DollrError(code, message, {
    status,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    ...(refusal === undefined ? {} : { refusal }),
  });
}

/** Which refusal a 422 about an execute is, read from the field it names and its message or type. */
function refusalOf(body: unknown): DollrRefusal | undefined {
  const parsed = errorBodySchema.safeParse(body);
  if (!parsed.success || typeof parsed.data.detail === 'string') return undefined;
  for (const item of parsed.data.detail) {
    const field = String(item.loc.at(-1) ?? '');
    const said = `${item.msg} ${(item as { type?: unknown }).type ?? ''}`.toLowerCase();
    if (field === 'reference_id' && /duplicate|already exists/.test(said)) return 'duplicate_reference';
    if (field === 'session_id' && /not active|used/.test(said)) return 'session_used';
    if (field === 'session_id' && /not found|expired/.test(said)) return 'session_unusable';
  }
  return undefined;
}

function codeFor(status: number): DollrErrorCode {
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status === 429) return 'rate_limited';
  // A gateway that gave up waiting: Dollr may still have processed the call.
  if (status === 408) return 'timeout';
  if (status >= 500) return 'server';
  // 422 and any other 4xx: Dollr understood and refused; sending the same again cannot help.
  if (status >= 400) return 'rejected';
  // 1xx/3xx are not part of Dollr's API: we cannot tell what happened.
  return 'bad_response';
}

/** Dollr's own words, or undefined when the body is not one of FastAPI's error shapes. */
function detailOf(body: unknown): string | undefined {
  const parsed = errorBodySchema.safeParse(body);
  if (!parsed.success) return undefined;
  const { detail } = parsed.data;
  if (typeof detail === 'string') return detail.trim() || undefined;
  const parts = detail.map((item) => {
    // "body" (or "query"/"path") only says where the field was; people want the field's name.
    const location = item.loc
      .filter((part, i) => !(i === 0 && ['body', 'query', 'path'].includes(String(part))))
      .join('.');
    return location ? `${location}: ${item.msg}` : item.msg;
  });
  return parts.length > 0 ? parts.join('; ') : undefined;
}

function fallbackMessage(code: DollrErrorCode, status: number): string {
  switch (code) {
    case 'unauthorized':
      return `Dollr refused our access token (HTTP ${status}).`;
    case 'forbidden':
      return `Dollr does not allow this (HTTP ${status}).`;
    case 'not_found':
      return `Dollr does not know this resource (HTTP ${status}).`;
    case 'rate_limited':
      return `Dollr is rate limiting us (HTTP ${status}).`;
    case 'server':
      return `Dollr had a server error (HTTP ${status}).`;
    case 'timeout':
      return `Dollr timed out (HTTP ${status}).`;
    case 'rejected':
      return `Dollr refused the request (HTTP ${status}).`;
    default:
      return `Dollr answered with an unexpected HTTP ${status}.`;
  }
}

/** Retry-After is delay-seconds or an HTTP date (RFC 9110), bounded (server-wait.ts); anything else is ignored. */
function retryAfterOf(headers: ResponseHeaders, now: () => Date): number | undefined {
  const raw = headers['retry-after'] ?? headers['Retry-After'];
  const value = (Array.isArray(raw) ? raw[0] : raw)?.trim();
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return serverWaitMs(Number(value) * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : serverWaitMs(at - now().getTime());
}

/** Transport failure codes that mean "no answer in time" rather than "no connection". */
const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT']);

/**
 * Translates an error thrown while calling Dollr (before any status was read, or while reading the
 * body). `timedOut` is true when our own deadline aborted the call. Either way Dollr may have
 * processed the request, which the codes `timeout` and `network` both say.
 */
export function fromTransportError(
  error: unknown,
  context: { what: string; timedOut: boolean; timeoutMs: number },
): DollrError {
  if (error instanceof DollrError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  if (context.timedOut || (typeof code === 'string' && TIMEOUT_CODES.has(code))) {
    return new DollrError('timeout', `Dollr did not answer ${context.what} within ${context.timeoutMs} ms.`, {
      cause: error,
    });
  }
  const reason = typeof code === 'string' ? code : error instanceof Error ? error.message : 'unknown error';
  return new DollrError('network', `Could not reach Dollr for ${context.what} (${reason}).`, { cause: error });
}
