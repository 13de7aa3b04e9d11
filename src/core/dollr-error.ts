/**
 * The one way Dollr failures reach the core. The Dollr adapter translates every wire failure into
 * this; nothing else looks at HTTP status codes.
 */
export const DOLLR_ERROR_CODES = [
  /** No answer in time: the call may or may not have been processed. */
  'timeout',
  /** Connection refused or reset: may or may not have been processed. */
  'network',
  /** 5xx: may or may not have been processed. */
  'server',
  /** 429: not processed; wait retryAfterMs when given. */
  'rate_limited',
  /** 422: Dollr refused the request (validation, expired session, duplicate reference). Final. */
  'rejected',
  /** 403: not allowed (unverified merchant, wrong passcode). Final. */
  'forbidden',
  /** 401 even after a fresh token, or bad client credentials. */
  'unauthorized',
  /** 404. */
  'not_found',
  /** An answer we could not understand (not JSON, wrong shape). */
  'bad_response',
] as const;
export type DollrErrorCode = (typeof DOLLR_ERROR_CODES)[number];

export class DollrError extends Error {
  override readonly name = 'DollrError';
  readonly code: DollrErrorCode;
  readonly options: { status?: number; retryAfterMs?: number; cause?: unknown };

  /** `message`: Dollr's own words when it gave any (its `detail`), else ours. Safe to show people. */
  constructor(code: DollrErrorCode, message: string, options: { status?: number; retryAfterMs?: number; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.code = code;
    this.options = options;
  }

  /** True when the call may have been processed by Dollr although we got no clear answer. */
  get outcomeUnknown(): boolean {
    return this.code === 'timeout' || this.code === 'network' || this.code === 'server' || this.code === 'bad_response';
  }

  /** True when trying again later may succeed. */
  get transient(): boolean {
    return this.outcomeUnknown || this.code === 'rate_limited';
  }
}

export const isDollrError = (error: unknown): error is DollrError => error instanceof DollrError;
