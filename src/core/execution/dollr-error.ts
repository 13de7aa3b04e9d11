/**
 * The one way Dollr failures reach the core. The Dollr adapter translates every wire failure into
 * this; nothing else looks at HTTP status codes.
 */
const DOLLR_ERROR_CODES = [
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

/**
 * What a 422 said about an execute, when Dollr said which field it refused and why. A stricter
 * Dollr answers a replayed execute with one of the first two; the core never relies on which.
 */
const DOLLR_REFUSALS = [
  /** The reference_id is known to Dollr already. */
  'duplicate_reference',
  /** The session was used by an execution already. */
  'session_used',
  /** The session is unknown or expired. */
  'session_unusable',
] as const;
export type DollrRefusal = (typeof DOLLR_REFUSALS)[number];

export interface DollrErrorOptions {
  status?: number;
  retryAfterMs?: number;
  /** For `rejected`: which refusal, when Dollr's answer said. */
  refusal?: DollrRefusal;
  cause?: unknown;
}

export class DollrError extends Error {
  override readonly name = 'DollrError';
  readonly code: DollrErrorCode;
  readonly options: DollrErrorOptions;

  /** `message`: Dollr's own words when it gave any (its `detail`), else ours. Safe to show people. */
  constructor(code: DollrErrorCode, message: string, options: DollrErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.code = code;
    this.options = options;
  }

  get refusal(): DollrRefusal | undefined {
    return this.options.refusal;
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
